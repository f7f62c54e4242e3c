"""Front-desk pages under /clinic/schedule/: the day and week calendar, booking for a caller
(one visit or a weekly series), statuses, moving and cancelling, the waiting list, the day
sheet, and the outbox of patient emails and texts.

Clinicians may look at the calendar and set a visit's status (arrived, in treatment,
completed); booking, moving, cancelling, the waiting list and the outbox are front-desk (and
clinic-admin) work.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import STAFF, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import is_late_cancellation
from fracturecare.patients.models import Patient
from fracturecare.patients.selectors import patient_list
from fracturecare.queryparams import cleaned_or_refuse, page_of
from fracturecare.scheduling.calendar import PALETTE_SIZE, build_grid
from fracturecare.scheduling.clock import local_day_bounds, to_local
from fracturecare.scheduling.forms import (
    CalendarQueryForm,
    DayForm,
    DeskPatientDetailsForm,
    IntakeForm,
    RepeatForm,
    SlotChoiceForm,
    TextReplyForm,
    WaitlistForm,
)
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
    OutboxMessage,
    WaitlistEntry,
)
from fracturecare.scheduling.outbox import outbox_retry
from fracturecare.scheduling.queueing import text_inbound
from fracturecare.scheduling.safety import SAFETY_QUESTIONS
from fracturecare.scheduling.selectors import (
    calendar_appointments,
    calendar_practitioners,
    day_schedule,
    outbox_problems,
    outbox_recent,
    released_between,
    slots_by_practitioner,
    waitlist_waiting,
)
from fracturecare.scheduling.services import (
    STATUS_TRANSITIONS,
    BookingInvalid,
    PatientDetails,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_move,
    appointment_set_status,
    series_book,
    series_preview,
    waitlist_add,
    waitlist_remove,
)
from fracturecare.scheduling.slots import free_slots
from fracturecare.scheduling.sms import FileSink
from fracturecare.scheduling.waitlist import WAITLIST_FANOUT

DESK = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


def _day(request: HttpRequest) -> datetime.date:
    # A date we cannot show is refused with a 400 naming it, never a server error or a silent "today".
    return cleaned_or_refuse(DayForm(request.GET)).get("date") or timezone.localdate()


def _searched(request: HttpRequest, query: str) -> list[Patient]:
    """Patients matching the desk's search (the search itself is audited; the words typed are not kept)."""
    if not query:
        return []
    found = list(patient_list(query=query)[:20])
    audit_record(actor=request.user, action=AuditAction.PATIENT_LIST_VIEWED,
                 data={"search": True, "results": len(found), "page": "desk_book"}, request=request)
    return found


def _free_times(
    appointment_type: AppointmentType, day: datetime.date, *, ignore: Appointment | None = None
) -> list[dict]:
    slots = free_slots(
        appointment_type=appointment_type, start_date=day, end_date=day, enforce_notice=False, ignore_appointment=ignore
    )
    return slots_by_practitioner(slots)


def _bad_query(request: HttpRequest, text: str) -> HttpResponse:
    return render(request, "scheduling/desk/bad_query.html", {"problem": text}, status=400)


