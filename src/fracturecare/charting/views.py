"""Visit pages: list, chart (create/edit a draft), view, sign, amend, add another clinician's addendum."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts.models import User
from fracturecare.accounts.permissions import CLINICAL, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.charting import selectors, services
from fracturecare.charting.forms import AddendumForm, AmendmentForm, VisitForms
from fracturecare.charting.models import SignedRecordError, Visit
from fracturecare.charting.prefill import visit_prefill
from fracturecare.charting.rescreen import rescreen_labels
from fracturecare.charting.validation import VisitRecord, VisitRecordError
from fracturecare.charting.vocab import AE_SCHEME_LABEL
from fracturecare.patients.models import Patient
from fracturecare.planning.selectors import latest_signed_plan_for_patient
from fracturecare.roles import Role


def _patient(patient_id: int) -> Patient:
    try:
        return Patient.objects.get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None


def _visit(pk: int) -> Visit:
    try:
        return selectors.visit_detail(pk)
    except Visit.DoesNotExist:
        raise Http404("No such visit") from None


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def visit_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(patient_id)
    visits = list(selectors.visits_for_patient(patient))
    audit_record(
        actor=request.user,
        action=AuditAction.VISIT_LIST_VIEWED,
        patient=patient,
        obj=patient,
        data={"shown": len(visits)},
        request=request,
    )
    return render(
        request,
        "charting/visit_list.html",
        {"patient": patient, "visits": visits, "signed_plan": latest_signed_plan_for_patient(patient)},
    )


def _signing(request: HttpRequest) -> bool:
    # "Save and sign" and "Save draft" are two buttons of one form.
    return request.POST.get("action") == "sign"


def _saved_message(request: HttpRequest, visit: Visit) -> None:
    if visit.is_signed:
        held = " Needling was held: refer as the re-screen says." if visit.needling_held else ""
        messages.success(request, f"Visit saved and signed.{held}")
    else:
        messages.success(request, "Visit saved as a draft. Sign it to lock it.")


def _save(request: HttpRequest, forms: VisitForms, save: Callable[[VisitRecord], Visit]) -> Visit | None:
    """Validate the forms and call `save(record)`; None when the page must be shown again."""
    if not forms.is_valid():
        return None
    try:
        return save(forms.record())
    except VisitRecordError as exc:
        forms.add_problems(exc.problems)
    return None


@role_required(*CLINICAL)
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Chart a visit: copied from the last signed visit (or the signed plan), saved as a draft or signed."""
    patient = _patient(patient_id)
    prefill = visit_prefill(patient)
    if request.method == "POST":
        forms = VisitForms(request.POST)
        visit = _save(
            request,
            forms,
            lambda record: services.visit_create(
                patient=patient,
                clinician=signed_in_user(request),
                record=_with_source(record, request),
                request=request,
                sign=_signing(request),
            ),
        )
        if visit is not None:
            _saved_message(request, visit)
            return redirect("charting:visit_detail", pk=visit.pk)
    else:
        forms = VisitForms(initial={"visit_date": timezone.localdate(), **prefill.fields}, rows=prefill.rows)
        # The form is prefilled from the signed plan or the last visit: a read of health data.
        audit_record(actor=request.user, action=AuditAction.VISIT_FORM_OPENED, patient=patient, request=request)
    return render(
        request,
        "charting/visit_form.html",
        {
            "patient": patient,
            "forms": forms,
            "visit": None,
            "prefill": prefill,
        },
    )


def _with_source(record: VisitRecord, request: HttpRequest) -> VisitRecord:
    # Where the rows came from travels as a hidden field; it is informational only.
    source = request.POST.get("prefilled_from", "")
    valid = re.fullmatch(r"(plan|visit):\d{1,20}", source)
    record.fields["prefilled_from"] = source if valid else ""
    return record


