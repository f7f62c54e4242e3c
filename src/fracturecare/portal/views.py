"""The patient portal at /me/ (a patient's own record only), and the clinic's invite page."""

from __future__ import annotations

import datetime
import logging
import smtplib
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import STAFF, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import clinic_details
from fracturecare.guards import View
from fracturecare.handouts.content import handout_content
from fracturecare.handouts.pdf import handout_pdf
from fracturecare.intake.selectors import open_form_requests
from fracturecare.intake.tokens import forms_path
from fracturecare.interop.services import fhir_export
from fracturecare.knowledge import load_knowledge
from fracturecare.outcomes.selectors import current_stage, outcome_summary
from fracturecare.patients.models import Patient
from fracturecare.patients.selectors import patient_or_404
from fracturecare.portal import selectors, services
from fracturecare.portal.forms import InviteForm
from fracturecare.programmes.forms import SessionLogForm
from fracturecare.programmes.models import ProgrammeStatus
from fracturecare.programmes.selectors import current_programme, programme_overview
from fracturecare.programmes.services import session_log
from fracturecare.scheduling.links import manage_token

logger = logging.getLogger(__name__)


def patient_login_required(view: View) -> View:
    """Patients only: anonymous users sign in, staff go to the clinic workspace.

    The view gets the linked patient record (None when the login is not linked yet).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != Role.PATIENT:
            return redirect("dashboard:home")
        return view(request, selectors.patient_of(user), *args, **kwargs)

    wrapper.allowed_roles = (Role.PATIENT,)  # type: ignore[attr-defined]  # read by the URL permission walk
    return wrapper


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@patient_login_required
@require_GET
def home(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    """Upcoming appointments, signed plans' handouts and the outcome chart, for this patient only."""
    if patient is None:
        audit_record(actor=request.user, action=AuditAction.PORTAL_VIEWED, data={"linked": False}, request=request)
        return _no_store(render(request, "portal/not_linked.html"))
    appointments = selectors.upcoming_appointments(patient)
    plans = selectors.signed_plans(patient)
    outcomes = outcome_summary(patient)
    live = [a for a in outcomes.assessments if not a.is_voided]
    programme = current_programme(patient)
    audit_record(
        actor=request.user, action=AuditAction.PORTAL_VIEWED, patient=patient, obj=patient,
        data={"appointments": len(appointments), "plans": [s.plan.pk for s in plans], "outcomes": len(live)},
        request=request,
    )
    return _no_store(render(request, "portal/home.html", {
        "patient": patient,
        "appointments": [(a, manage_token(a)) for a in appointments],
        "plans": plans,
        "outcomes": live,
        "chart_svg": outcomes.chart_svg if live else "",
        "stage": current_stage(patient),
        "programme": programme_overview(programme) if programme else None,
        "questionnaires": [(forms_path(r), todo) for r, todo in open_form_requests(patient)],
    }))


@patient_login_required
@require_GET
def handout(request: HttpRequest, patient: Patient | None, plan_id: int) -> HttpResponse:
    """The handout PDF of one of this patient's signed plans; anyone else's plan is a 404."""
    version = selectors.own_signed_version(patient=patient, plan_id=plan_id) if patient else None
    if version is None or patient is None:
        # Someone asked for a plan that is not theirs (or not signed): worth a line in the log.
        audit_record(actor=request.user, action=AuditAction.PORTAL_HANDOUT_REFUSED, patient=patient,
                     data={"plan": plan_id}, request=request)
        raise Http404("No such plan")
    snapshot = version.snapshot
    stage = current_stage(patient)
    content = handout_content(snapshot, load_knowledge(), patient_first_name=patient.first_name,
                              current_phase=stage.phase if stage else "", stage_detail=stage.detail if stage else "")
    pdf = handout_pdf(content, plan=snapshot["plan"], case=snapshot["case"], clinic=clinic_details())
    audit_record(actor=request.user, action=AuditAction.PORTAL_HANDOUT_DOWNLOADED, patient=patient, obj=version.plan,
                 data={"version": version.number}, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="care-plan-{version.plan_id}-v{version.number}.pdf"'
    return _no_store(response)


@patient_login_required
@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    """Today's session of the patient's programme, the form to log a session, and why the programme moved."""
    current = current_programme(patient) if patient else None
    if current is None:
        audit_record(actor=request.user, action=AuditAction.PORTAL_PROGRAMME_VIEWED, patient=patient,
                     data={"programme": None}, request=request)
        return _no_store(render(request, "portal/programme.html", {"patient": patient, "overview": None}))
    form = SessionLogForm(request.POST or None, initial={"on": timezone.localdate() - datetime.timedelta(days=1)})
    if request.method == "POST" and current.status == ProgrammeStatus.ACTIVE and form.is_valid():
        try:
            log = session_log(programme=current, actor=signed_in_user(request), request=request, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, log.reason)
            return redirect("portal:programme")
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.PORTAL_PROGRAMME_VIEWED, patient=patient, obj=current,
                     request=request)
    return _no_store(render(request, "portal/programme.html", {
        "patient": patient, "overview": programme_overview(current), "form": form,
    }))


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Give a patient a portal login (or a fresh set-password link) and email them the link."""
    user = signed_in_user(request)
    patient = patient_or_404(patient_id=patient_id)
    login = patient.user
    form = InviteForm(request.POST or None, initial={"email": (login.email if login else "") or patient.email})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.portal_invite(
                patient=patient, actor=user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            if services.TAKEOVER_REFUSED in exc.message_dict.get("email", []):
                # Outside the refused transaction, so the attempt stays on record.
                audit_record(actor=request.user, action=AuditAction.PORTAL_EMAIL_CHANGE_REFUSED, patient=patient,
                             obj=login,
                             data={"user": login.pk if login else None}, request=request)
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            try:
                services.invitation_send(invitation)
            except (OSError, smtplib.SMTPException) as exc:
                logger.warning("portal invitation email failed for user %s: %s", invitation.user.pk, exc)
                messages.error(request, "The login is ready but the email could not be sent. "
                                        "Send a new link once email works, or check the address.")
            else:
                what = "made a portal login for" if invitation.created else "sent a new set-password link to"
                messages.success(request, f"You {what} {patient.full_name} ({invitation.user.email}).")
            if invitation.previous_email:
                try:
                    services.email_moved_notice_send(user=invitation.user, old_email=invitation.previous_email)
                except (OSError, smtplib.SMTPException) as exc:
                    logger.warning("portal email-change notice failed for user %s: %s", invitation.user.pk, exc)
                    messages.error(request, "The old address could not be told of the change; "
                                            "please tell the patient another way.")
            return redirect("portal:invite", patient_id=patient.pk)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.PATIENT_VIEWED, patient=patient, obj=patient,
                     data={"form": "portal_invite"}, request=request)
    return render(request, "portal/invite.html", {
        "patient": patient, "login": login, "form": form, "is_admin": user.role == Role.CLINIC_ADMIN,
    })


@patient_login_required
@require_GET
def record_fhir(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    """The patient's own record as a FHIR R4 Bundle (JSON download), the same export the clinic makes."""
    if patient is None:
        raise Http404("This login is not linked to a patient record yet")
    data = fhir_export(patient=patient, actor=signed_in_user(request), request=request)
    response = JsonResponse(data, json_dumps_params={"indent": 2}, content_type="application/fhir+json")
    response["Content-Disposition"] = 'attachment; filename="my-health-record-fhir.json"'
    return _no_store(response)
