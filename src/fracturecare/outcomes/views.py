"""The outcomes page (progress chart, flag, history) and the assessment form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.permissions import CLINICAL, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.intake.content import FormKind
from fracturecare.intake.selectors import form_request_for_token, submitted_forms
from fracturecare.intake.services import ALREADY_SUBMITTED, PATIENT_LABEL
from fracturecare.outcomes import measures, services, stages
from fracturecare.outcomes.forms import AssessmentForm, PatientQuestionnaireForm, VoidForm
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.selectors import REVIEW_INTERVAL_DAYS, current_stage, outcome_summary
from fracturecare.patients.models import Patient
from fracturecare.planning.selectors import latest_signed_plan_for_patient
from fracturecare.programmes.selectors import current_programme, programme_overview


def _patient(patient_id: int) -> Patient:
    try:
        return Patient.objects.get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None


@role_required(*CLINICAL)
@require_http_methods(["GET", "POST"])
def patient_outcomes(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = signed_in_user(request)
    patient = _patient(patient_id)
    void_form, void_id = VoidForm(), None
    if request.method == "POST":
        void_form = VoidForm(request.POST)
        if void_form.is_valid():
            void_id = void_form.cleaned_data["assessment"]
            assessment = OutcomeAssessment.objects.filter(pk=void_id, patient=patient).first()
            if assessment is None:
                raise Http404("No such assessment for this patient")
            if assessment.is_voided:
                messages.info(request, "That assessment was already marked as entered in error.")
                return redirect("outcomes:patient_outcomes", patient_id=patient.pk)
            try:
                services.assessment_void(
                    assessment=assessment, actor=user, reason=void_form.cleaned_data["reason"], request=request
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    void_form.add_error(field if field in void_form.fields else None, errors)
            else:
                messages.success(request, "Assessment marked as entered in error; it no longer counts on the chart.")
                return redirect("outcomes:patient_outcomes", patient_id=patient.pk)
        else:
            void_id = request.POST.get("assessment")
    summary = outcome_summary(patient)
    programme = current_programme(patient)
    audit_record(
        actor=user,
        action=AuditAction.OUTCOME_VIEWED,
        patient=patient,
        obj=patient,
        data={"shown": len(summary.assessments)},
        request=request,
    )
    return render(
        request,
        "outcomes/patient_outcomes.html",
        {
            "patient": patient,
            "summary": summary,
            "assessments": list(reversed(summary.assessments)),
            "phases": [(label, stages.PHASE_GOALS[stages.Phase(value)]) for value, label in stages.Phase.choices],
            "walk_run_days": stages.WALK_RUN_DAYS,
            "walk_run_source": stages.WALK_RUN_SOURCE,
            "walk_run_rules": stages.WALK_RUN_RULES,
            "citations": measures.CITATIONS,
            "review_interval": REVIEW_INTERVAL_DAYS,
            "signed_plan": latest_signed_plan_for_patient(patient),
            "void_form": void_form,
            "void_id": str(void_id or ""),
            "current_stage": current_stage(patient),
            "programme": programme_overview(programme) if programme else None,
        },
    )


@role_required(*CLINICAL)
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = signed_in_user(request)
    patient = _patient(patient_id)
    form = AssessmentForm(request.POST or None)
    has_intake = OutcomeAssessment.objects.filter(patient=patient).exists()
    if request.method == "GET":
        form.initial.setdefault("timepoint", "review" if has_intake else "intake")
        audit_record(actor=user, action=AuditAction.OUTCOMES_FORM_OPENED, patient=patient, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_create(
                patient=patient, recorded_by=user, request=request, **form.service_kwargs()
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Outcome measures recorded.")
            return redirect("outcomes:patient_outcomes", patient_id=patient.pk)
    return render(request, "outcomes/assessment_form.html", {"patient": patient, "form": form})


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """The pain and function questionnaire behind a forms link (no login: the signed link is the key)."""
    form_request = form_request_for_token(token)
    if form_request is None or FormKind.OUTCOMES not in form_request.forms:
        return render(request, "intake/invalid_link.html", status=404)
    back = reverse("intake:forms", args=[token])
    if FormKind.OUTCOMES in submitted_forms(form_request):
        messages.info(request, ALREADY_SUBMITTED)
        return redirect(back)
    form = PatientQuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_submit(form_request=form_request, pain_nrs=form.cleaned_data["pain_nrs"],
                                          lefs_items=form.lefs_items(), request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Thank you: “{FormKind.OUTCOMES.label}” is sent.")
            return redirect(back)
    # The page greets the patient by name and, after a refused answer, shows what they typed.
    audit_record(actor_label=PATIENT_LABEL, action=AuditAction.FORMS_OPENED, patient=form_request.patient,
                 obj=form_request, data={"form": FormKind.OUTCOMES, "returned": request.method == "POST"},
                 request=request)
    response = render(request, "intake/outcomes_form.html", {
        "form": form, "label": FormKind.OUTCOMES.label, "first_name": form_request.patient.first_name, "back": back,
    })
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response