@role_required(*CLINICAL)
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft (its author only), then save it or save and sign it."""
    visit = _visit(pk)
    if visit.is_signed:
        messages.error(request, "This visit is signed and locked. Add an amendment instead.")
        return redirect("charting:visit_detail", pk=pk)
    if visit.clinician_id != request.user.pk:
        messages.error(request, "Only the clinician who charted this visit can edit its draft.")
        return redirect("charting:visit_detail", pk=pk)
    if request.method == "POST":
        forms = VisitForms(request.POST, instance=visit)
        saved = _save(
            request,
            forms,
            lambda record: services.visit_update(
                visit=visit,
                actor=signed_in_user(request),
                record=_with_source(record, request),
                request=request,
                sign=_signing(request),
            ),
        )
        if saved is not None:
            _saved_message(request, saved)
            return redirect("charting:visit_detail", pk=pk)
    else:
        record = services.record_from_visit(visit)
        forms = VisitForms(
            instance=visit,
            rows={
                "points": [_row(p) for p in visit.points.all()],
                "dry_needling": [_row(t) for t in visit.dry_needling.all()],
                "electrode_pairs": record.electrode_pairs,
                "adverse_events": [_row(a) for a in visit.adverse_events.all()],
            },
        )
        audit_record(
            actor=request.user,
            action=AuditAction.VISIT_VIEWED,
            patient=visit.patient,
            obj=visit,
            data={"form": "edit"},
            request=request,
        )
    return render(
        request,
        "charting/visit_form.html",
        {
            "patient": visit.patient,
            "forms": forms,
            "visit": visit,
            "prefill": None,
        },
    )


def _row(obj: Any) -> dict[str, Any]:
    skip = {"id", "visit", "position", "scheme"}
    return {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields if f.name not in skip}


def _detail(request: HttpRequest, visit: Visit, *, sign_problems: list[str] | None = None,
            amendment_form: AmendmentForm | None = None, addendum_form: AddendumForm | None = None) -> HttpResponse:
    audit_record(actor=request.user, action=AuditAction.VISIT_VIEWED, patient=visit.patient, obj=visit, request=request)
    # Another clinician adds a signed addendum under their own name; everyone else keeps the amendment.
    can_add_addendum = visit.is_signed and not services.addendum_refusal(visit, request.user)
    return render(
        request,
        "charting/visit_detail.html",
        {
            "visit": visit,
            "patient": visit.patient,
            "can_edit": not visit.is_signed and visit.clinician_id == request.user.pk,
            "sign_problems": sign_problems or [],
            "amendment_form": amendment_form or AmendmentForm(),
            "can_add_addendum": can_add_addendum,
            "addendum_form": addendum_form or AddendumForm(),
            "addenda": [(a, services.addendum_hash(a) == a.seal) for a in visit.addenda.all()],
            "ae_scheme": AE_SCHEME_LABEL,
            "hash_ok": visit.is_signed and services.visit_hash(visit) == visit.signed_sha256,
            "rescreen_positive": rescreen_labels(visit.rescreen),
        },
    )


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visit(pk))


@role_required(*CLINICAL)
@require_POST
def visit_sign(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(pk)
    try:
        services.visit_sign(visit=visit, actor=signed_in_user(request), request=request)
    except SignedRecordError:
        messages.info(request, "This visit was already signed.")
    except PermissionDenied:
        messages.error(request, "Only the clinician who charted this visit can sign it.")
    except VisitRecordError as exc:
        return _detail(request, visit, sign_problems=[p.message for p in exc.problems])
    else:
        messages.success(request, "Visit signed and locked.")
    return redirect("charting:visit_detail", pk=pk)


@role_required(*CLINICAL)
@require_POST
def visit_amend(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(pk)
    if visit.is_signed and not services.addendum_refusal(visit, request.user):
        # A clinician who did not chart the visit adds a signed addendum under their own name instead.
        raise PermissionDenied("Another clinician's note on a signed visit is an addendum.")
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            services.visit_amend(visit=visit, author=signed_in_user(request), text=form.cleaned_data["text"],
                                 request=request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("text", message)
        else:
            messages.success(request, "Amendment added.")
            return redirect("charting:visit_detail", pk=pk)
    return _detail(request, visit, amendment_form=form)


@role_required(Role.CLINICIAN)
@require_POST
def visit_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign an addendum to a signed visit: a clinician other than the one who charted it."""
    visit = _visit(pk)
    user = request.user
    refusal = services.addendum_refusal(visit, user)
    if refusal or not isinstance(user, User):
        raise PermissionDenied(refusal)
    if not visit.is_signed:
        messages.error(request, "This visit is not signed yet: an addendum can only be added to a signed visit.")
        return redirect("charting:visit_detail", pk=pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.visit_addendum_add(visit=visit, author=user, text=form.cleaned_data["text"], request=request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("text", message)
        else:
            messages.success(request, "Addendum signed and added.")
            return redirect("charting:visit_detail", pk=pk)
    return _detail(request, visit, addendum_form=form)
