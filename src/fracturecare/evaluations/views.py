"""The evaluation form and the evaluation record."""

from __future__ import annotations

from django.contrib import messages
from django.forms import ChoiceField
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import CLINICAL, role_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.engine import CaseError
from fracturecare.evaluations import selectors, services
from fracturecare.evaluations.case_schema import example_values
from fracturecare.evaluations.forms import NONE_SUFFIX, EvaluationForm, initial_from_case, value_label
from fracturecare.evaluations.models import Evaluation
from fracturecare.evaluations.prefill import initial_values
from fracturecare.patients.selectors import patient_or_404


def _get_evaluation(evaluation_id: int) -> Evaluation:
    try:
        return selectors.evaluation_get(evaluation_id=evaluation_id)
    except Evaluation.DoesNotExist:
        raise Http404("No such evaluation") from None


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def evaluation_create(request, patient_id: int):
    patient = patient_or_404(patient_id=patient_id)
    prefill = initial_values(patient=patient, user=request.user, request=request, source_id=request.GET.get("from", ""))
    form = EvaluationForm(request.POST or None, initial=prefill.initial)
    if request.method == "GET":
        # The form shows the patient's age and sex from the record: a read of health data.
        audit_record(actor=request.user, action=AuditAction.EVALUATION_FORM_OPENED, patient=patient, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_submit(
                patient=patient, clinician=request.user, case=form.to_case(), request=request
            )
        except CaseError as exc:
            for error in exc.errors:
                form.add_case_error(error.field, error.message)
        else:
            messages.success(request, "Evaluation saved and a plan generated. Review it, then sign.")
            return redirect("planning:detail", plan_id=evaluation.plan.pk)
    return render(request, "evaluations/evaluation_form.html", {
        "patient": patient, "form": form, "activities": example_values("patient.activity"),
        "prefilled_from": prefill.source,
    })


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def evaluation_detail(request, evaluation_id: int):
    evaluation = selectors.evaluation_read(
        evaluation=_get_evaluation(evaluation_id), user=request.user, request=request
    )
    form = EvaluationForm(initial=initial_from_case(evaluation.case))
    answers = []
    for group, fields in form.grouped():
        rows = []
        for bound in fields:
            value = bound.initial
            # An answered "no" is shown: it is a finding, unlike a question not asked.
            if value in (None, "", []) or (value is False and bound.name.endswith(NONE_SUFFIX)):
                continue
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            elif isinstance(value, list):
                value = ", ".join(value_label(v) for v in value)
            elif isinstance(value, str) and isinstance(bound.field, ChoiceField):
                value = value_label(value)
            rows.append((bound.label, value))
        answers.append((group, rows))
    return render(request, "evaluations/evaluation_detail.html", {
        "evaluation": evaluation, "patient": evaluation.patient, "answers": answers,
    })