@role_required(*STAFF)
def schedule(request: HttpRequest) -> HttpResponse:
    """The calendar: a time grid per practitioner (day) or per day (week), with free times to book.

    Query: view=day|week, date=YYYY-MM-DD, colour=type|practitioner, type=<slug> (whose free
    times are shown), practitioner=<id> (week view: one practitioner). Bad values answer 400.
    """
    form = CalendarQueryForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form.error_text())
    query = form.cleaned_data
    view = query["view"] or "day"
    day = query["date"] or timezone.localdate()
    colour = query["colour"] or "type"
    audit_record(actor=request.user, action=AuditAction.APPOINTMENT_SCHEDULE_VIEWED,
                 data={"date": day.isoformat(), "view": view}, request=request)
    practitioner = query["practitioner"]
    if view == "week":
        first = day - datetime.timedelta(days=day.weekday())
        days = [first + datetime.timedelta(days=i) for i in range(7)]
        step = datetime.timedelta(days=7)
    else:
        days = [day]
        step = datetime.timedelta(days=1)
    start, _ = local_day_bounds(days[0])
    _, end = local_day_bounds(days[-1])
    types = list(AppointmentType.objects.filter(active=True).order_by("-new_patients", "name"))
    free_type = query["type"] or (types[0] if types else None)
    can_edit = signed_in_user(request).role in DESK
    practitioners = calendar_practitioners(practitioner.pk if practitioner else None)
    free = []
    if can_edit and free_type is not None:
        now = timezone.now()
        free = [
            s
            for s in free_slots(
                appointment_type=free_type,
                start_date=days[0],
                end_date=days[-1],
                enforce_notice=False,
                practitioner=practitioner,
            )
            if s.start > now
        ]
    grid = build_grid(
        days=days,
        practitioners=practitioners,
        appointments=calendar_appointments(start, end),
        free=free,
        colour_by=colour,
        types=types,
        per_practitioner_columns=view == "day",
        step_minutes=free_type.slot_step_minutes if free_type else 30,
    )

    def link(**changes: object) -> str:
        params = {
            "view": view,
            "date": day.isoformat(),
            "colour": colour,
            **({"type": free_type.slug} if free_type else {}),
            **({"practitioner": practitioner.pk} if practitioner else {}),
        }
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    return render(
        request,
        "scheduling/desk/schedule.html",
        {
            "view": view,
            "day": day,
            "days": days,
            "today": timezone.localdate(),
            "grid": grid,
            "colour": colour,
            "types": types,
            "free_type": free_type,
            "practitioner": practitioner,
            "all_practitioners": calendar_practitioners() if view == "week" else practitioners,
            "released": released_between(start, end),
            "can_edit": can_edit,
            "prev_link": link(date=(days[0] - step).isoformat()),
            "next_link": link(date=(days[0] + step).isoformat()),
            "today_link": link(date=timezone.localdate().isoformat()),
            "day_link": link(view="day"),
            "week_link": link(view="week"),
            "colour_type_link": link(colour="type"),
            "colour_practitioner_link": link(colour="practitioner"),
            "here": request.get_full_path(),
            "legend": [
                (name, i % PALETTE_SIZE)
                for i, name in enumerate(
                    [t.name for t in types] if colour == "type" else [p.display_name for p in practitioners]
                )
            ],
        },
    )


@role_required(*STAFF)
def day_sheet(request: HttpRequest) -> HttpResponse:
    """The printable day sheet: every practitioner's visits of one day with the patient's phone."""
    form = DayForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, f"date={request.GET.get('date', '')!r}: use YYYY-MM-DD.")
    day = form.cleaned_data.get("date") or timezone.localdate()
    audit_record(actor=request.user, action=AuditAction.APPOINTMENT_SCHEDULE_VIEWED,
                 data={"date": day.isoformat(), "view": "day_sheet"}, request=request)
    return render(
        request,
        "scheduling/desk/day_sheet.html",
        {"day": day, "columns": day_schedule(day).items(), "printed_at": timezone.localtime()},
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@role_required(*STAFF)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit from the grid: who, when, status buttons, move and cancel."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("appointment_type", "patient", "practitioner__user", "location"), pk=pk
    )
    audit_record(
        actor=request.user,
        action=AuditAction.APPOINTMENT_VIEWED,
        patient=appointment.patient,
        obj=appointment,
        request=request,
    )
    labels = dict(AppointmentStatus.choices)
    return render(
        request,
        "scheduling/desk/appointment.html",
        {
            "appointment": appointment,
            "next_statuses": [(s, labels[s]) for s in STATUS_TRANSITIONS.get(appointment.status, ())],
            "can_edit": signed_in_user(request).role in DESK,
            "next": _safe_next(request, _schedule_url(appointment)),
        },
    )


