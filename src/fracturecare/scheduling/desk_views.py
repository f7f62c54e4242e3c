"""Front-desk pages under /clinic/schedule/: the day's schedule, booking for a caller,
moving and cancelling, and the outbox of patient emails that failed.

Clinicians may look at the day; booking, moving, cancelling and the outbox are front-desk
(and clinic-admin) work.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import STAFF, role_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.models import Patient
from fracturecare.patients.selectors import patient_list
from fracturecare.queryparams import cleaned_or_refuse, page_of
from fracturecare.scheduling.clock import to_local
from fracturecare.scheduling.forms import DayForm, IntakeForm, PatientDetailsForm, SlotChoiceForm
from fracturecare.scheduling.models import Appointment, AppointmentStatus, AppointmentType, BookingSource, OutboxMessage
from fracturecare.scheduling.outbox import outbox_retry
from fracturecare.scheduling.safety import SAFETY_QUESTIONS
from fracturecare.scheduling.selectors import (
    cancelled_on_day,
    day_schedule,
    outbox_problems,
    outbox_recent,
    slots_by_practitioner,
)
from fracturecare.scheduling.services import (
    BookingInvalid,
    PatientDetails,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_move,
)
from fracturecare.scheduling.slots import free_slots

DESK = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


def _day(request) -> datetime.date:
    # A date we cannot show is refused with a 400 naming it, never a server error or a silent "today".
    return cleaned_or_refuse(DayForm(request.GET)).get("date") or timezone.localdate()


def _searched(request, query: str) -> list[Patient]:
    """Patients matching the desk's search (the search itself is audited; the words typed are not kept)."""
    if not query:
        return []
    found = list(patient_list(query=query)[:20])
    audit_record(actor=request.user, action=AuditAction.PATIENT_LIST_VIEWED,
                 data={"search": True, "results": len(found), "page": "desk_book"}, request=request)
    return found


def _free_times(appointment_type, day, *, ignore=None) -> list[dict]:
    slots = free_slots(
        appointment_type=appointment_type, start_date=day, end_date=day, enforce_notice=False, ignore_appointment=ignore
    )
    return slots_by_practitioner(slots)


@role_required(*STAFF)
def schedule(request):
    """The day's schedule, one column per practitioner."""
    day = _day(request)
    audit_record(actor=request.user, action=AuditAction.APPOINTMENT_SCHEDULE_VIEWED,
                 data={"date": day.isoformat()}, request=request)
    return render(
        request,
        "scheduling/desk/schedule.html",
        {
            "day": day,
            "prev_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "today": timezone.localdate(),
            "columns": day_schedule(day).items(),
            "cancelled": cancelled_on_day(day),
            "can_edit": request.user.role in DESK,
        },
    )


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def desk_book(request):
    """Book for a caller: pick a type and day, a time, then the patient."""
    types = AppointmentType.objects.filter(active=True)
    source = request.POST if request.method == "POST" else request.GET
    appointment_type = types.filter(slug=source.get("type", "")).first() or types.order_by("-new_patients").first()
    day = _day(request)
    base = {"types": types, "appointment_type": appointment_type, "day": day}
    if appointment_type is None:
        return render(request, "scheduling/desk/book.html", base)
    slot_form = SlotChoiceForm(
        {
            "type": appointment_type.slug,
            "start": source.get("start", ""),
            "practitioner": source.get("practitioner", ""),
        },
        online=False,
    )
    if not source.get("start") or not slot_form.is_valid():
        return render(request, "scheduling/desk/book.html", {**base, "groups": _free_times(appointment_type, day)})

    chosen = slot_form.cleaned_data
    query = request.GET.get("q", "").strip()
    context = {
        **base,
        "start": chosen["start"],
        "start_local": to_local(chosen["start"]),
        "practitioner": chosen["practitioner"],
        "query": query,
        "matches": _searched(request, query),
        "safety_questions": SAFETY_QUESTIONS,
    }
    if request.method == "GET":
        return render(
            request,
            "scheduling/desk/book_patient.html",
            {
                **context,
                "patient_form": PatientDetailsForm(),
                "intake_form": IntakeForm(require_screen=False),
            },
        )

    patient = None
    if request.POST.get("patient"):
        patient = get_object_or_404(Patient, pk=request.POST["patient"])
    patient_form = PatientDetailsForm(request.POST)
    intake_form = IntakeForm(request.POST, require_screen=False)
    patient_ok = patient is not None or patient_form.is_valid()
    if not (patient_ok and intake_form.is_valid()):
        return render(
            request,
            "scheduling/desk/book_patient.html",
            {
                **context,
                "patient_form": patient_form,
                "intake_form": intake_form,
                "chosen_patient": patient,
            },
            status=422,
        )
    try:
        appointment = appointment_book(
            appointment_type=appointment_type,
            practitioner=chosen["practitioner"],
            start=chosen["start"],
            patient=patient,
            details=None if patient else PatientDetails(**patient_form.cleaned_data),
            reason=intake_form.cleaned_data["reason"],
            intake={"pain_area": intake_form.cleaned_data.get("pain_area") or ""},
            source=BookingSource.FRONT_DESK,
            booked_by=request.user,
            request=request,
        )
    except (SlotUnavailable, BookingInvalid) as exc:
        messages.error(request, str(exc) if isinstance(exc, SlotUnavailable) else exc.errors[0][1])
        params = urlencode({"type": appointment_type.slug, "date": to_local(chosen["start"]).date().isoformat()})
        return redirect(f"{reverse('scheduling:desk_book')}?{params}")
    messages.success(
        request, f"Booked {appointment.patient.full_name} for {to_local(appointment.start):%a %d %b, %H:%M}."
    )
    return redirect(f"{reverse('scheduling:schedule')}?{urlencode({'date': to_local(appointment.start).date()})}")


