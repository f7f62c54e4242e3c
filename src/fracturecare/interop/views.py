"""FHIR export and superbill pages."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fracturecare.accounts.permissions import CLINICAL, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.charting.models import Visit
from fracturecare.interop import coding
from fracturecare.interop.forms import SuperbillForm
from fracturecare.interop.selectors import visit_for_superbill
from fracturecare.interop.services import fhir_export
from fracturecare.interop.superbill import Superbill, build_superbill
from fracturecare.patients.selectors import patient_or_404


@role_required(*CLINICAL)
@require_GET
def patient_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_or_404(patient_id=patient_id)
    data = fhir_export(patient=patient, actor=signed_in_user(request), request=request)
    response = JsonResponse(data, json_dumps_params={"indent": 2}, content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}-fhir.json"'
    return response


def _superbill(request: HttpRequest, pk: int) -> tuple[Visit, SuperbillForm, Superbill | None]:
    try:
        visit = visit_for_superbill(pk)
    except Visit.DoesNotExist:
        raise Http404("No such visit") from None
    form = SuperbillForm(request.GET or None)
    bill = None
    if visit.is_signed and (not form.is_bound or form.is_valid()):
        values = form.cleaned_data if form.is_bound else {}
        bill = build_superbill(visit=visit, minutes=values.get("minutes"), reinserted=values.get("reinserted", False),
                               seventh=values.get("seventh") or None)
        audit_record(actor=request.user, action=AuditAction.VISIT_SUPERBILL_VIEWED, patient=visit.patient, obj=visit,
                     data={"codes": [d.code for d in bill.diagnoses] + [line.code for line in bill.lines]},
                     request=request)
    return visit, form, bill


@role_required(*CLINICAL)
@require_GET
def superbill(request: HttpRequest, pk: int) -> HttpResponse:
    visit, form, bill = _superbill(request, pk)
    return render(request, "interop/superbill.html", {
        "visit": visit, "patient": visit.patient, "form": form, "bill": bill,
        "seventh_rule": coding.SEVENTH_RULE, "unit_rule": coding.UNIT_RULE,
    })


@role_required(*CLINICAL)
@require_GET
def superbill_json(request: HttpRequest, pk: int) -> HttpResponse:
    visit, form, bill = _superbill(request, pk)
    if not visit.is_signed:
        return JsonResponse({"detail": "A superbill is made from a signed visit only."}, status=409)
    if bill is None:
        return JsonResponse({"detail": "Invalid input", "errors": json.loads(form.errors.as_json())}, status=422)
    return JsonResponse(bill.as_dict())