@role_required(*STAFF)
@require_POST
def appointment_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Arrived, in treatment, completed, no-show; the form names the status."""
    appointment = get_object_or_404(Appointment.objects.select_related("patient"), pk=pk)
    status = request.POST.get("status", "")
    if status not in AppointmentStatus.values:
        messages.error(request, f"status={status!r} is not a known appointment status.")
        return redirect(_safe_next(request, _schedule_url(appointment)))
    try:
        appointment = appointment_set_status(
            appointment=appointment, status=status, actor=signed_in_user(request), request=request
        )
    except BookingInvalid as exc:
        messages.error(request, exc.errors[0][1])
    else:
        messages.success(request, f"{appointment.patient.full_name}: {appointment.get_status_display().lower()}.")
    return redirect(_safe_next(request, _schedule_url(appointment)))


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def desk_book(request: HttpRequest) -> HttpResponse:
    """Book for a caller: pick a type and day, a time, then the patient (a phone is enough).

    With "repeat weekly for N weeks" the visits are checked first and the conflicts shown;
    the desk then books the free ones, or none.
    """
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
                "patient_form": DeskPatientDetailsForm(),
                "intake_form": IntakeForm(require_screen=False),
                "repeat_form": RepeatForm(),
            },
        )

    patient = None
    if request.POST.get("patient"):
        patient = get_object_or_404(Patient, pk=request.POST["patient"])
    patient_form = DeskPatientDetailsForm(request.POST)
    intake_form = IntakeForm(request.POST, require_screen=False)
    repeat_form = RepeatForm(request.POST)
    patient_ok = patient is not None or patient_form.is_valid()
    if not (patient_ok and intake_form.is_valid() and repeat_form.is_valid()):
        return render(
            request,
            "scheduling/desk/book_patient.html",
            {
                **context,
                "patient_form": patient_form,
                "intake_form": intake_form,
                "repeat_form": repeat_form,
                "chosen_patient": patient,
            },
            status=422,
        )
    details = None
    if patient is None:
        details = PatientDetails(**{k: v for k, v in patient_form.cleaned_data.items() if k != "text_consent"})
    text_consent = bool(request.POST.get("text_consent"))
    reason = intake_form.cleaned_data["reason"]
    intake = {"pain_area": intake_form.cleaned_data.get("pain_area") or ""}
    weeks = repeat_form.cleaned_data.get("repeat_weeks") or 1
    if weeks > 1:
        return _desk_book_series(
            request,
            context={**context, "weeks": weeks},
            appointment_type=appointment_type,
            chosen=chosen,
            patient=patient,
            details=details,
            reason=reason,
            intake=intake,
            text_consent=text_consent,
            confirmed=repeat_form.cleaned_data.get("series_confirm") == "rest",
        )
    try:
        appointment = appointment_book(
            appointment_type=appointment_type,
            practitioner=chosen["practitioner"],
            start=chosen["start"],
            patient=patient,
            details=details,
            reason=reason,
            intake=intake,
            source=BookingSource.FRONT_DESK,
            booked_by=signed_in_user(request),
            request=request,
            text_consent=text_consent,
        )
    except (SlotUnavailable, BookingInvalid) as exc:
        messages.error(request, str(exc) if isinstance(exc, SlotUnavailable) else exc.errors[0][1])
        params = urlencode({"type": appointment_type.slug, "date": to_local(chosen["start"]).date().isoformat()})
        return redirect(f"{reverse('scheduling:desk_book')}?{params}")
    messages.success(
        request, f"Booked {appointment.patient.full_name} for {to_local(appointment.start):%a %d %b, %H:%M}."
    )
    return redirect(f"{reverse('scheduling:schedule')}?{urlencode({'date': to_local(appointment.start).date()})}")


def _desk_book_series(
    request: HttpRequest,
    *,
    context: dict,
    appointment_type: AppointmentType,
    chosen: dict,
    patient: Patient | None,
    details: PatientDetails | None,
    reason: str,
    intake: dict,
    text_consent: bool,
    confirmed: bool,
) -> HttpResponse:
    """Preview a weekly series with its conflicts; on confirmation book the free visits (all or none)."""
    try:
        occurrences = series_preview(
            appointment_type=appointment_type,
            practitioner=chosen["practitioner"],
            first_start=chosen["start"],
            weeks=context["weeks"],
            patient=patient,
        )
    except BookingInvalid as exc:
        messages.error(request, exc.errors[0][1])
        return redirect(reverse("scheduling:desk_book"))
    free = [o.start for o in occurrences if not o.conflict and o.start is not None]
    if confirmed and free:
        try:
            booked = series_book(
                appointment_type=appointment_type,
                practitioner=chosen["practitioner"],
                starts=free,
                reason=reason,
                patient=patient,
                details=details,
                intake=intake,
                booked_by=signed_in_user(request),
                request=request,
                text_consent=text_consent,
            )
        except (SlotUnavailable, BookingInvalid) as exc:
            # Something was taken since the preview: nothing was booked; show the series again.
            messages.error(request, str(exc) if isinstance(exc, SlotUnavailable) else exc.errors[0][1])
        else:
            messages.success(request, f"Booked {len(booked)} weekly visits for {booked[0].patient.full_name}.")
            return redirect(_schedule_url(booked[0]))
    carried = [
        (k, v)
        for k, values in request.POST.lists()
        if k not in ("csrfmiddlewaretoken", "series_confirm")
        for v in values
    ]
    return render(
        request,
        "scheduling/desk/series_preview.html",
        {**context, "occurrences": occurrences, "free_count": len(free), "carried": carried},
    )


def _schedule_url(appointment: Appointment) -> str:
    return f"{reverse('scheduling:schedule')}?{urlencode({'date': to_local(appointment.start).date()})}"


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def appointment_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an appointment to another free time (same visit type)."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("appointment_type", "patient", "practitioner__user"), pk=pk
    )
    if appointment.status != AppointmentStatus.BOOKED:
        messages.error(request, "Only a booked appointment can be moved.")
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
                    actor=signed_in_user(request),
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
def appointment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel for a caller; the time is free again at once."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("appointment_type", "patient", "practitioner__user"), pk=pk
    )
    if request.method == "POST":
        try:
            appointment = appointment_cancel(appointment=appointment, actor=signed_in_user(request), request=request)
        except BookingInvalid as exc:
            messages.error(request, exc.errors[0][1])
        else:
            late = " (late cancellation)" if appointment.status == AppointmentStatus.LATE_CANCELLED else ""
            messages.success(request, f"Cancelled {appointment.patient.full_name}'s appointment{late}.")
        return redirect(_schedule_url(appointment))
    audit_record(actor=request.user, action=AuditAction.APPOINTMENT_VIEWED, patient=appointment.patient,
                 obj=appointment, data={"page": "cancel"}, request=request)
    return render(
        request,
        "scheduling/desk/cancel.html",
        {"appointment": appointment, "late": is_late_cancellation(appointment.start, timezone.now())},
    )


#: Failed messages per page of the patient-emails page (newest change first).
OUTBOX_PROBLEMS_PER_PAGE = 50


@role_required(*DESK)
def outbox(request: HttpRequest) -> HttpResponse:
    """Patient emails and texts that failed (with the reason), a page at a time, and recent traffic."""
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
def outbox_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    outbox_retry(message=message, actor=signed_in_user(request), request=request)
    messages.success(request, "Queued again; the sender will try within a minute.")
    return redirect("scheduling:outbox")


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def waitlist(request: HttpRequest) -> HttpResponse:
    """The waiting list: who waits for what, and a form to add a patient (found by search)."""
    if request.method == "POST":
        form = WaitlistForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            waitlist_add(
                patient=data["patient"],
                appointment_type=data["type"],
                practitioner=data["practitioner"],
                weekdays=data["weekdays"],
                earliest=data["earliest"],
                latest=data["latest"],
                note=data["note"],
                actor=signed_in_user(request),
                request=request,
            )
            messages.success(request, f"{data['patient'].full_name} is on the waiting list.")
            return redirect("scheduling:waitlist")
        status = 422
    else:
        form = WaitlistForm()
        status = 200
    query = request.GET.get("q", "").strip()[:100]
    audit_record(actor=request.user, action=AuditAction.WAITLIST_VIEWED,
                 data={"search": bool(query)}, request=request)
    return render(
        request,
        "scheduling/desk/waitlist.html",
        {
            "entries": waitlist_waiting(),
            "form": form,
            "query": query,
            "matches": patient_list(query=query)[:20] if query else [],
            "types": AppointmentType.objects.filter(active=True),
            "practitioners": calendar_practitioners(),
            "fanout": WAITLIST_FANOUT,
        },
        status=status,
    )


@role_required(*DESK)
@require_POST
def waitlist_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.select_related("patient"), pk=pk)
    waitlist_remove(entry=entry, actor=signed_in_user(request), request=request)
    messages.success(request, f"{entry.patient.full_name} is off the waiting list.")
    return redirect("scheduling:waitlist")


@role_required(*DESK)
@require_http_methods(["GET", "POST"])
def text_sink(request: HttpRequest) -> HttpResponse:
    """The local SMS sink (demo and tests): texts 'sent', and a form to simulate a patient's reply."""
    if settings.SMS_BACKEND != "sink":
        raise Http404("Texts go through a real provider; there is no local sink.")
    form = TextReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = text_inbound(
            phone=form.cleaned_data["phone"], body=form.cleaned_data["body"], source="sink", request=request
        )
        messages.success(
            request,
            {"opted_out": "Number opted out: no more texts.", "opted_in": "Number opted in again."}.get(
                outcome, "Reply received; nothing to do."
            ),
        )
        return redirect("scheduling:text_sink")
    audit_record(actor=request.user, action=AuditAction.SMS_SINK_VIEWED, request=request)
    return render(
        request,
        "scheduling/desk/text_sink.html",
        {"texts": list(reversed(FileSink(settings.SMS_SINK_PATH).read()))[:100], "form": form},
        status=422 if request.method == "POST" else 200,
    )
