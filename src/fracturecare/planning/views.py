"""The plan page: review the basis of every recommendation, change items, sign, print a referral."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.models import Role, User
from fracturecare.accounts.permissions import CLINICAL, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.engine import CaseError
from fracturecare.evaluations.case_schema import example_values
from fracturecare.evaluations.forms import GROUPS, LABELS, EvaluationForm, initial_from_case, value_label
from fracturecare.evaluations.prefill import initial_values
from fracturecare.evaluations.summary import case_summary
from fracturecare.patients.selectors import patient_age, patient_or_404
from fracturecare.planning import selectors, services
from fracturecare.planning.bodymap import render_body_map
from fracturecare.planning.edits import EditError
from fracturecare.planning.forms import PlanChangeForm, PlanSignForm
from fracturecare.planning.models import Laterality, Plan, PlanEdit, PlanVersion
from fracturecare.planning.presenting import present


def _get_plan(plan_id: int) -> Plan:
    try:
        return selectors.plan_get(plan_id=plan_id)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None


def _signed_in(request: HttpRequest) -> User:
    # Every page here is behind role_required, so the request's user is a signed-in User.
    return signed_in_user(request)


def _is_htmx(request: HttpRequest) -> bool:
    # htmx marks its requests; the page then swaps in the plan's working area instead of reloading.
    return request.headers.get("HX-Request") == "true"


def _render_plan(request: HttpRequest, plan: Plan, *, change_form: PlanChangeForm | None = None,
                 sign_form: PlanSignForm | None = None, status: int = 200, flash: str = "") -> HttpResponse:
    work = selectors.plan_read(plan=plan, user=request.user, request=request)
    case = plan.evaluation.case
    return render(request, "planning/plan_detail.html", {
        "flash": flash,
        "plan": plan,
        "patient": plan.patient,
        "work": work,
        "p": present(work.current),
        "case_summary": case_summary(case),
        "bodymap": mark_safe(render_body_map(work.current, case)),  # noqa: S308 - built with escape()
        "can_edit": _signed_in(request).role == Role.CLINICIAN,
        "change_form": change_form or PlanChangeForm(initial={"action": "add"}),
        "sign_form": sign_form or PlanSignForm(),
        "sides": Laterality.choices,
        "injury_side": case.get("injury", {}).get("side", ""),
    }, status=status)


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan review: summary first, each item's basis folded below it, Sign in the action bar."""
    return _render_plan(request, _get_plan(plan_id))


@role_required(Role.CLINICIAN)
@require_http_methods(["POST"])
def plan_change(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Remove or add an item with a reason; with htmx the page's working area is swapped in place."""
    plan = _get_plan(plan_id)
    form = PlanChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_change(
                plan=plan, actor=_signed_in(request), action=data["action"], section=data["section"], key=data["key"],
                reason=data["reason"], laterality=data["laterality"], description=data["description"],
                override=data["override"], request=request,
            )
        except EditError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            verb = "removed from" if data["action"] == "remove" else "added to"
            done = f"{data['key']} {verb} the plan (not signed yet)."
            if _is_htmx(request):
                return _render_plan(request, plan, flash=done)
            messages.success(request, done)
            return redirect("planning:detail", plan_id=plan.pk)
    # The form comes back with its errors (200, so htmx swaps it in too).
    return _render_plan(request, plan, change_form=form)


@role_required(Role.CLINICIAN)
@require_http_methods(["POST"])
def plan_change_withdraw(request: HttpRequest, plan_id: int, edit_id: int) -> HttpResponse:
    """Withdraw a change that is not signed yet."""
    plan = _get_plan(plan_id)
    edit = PlanEdit.objects.filter(pk=edit_id, plan=plan).select_related("plan__patient").first()
    if edit is None:
        raise Http404("No such change")
    try:
        services.plan_change_withdraw(edit=edit, actor=_signed_in(request), request=request)
    except EditError as exc:
        outcome, level = exc.message, messages.ERROR
    else:
        outcome, level = f"Change to {edit.key} withdrawn.", messages.SUCCESS
    if _is_htmx(request):
        return _render_plan(request, plan, flash=outcome)
    messages.add_message(request, level, outcome)
    return redirect("planning:detail", plan_id=plan.pk)


@role_required(Role.CLINICIAN)
@require_http_methods(["POST"])
def plan_sign(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Sign the working plan; the attestation checkbox is required and stored with the signature."""
    plan = _get_plan(plan_id)
    form = PlanSignForm(request.POST)
    if form.is_valid():
        try:
            version = services.plan_sign(
                plan=plan, actor=_signed_in(request), amendment_reason=form.cleaned_data["amendment_reason"],
                request=request, attested=form.cleaned_data["attested"],
            )
        except services.SignError as exc:
            form.add_error("amendment_reason", exc.message)
        else:
            messages.success(request, f"Plan signed as version {version.number}.")
            return redirect("planning:detail", plan_id=plan.pk)
    return _render_plan(request, plan, sign_form=form)


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def plan_version(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """One signed version as it was signed, with its attestation and history."""
    plan = _get_plan(plan_id)
    try:
        version = selectors.plan_version_read(plan=plan, number=number, user=request.user, request=request)
    except PlanVersion.DoesNotExist:
        raise Http404("No such version") from None
    snapshot = version.snapshot
    return render(request, "planning/plan_version.html", {
        "plan": plan, "patient": plan.patient, "version": version, "snapshot": snapshot,
        "p": present(snapshot["plan"]),
        "bodymap": mark_safe(render_body_map(snapshot["plan"], snapshot["case"])),  # noqa: S308
    })


def _findings(case: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The case's answers grouped as on the evaluation form, for the referral letter."""
    initial = initial_from_case(case)
    out = []
    for group in GROUPS:
        if group.key == "preferences":
            continue
        rows = []
        for path in group.paths:
            value = initial.get(path.replace(".", "__"))
            if value in (None, "", [], False):
                continue
            if value is True:
                value = "Yes"
            elif isinstance(value, list):
                value = ", ".join(value_label(v) for v in value)
            elif isinstance(value, str):
                value = value_label(value)
            rows.append((LABELS[path][0], str(value)))
        if rows:
            out.append((group.title, rows))
    return out


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def plan_referral(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A printable referral letter for a plan whose triage calls for one."""
    plan = _get_plan(plan_id)
    work = selectors.plan_read(plan=plan, user=request.user, request=request)
    case = plan.evaluation.case
    return render(request, "planning/referral_letter.html", {
        "plan": plan, "patient": plan.patient, "work": work, "p": present(work.current),
        "findings": _findings(case), "case_summary": case_summary(case),
        "age": patient_age(plan.patient, on=timezone.localdate()), "today": timezone.localdate(),
    })


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The evaluation form; a valid submission stores the evaluation and its plan, then opens the plan."""
    patient = patient_or_404(patient_id=patient_id)
    clinician = signed_in_user(request)  # role_required let only a signed-in clinician through
    prefill = initial_values(patient=patient, user=clinician, request=request, source_id=request.GET.get("from", ""))
    form = EvaluationForm(request.POST or None, initial=prefill.initial)
    if request.method == "GET":
        # The form shows the patient's age and sex from the record: a read of health data.
        audit_record(actor=clinician, action=AuditAction.EVALUATION_FORM_OPENED, patient=patient, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_submit(
                patient=patient, clinician=clinician, case=form.to_case(), request=request
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
