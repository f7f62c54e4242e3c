"""The evaluation form and the evaluation record."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import CLINICAL, role_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.engine import CaseError
from fracturecare.evaluations import selectors, services
from fracturecare.evaluations.case_schema import example_values
from fracturecare.evaluations.forms import EvaluationForm, field_name, initial_from_case, value_label
from fracturecare.evaluations.models import Evaluation
from fracturecare.patients.selectors import patient_age, patient_or_404


def _get_evaluation(evaluation_id: int) -> Evaluation:
    try:
        return selectors.evaluation_get(evaluation_id=evaluation_id)
    except Evaluation.DoesNotExist:
        raise Http404("No such evaluation") from None


def _initial(request, patient) -> dict:
    initial = {}
    source_id = request.GET.get("from", "")
    if source_id.isdigit():
        source = selectors.Evaluation.objects.filter(pk=int(source_id), patient=patient).first()
        if source is not None:
            selectors.evaluation_read(evaluation=source, user=request.user, request=request)
            initial = initial_from_case(source.case)
    # Age and sex come from the record, so a later evaluation is not stuck with an old age.
    initial[field_name("patient.age")] = patient_age(patient, on=timezone.localdate())
    if patient.sex:
        initial[field_name("patient.sex")] = patient.sex
    return initial


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def evaluation_create(request, patient_id: int):
    patient = patient_or_404(patient_id=patient_id)
    form = EvaluationForm(request.POST or None, initial=_initial(request, patient))
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
            if value in (None, "", []) or (value is False and not bound.name.startswith("preferences")):
                continue
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            elif isinstance(value, list):
                value = ", ".join(value_label(v) for v in value)
            elif isinstance(value, str):
                value = value_label(value)
            rows.append((bound.label, value))
        answers.append((group, rows))
    return render(request, "evaluations/evaluation_detail.html", {
        "evaluation": evaluation, "patient": evaluation.patient, "answers": answers,
    })
