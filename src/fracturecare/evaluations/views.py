"""The evaluation record page. The form that records an evaluation also makes its plan, so it is a
planning page (`planning.views.evaluation_create`)."""

from __future__ import annotations

from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.permissions import CLINICAL, role_required, signed_in_user
from fracturecare.evaluations import selectors
from fracturecare.evaluations.forms import NONE_SUFFIX, EvaluationForm, initial_from_case, value_label
from fracturecare.evaluations.models import Evaluation


def _get_evaluation(evaluation_id: int) -> Evaluation:
    try:
        return selectors.evaluation_get(evaluation_id=evaluation_id)
    except Evaluation.DoesNotExist:
        raise Http404("No such evaluation") from None


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """One evaluation's answers, grouped as on the form; a read of health data, audited."""
    evaluation = selectors.evaluation_read(
        evaluation=_get_evaluation(evaluation_id), user=signed_in_user(request), request=request
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