def _schedule_url(appointment: Appointment) -> str:
    return f"{reverse('scheduling:schedule')}?{urlencode({'date': to_local(appointment.start).date()})}"


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def appointment_move_view(request, pk: int):
    """Move an appointment to another free time (same visit type)."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("appointment_type", "patient", "practitioner__user"), pk=pk
    )
    if appointment.status != AppointmentStatus.CONFIRMED:
        messages.error(request, "Only a confirmed appointment can be moved.")
        return redirect(_schedule_url(appointment))
    if request.method == "POST":
        form = SlotChoiceForm(
            {
                "type": appointment.appointment_type.slug,
                "start": request.POST.get("start", ""),
                "practitioner": request.POST.get("practitioner", ""),
            },
            online=False,
        )
        if not form.is_valid():
            messages.error(request, "Choose one of the free times shown.")
        else:
            try:
                appointment = appointment_move(
                    appointment=appointment,
                    start=form.cleaned_data["start"],
                    practitioner=form.cleaned_data["practitioner"],
                    actor=request.user,
                    request=request,
                    enforce_notice=False,
                )
            except (SlotUnavailable, BookingInvalid) as exc:
                messages.error(request, str(exc) if isinstance(exc, SlotUnavailable) else exc.errors[0][1])
            else:
                messages.success(request, f"Moved to {to_local(appointment.start):%a %d %b, %H:%M}.")
                return redirect(_schedule_url(appointment))
    day = _day(request) if request.GET.get("date") else to_local(appointment.start).date()
    audit_record(actor=request.user, action=AuditAction.APPOINTMENT_VIEWED, patient=appointment.patient,
                 obj=appointment, data={"page": "move"}, request=request)
    return render(
        request,
        "scheduling/desk/move.html",
        {
            "appointment": appointment,
            "day": day,
            "prev_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "groups": _free_times(appointment.appointment_type, day, ignore=appointment),
        },
    )


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def appointment_cancel_view(request, pk: int):
    """Cancel for a caller; the time is free again at once."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("appointment_type", "patient", "practitioner__user"), pk=pk
    )
    if request.method == "POST":
        try:
            appointment_cancel(appointment=appointment, actor=request.user, request=request)
        except BookingInvalid as exc:
            messages.error(request, exc.errors[0][1])
        else:
            messages.success(request, f"Cancelled {appointment.patient.full_name}'s appointment.")
        return redirect(_schedule_url(appointment))
    audit_record(actor=request.user, action=AuditAction.APPOINTMENT_VIEWED, patient=appointment.patient,
                 obj=appointment, data={"page": "cancel"}, request=request)
    return render(request, "scheduling/desk/cancel.html", {"appointment": appointment})


#: Failed messages per page of the patient-emails page (newest change first).
OUTBOX_PROBLEMS_PER_PAGE = 50


@role_required(*DESK)
def outbox(request):
    """Patient emails that failed (with the reason), a page at a time, and recent traffic."""
    page = page_of(Paginator(outbox_problems(), OUTBOX_PROBLEMS_PER_PAGE), request)
    audit_record(actor=request.user, action=AuditAction.OUTBOX_VIEWED, request=request)
    return render(
        request,
        "scheduling/desk/outbox.html",
        {
            "problems": page.object_list,
            "page": page,
            "recent": outbox_recent(),
        },
    )


@role_required(*DESK)
@require_POST
def outbox_retry_view(request, pk: int):
    message = get_object_or_404(OutboxMessage, pk=pk)
    outbox_retry(message=message, actor=request.user, request=request)
    messages.success(request, "Queued again; the sender will try within a minute.")
    return redirect("scheduling:outbox")
