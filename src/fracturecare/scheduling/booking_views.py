"""Public booking pages: type → day and time → details and safety screen → confirmed.

No login: a patient books from a phone. Managing a booking later works through the signed
link in the confirmation email.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import cancellation_deadline, clinic_profile, is_late_cancellation
from fracturecare.ratelimit import client_ip
from fracturecare.scheduling.api import ONLINE_BOOKER
from fracturecare.scheduling.clock import to_local
from fracturecare.scheduling.forms import DayForm, IntakeForm, PatientDetailsForm, SlotChoiceForm
from fracturecare.scheduling.links import appointment_id_from_token, link_outlived, manage_token
from fracturecare.scheduling.models import Appointment, AppointmentStatus, AppointmentType, BookingSource
from fracturecare.scheduling.safety import emergency_signs
from fracturecare.scheduling.selectors import appointment_types_online, slots_by_practitioner
from fracturecare.scheduling.services import (
    BookingInvalid,
    BookingRateLimited,
    PatientDetails,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_move,
)
from fracturecare.scheduling.slots import Slot, free_slots, max_advance_days

#: How many days the day picker shows at once.
DAYS_SHOWN = 14


def _online_type(slug: str) -> AppointmentType:
    return get_object_or_404(AppointmentType, slug=slug, active=True, bookable_online=True)


def _slot_picker_context(
    request: HttpRequest, appointment_type: AppointmentType, *, ignore: Appointment | None = None
) -> dict:
    """Days with free times (a page of DAYS_SHOWN days), and the times on the chosen day."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=max_advance_days(appointment_type))
    form = DayForm(request.GET)
    chosen = form.cleaned_data.get("date") if form.is_valid() else None
    if chosen is not None and not today <= chosen <= horizon:
        chosen = None
    page = (chosen - today).days // DAYS_SHOWN if chosen else 0
    first_day = today + datetime.timedelta(days=page * DAYS_SHOWN)
    last_day = first_day + datetime.timedelta(days=DAYS_SHOWN - 1)
    slots = free_slots(
        appointment_type=appointment_type,
        start_date=first_day,
        end_date=last_day,
        ignore_appointment=ignore,
    )
    by_day: dict[datetime.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_day[to_local(slot.start).date()].append(slot)
    days = [first_day + datetime.timedelta(days=i) for i in range(DAYS_SHOWN)]
    if chosen not in by_day:
        chosen = next((d for d in days if by_day.get(d)), chosen)
    later = last_day + datetime.timedelta(days=1)
    return {
        "appointment_type": appointment_type,
        "days": [{"date": d, "count": len(by_day.get(d, []))} for d in days],
        "chosen": chosen,
        "groups": slots_by_practitioner(by_day.get(chosen, []) if chosen is not None else []),
        "later": later if later <= horizon else None,
        "earlier": first_day - datetime.timedelta(days=DAYS_SHOWN) if first_day > today else None,
        "tz_name": clinic_profile().time_zone,
    }


def book(request: HttpRequest) -> HttpResponse:
    """Step 1: what kind of visit."""
    return render(request, "scheduling/book_types.html", {"types": appointment_types_online()})


def book_slots(request: HttpRequest, type_slug: str) -> HttpResponse:
    """Step 2: a day, then a time."""
    appointment_type = _online_type(type_slug)
    return render(request, "scheduling/book_slots.html", _slot_picker_context(request, appointment_type))


# The details form's honeypot: a field people never see (hidden like the contact form's).
HONEYPOT = "website"


def _details_forms(data: QueryDict | None = None) -> tuple[PatientDetailsForm, IntakeForm]:
    return PatientDetailsForm(data), IntakeForm(data)


def _not_booked(request: HttpRequest, type_slug: str, outcome: str, **data: object) -> None:
    """Log that the details form received a person's details and health answers and booked nothing.

    No patient record exists yet, so the event names the outcome and the fields, never what was typed.
    """
    audit_record(actor_label=ONLINE_BOOKER, action=AuditAction.BOOKING_NOT_MADE,
                 data={"type": type_slug, "outcome": outcome, **data}, request=request)


@require_http_methods(["GET", "POST"])
def book_details(request: HttpRequest, type_slug: str) -> HttpResponse:
    """Step 3: who you are, why you are coming, and the safety screen; then book."""
    appointment_type = _online_type(type_slug)
    source = request.POST if request.method == "POST" else request.GET
    slot_form = SlotChoiceForm(
        {"type": type_slug, "start": source.get("start", ""), "practitioner": source.get("practitioner", "")}
    )
    slots_url = reverse("scheduling:book_slots", args=[type_slug])
    if not slot_form.is_valid():
        messages.error(request, "Please choose a time first.")
        return redirect(slots_url)
    chosen = slot_form.cleaned_data
    context = {
        "appointment_type": appointment_type,
        "start": chosen["start"],
        "start_local": to_local(chosen["start"]),
        "practitioner": chosen["practitioner"],
        "slots_url": slots_url,
    }
    if request.method == "GET":
        patient_form, intake_form = _details_forms()
        return render(
            request,
            "scheduling/book_details.html",
            {**context, "patient_form": patient_form, "intake_form": intake_form},
        )

    if request.POST.get(HONEYPOT, "").strip():
        # Only a script fills the hidden field: it is sent back to the start, and nothing is kept.
        return redirect("scheduling:book")
    patient_form, intake_form = _details_forms(request.POST)
    intake_ok = intake_form.is_valid()
    # The safety screen wins over everything else: a yes means care now, not a form to fix.
    signs = emergency_signs(intake_form.screen_answers())
    if signs:
        audit_record(actor_label=ONLINE_BOOKER, action=AuditAction.BOOKING_SAFETY_STOP,
                     data={"type": type_slug, "signs": [sign.key for sign in signs]}, request=request)
        return render(request, "scheduling/book_safety.html", {"signs": signs})
    if not (patient_form.is_valid() and intake_ok):
        _not_booked(request, type_slug, "returned to fix",
                    fields=sorted({*patient_form.errors, *intake_form.errors}))
        return render(
            request,
            "scheduling/book_details.html",
            {**context, "patient_form": patient_form, "intake_form": intake_form},
            status=422,
        )
    try:
        appointment = appointment_book(
            appointment_type=appointment_type,
            practitioner=chosen["practitioner"],
            start=chosen["start"],
            details=PatientDetails(**patient_form.cleaned_data),
            reason=intake_form.cleaned_data["reason"],
            intake={"pain_area": intake_form.cleaned_data["pain_area"], "screen": intake_form.screen_answers()},
            source=BookingSource.ONLINE,
            actor_label=ONLINE_BOOKER,
            request=request,
            ip_address=client_ip(request),
            text_consent=bool(request.POST.get("text_consent")),
        )
    except BookingRateLimited as exc:
        _not_booked(request, type_slug, "over the hourly limit")
        response = render(
            request,
            "scheduling/book_details.html",
            {**context, "patient_form": patient_form, "intake_form": intake_form, "rate_limited": str(exc)},
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    except SlotUnavailable as exc:
        _not_booked(request, type_slug, "time no longer free")
        messages.error(request, str(exc))
        day = to_local(chosen["start"]).date().isoformat()
        return redirect(f"{slots_url}?{urlencode({'date': day})}")
    except BookingInvalid as exc:
        _not_booked(request, type_slug, "refused", fields=sorted(field for field, _message in exc.errors))
        for _field, message in exc.errors:
            messages.error(request, message)
        return redirect(slots_url)
    return redirect("scheduling:book_done", token=manage_token(appointment))


def _appointment_from_token(request: HttpRequest, token: str) -> Appointment:
    """The booking behind a link; opening it is a read of the patient's appointment, so it is audited."""
    pk = appointment_id_from_token(token)
    if pk is None:
        raise Http404("This link is not valid or has expired.")
    appointment = get_object_or_404(
        Appointment.objects.select_related("appointment_type", "practitioner__user", "location", "patient"), pk=pk
    )
    if link_outlived(appointment):
        raise Http404("This link has expired: the visit is over.")
    audit_record(
        actor=request.user, actor_label="" if request.user.is_authenticated else "booking link",
        action=AuditAction.APPOINTMENT_VIEWED, patient=appointment.patient, obj=appointment,
        data={"page": request.resolver_match.url_name if request.resolver_match else ""}, request=request,
    )
    return appointment


def book_done(request: HttpRequest, token: str) -> HttpResponse:
    """Step 4: confirmed."""
    appointment = _appointment_from_token(request, token)
    return render(request, "scheduling/book_done.html", {"appointment": appointment, "token": token})


def _changeable(appointment: Appointment) -> bool:
    """Online changes close at the clinic's cancellation window; later, the patient calls."""
    return (
        appointment.status == AppointmentStatus.BOOKED
        and not is_late_cancellation(appointment.start, timezone.now())
    )


def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the email link: see, cancel or move the booking."""
    appointment = _appointment_from_token(request, token)
    return render(
        request,
        "scheduling/manage.html",
        {
            "appointment": appointment,
            "token": token,
            "changeable": _changeable(appointment),
            "change_until": cancellation_deadline(appointment.start),
        },
    )


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_from_token(request, token)
    if not _changeable(appointment):
        messages.error(request, "This appointment can no longer be changed online. Please call us.")
        return redirect("scheduling:manage", token=token)
    if request.method == "POST":
        appointment_cancel(appointment=appointment, actor_label="patient (manage link)", request=request)
        messages.success(request, "Your appointment is cancelled.")
        return redirect("scheduling:manage", token=token)
    return render(request, "scheduling/manage_cancel.html", {"appointment": appointment, "token": token})


@require_http_methods(["GET", "POST"])
def manage_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_from_token(request, token)
    if not _changeable(appointment):
        messages.error(request, "This appointment can no longer be changed online. Please call us.")
        return redirect("scheduling:manage", token=token)
    if request.method == "POST":
        form = SlotChoiceForm(
            {
                "type": appointment.appointment_type.slug,
                "start": request.POST.get("start", ""),
                "practitioner": request.POST.get("practitioner", ""),
            }
        )
        if form.is_valid():
            try:
                appointment_move(
                    appointment=appointment,
                    start=form.cleaned_data["start"],
                    practitioner=form.cleaned_data["practitioner"],
                    actor_label="patient (manage link)",
                    request=request,
                )
            except (SlotUnavailable, BookingInvalid) as exc:
                text = str(exc) if isinstance(exc, SlotUnavailable) else exc.errors[0][1]
                messages.error(request, text)
            else:
                messages.success(request, "Your appointment has moved. We have emailed you the new time.")
                return redirect("scheduling:manage", token=token)
        else:
            messages.error(request, "Please choose one of the times shown.")
    context = _slot_picker_context(request, appointment.appointment_type, ignore=appointment)
    context.update({"appointment": appointment, "token": token})
    return render(request, "scheduling/manage_reschedule.html", context)
