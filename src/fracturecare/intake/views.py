"""Forms by link (no login: the signed link is the key) and the clinic's Forms page for a patient."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts.permissions import CLINICAL, STAFF, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.intake import selectors, services
from fracturecare.intake.content import CONSENT_FORMS, FormKind
from fracturecare.intake.forms import (
    ConsentSignForm,
    InClinicConsentForm,
    IntakeForm,
    SendFormsForm,
    WithdrawConsentForm,
)
from fracturecare.intake.models import FormRequest
from fracturecare.intake.rendering import consent_paragraphs, consent_sources
from fracturecare.intake.tokens import forms_path
from fracturecare.patients.selectors import patient_or_404


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token is in the path: never sent to other sites
    return response


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _no_store(render(request, "intake/invalid_link.html", status=404))


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET"])
def forms_home(request: HttpRequest, token: str) -> HttpResponse:
    """The list of forms behind a link, with what is done and what is left."""
    form_request = selectors.form_request_for_token(token)
    if form_request is None:
        return _invalid_link(request)
    done = selectors.submitted_forms(form_request)
    items = [(kind, FormKind(kind).label, kind in done) for kind in form_request.forms]
    audit_record(actor_label=services.PATIENT_LABEL, action=AuditAction.FORMS_OPENED, patient=form_request.patient,
                 obj=form_request, request=request)
    return _no_store(render(request, "intake/forms_home.html", {
        "form_request": form_request, "token": token, "items": items,
        "all_done": all(d for _, _, d in items), "first_name": form_request.patient.first_name,
    }))


@require_http_methods(["GET", "POST"])
def form_fill(request: HttpRequest, token: str, form: str) -> HttpResponse:
    """One form of a link: the questionnaire, a consent or the outcome questionnaire. Each is sent once."""
    form_request = selectors.form_request_for_token(token)
    if form_request is None or form not in form_request.forms:
        return _invalid_link(request)
    if form in selectors.submitted_forms(form_request):
        messages.info(request, services.ALREADY_SUBMITTED)
        return redirect(forms_path(form_request))
    if form == FormKind.OUTCOMES:
        # The questionnaire's answers are outcome assessments: the outcomes app takes them (by URL name only).
        return redirect("outcomes_public:questionnaire", token=token)
    bound: IntakeForm | ConsentSignForm
    if form == FormKind.INTAKE:
        bound = IntakeForm(request.POST or None)
        template, context = "intake/intake_form.html", {}
    else:
        consent = CONSENT_FORMS[form]
        bound = ConsentSignForm(request.POST or None)
        template = "intake/consent_form.html"
        context = {"consent": consent, "paragraphs": consent_paragraphs(consent), "sources": consent_sources(consent)}
    if request.method == "POST" and bound.is_valid():
        try:
            if isinstance(bound, IntakeForm):
                services.intake_submit(form_request=form_request, answers=bound.answers(), request=request)
            else:
                services.consent_sign(form_request=form_request, form=form, request=request,
                                      signed_name=bound.cleaned_data["signed_name"],
                                      agreed=bound.cleaned_data["agreed"])
        except ValidationError as exc:
            _apply_errors(bound, exc)
        else:
            messages.success(request, f"Thank you: “{FormKind(form).label}” is sent.")
            return redirect(forms_path(form_request))
    # The page greets the patient by name and, after a refused answer, shows what they typed.
    audit_record(actor_label=services.PATIENT_LABEL, action=AuditAction.FORMS_OPENED, patient=form_request.patient,
                 obj=form_request, data={"form": form, "returned": request.method == "POST"}, request=request)
    return _no_store(render(request, template, {
        "form": bound, "token": token, "kind": form, "label": FormKind(form).label,
        "first_name": form_request.patient.first_name, "back": forms_path(form_request), **context,
    }))


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def patient_forms(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's intake answers, consents (with the text signed) and the links sent."""
    patient = patient_or_404(patient_id=patient_id)
    intake = selectors.latest_intake(patient)
    requests = list(FormRequest.objects.filter(patient=patient).prefetch_related("submissions")[:20])
    audit_record(actor=request.user, action=AuditAction.INTAKE_VIEWED, patient=patient, obj=patient, request=request)
    return render(request, "intake/patient_forms.html", {
        "patient": patient, "intake": intake,
        "case_values": selectors.case_values_from_answers(intake.answers) if intake else {},
        "consents": selectors.consent_status(patient).values(), "requests": requests,
        "send_form": SendFormsForm(), "withdraw_form": WithdrawConsentForm(),
        "in_clinic_form": InClinicConsentForm(initial={"signed_name": patient.full_name}),
    })


@role_required(*STAFF)
@require_POST
def patient_forms_send(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Send the patient a new link to the chosen forms (front desk or clinician)."""
    patient = patient_or_404(patient_id=patient_id)
    form = SendFormsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose at least one form to send: " + "; ".join(
            f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()))
    else:
        form_request = services.form_request_create(patient=patient, forms=form.cleaned_data["forms_to_send"],
                                                    actor=signed_in_user(request), request=request)
        if services.form_request_email(form_request):
            messages.success(request, f"The forms link was emailed to {patient.full_name}.")
        else:
            link = request.build_absolute_uri(forms_path(form_request))
            messages.warning(request, "The link is ready but was not emailed (no address, or email failed): "
                                      f"give the patient this link: {link}")
    if signed_in_user(request).role in CLINICAL:
        return redirect("intake:patient_forms", patient_id=patient.pk)
    return redirect("patients:detail", patient_id=patient.pk)


@role_required(*CLINICAL)
@require_POST
def consent_withdraw(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a withdrawal the patient told the clinic about."""
    patient = patient_or_404(patient_id=patient_id)
    form = WithdrawConsentForm(request.POST)
    if form.is_valid():
        services.consent_withdraw(patient=patient, form=form.cleaned_data["form"], actor=signed_in_user(request),
                                  note=form.cleaned_data["note"], request=request)
        messages.success(request, "The withdrawal is recorded; needling is blocked until the patient signs again.")
    else:
        messages.error(request, "Choose which consent was withdrawn.")
    return redirect("intake:patient_forms", patient_id=patient.pk)


@role_required(*CLINICAL)
@require_POST
def consent_in_clinic(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a consent the patient signed in the clinic (tablet or paper), with the current form's text."""
    patient = patient_or_404(patient_id=patient_id)
    form = InClinicConsentForm(request.POST)
    if form.is_valid():
        services.consent_record_in_clinic(patient=patient, actor=signed_in_user(request), request=request,
                                          **form.cleaned_data)
        messages.success(request, "The signed consent is recorded.")
    else:
        messages.error(request, "Not recorded: " + "; ".join(
            f"{form.fields[k].label if k in form.fields else k}: {' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()))
    return redirect("intake:patient_forms", patient_id=patient.pk)
