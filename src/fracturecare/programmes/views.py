"""The clinic's programme page for a patient: assign from the signed plan, see sessions, override."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import CLINICAL, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.selectors import patient_or_404
from fracturecare.planning.models import Plan
from fracturecare.programmes import selectors, services
from fracturecare.programmes.forms import AssignForm, OverrideForm
from fracturecare.programmes.models import Programme


def _errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@role_required(*CLINICAL)
@require_http_methods(["GET", "POST"])
def patient_programme(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's programme (today, steps, sessions, chart) or the form to assign one."""
    user = signed_in_user(request)
    patient = patient_or_404(patient_id=patient_id)
    programme = selectors.current_programme(patient)
    overview = selectors.programme_overview(programme) if programme else None
    plan = Plan.objects.filter(patient=patient, versions__isnull=False).order_by("-id").distinct().first()
    assign = AssignForm(request.POST or None)
    if request.method == "POST":
        if user.role != Role.CLINICIAN:
            assign.add_error(None, "Only a clinician assigns a programme.")
        elif plan is None:
            assign.add_error(None, "Sign a plan first: a programme is assigned from a signed plan.")
        elif assign.is_valid():
            try:
                services.programme_assign(plan=plan, actor=user, request=request, **assign.cleaned_data)
            except ValidationError as exc:
                _errors(assign, exc)
            else:
                messages.success(request, "Programme assigned. The patient sees today's session in their portal.")
                return redirect("programmes:patient_programme", patient_id=patient.pk)
    audit_record(actor=user, action=AuditAction.PROGRAMME_VIEWED, patient=patient, obj=programme,
                 request=request)
    return render(request, "programmes/patient_programme.html", {
        "patient": patient, "programme": programme, "overview": overview, "plan": plan, "assign": assign,
        "override": OverrideForm(steps=overview.steps) if overview else None,
    })


@role_required(Role.CLINICIAN)
@require_POST
def programme_override(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Move the patient to another step with a reason (audited)."""
    programme = Programme.objects.select_related("patient").filter(pk=programme_id).first()
    if programme is None:
        raise Http404("No such programme")
    overview = selectors.programme_overview(programme)
    form = OverrideForm(request.POST, steps=overview.steps)
    if form.is_valid():
        try:
            services.programme_override(programme=programme, actor=signed_in_user(request), request=request,
                                        **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        else:
            messages.success(request, "The programme is changed; the patient sees your reason.")
    else:
        messages.error(request, "Not changed: " + "; ".join(
            f"{form.fields[k].label if k in form.fields else k}: {' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()))
    return redirect("programmes:patient_programme", patient_id=programme.patient_id)
