"""The public booking API (contract: booking.md): types, free slots and bookings.

Errors: 422 `{"detail", "errors": [{"field", "message"}]}` on bad input; 409
`{"detail"}` when the slot was taken meanwhile. Nothing is written on either.
"""

from __future__ import annotations

import json

from django.forms import BaseForm
from django.http import JsonResponse
from ninja import Router, Schema

from fracturecare.clinic.selectors import clinic_profile
from fracturecare.ratelimit import client_ip
from fracturecare.scheduling.clock import to_local
from fracturecare.scheduling.forms import IntakeForm, PatientDetailsForm, SlotChoiceForm, SlotQueryForm
from fracturecare.scheduling.links import manage_path
from fracturecare.scheduling.models import BookingSource
from fracturecare.scheduling.safety import SAFETY_KEYS, emergency_signs
from fracturecare.scheduling.selectors import appointment_types_online
from fracturecare.scheduling.services import (
    BookingInvalid,
    BookingRateLimited,
    PatientDetails,
    SlotUnavailable,
    appointment_book,
)
from fracturecare.scheduling.slots import free_slots

router = Router(tags=["booking"])

ONLINE_BOOKER = "online booking (anonymous)"
EMERGENCY_MESSAGE = (
    "This can be an emergency: call 911 or go to the nearest emergency department now. Nothing was booked."
)


class AppointmentTypeOut(Schema):
    slug: str
    name: str
    minutes: int
    new_patients: bool


class PatientIn(Schema):
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    date_of_birth: str


class BookingIn(Schema):
    """Documentation only: the handler parses the body itself to name every bad field."""

    type: str
    start: str
    practitioner: int
    patient: PatientIn
    reason: str
    pain_area: str | None = None
    red_flags: dict[str, bool] | None = None


def _invalid(errors: list[tuple[str, str]], status: int = 422) -> JsonResponse:
    return JsonResponse(
        {"detail": "The request has errors.", "errors": [{"field": f, "message": m} for f, m in errors]},
        status=status,
    )


def _form_errors(form: BaseForm, prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, messages in form.errors.items():
        field = name if name != "__all__" else "request"
        out.extend((f"{prefix}{field}", str(m)) for m in messages)
    return out


@router.get("/appointment-types", response=list[AppointmentTypeOut])
def list_appointment_types(request):
    """Appointment types open to online booking."""
    return list(appointment_types_online())


@router.get("/slots")
def list_slots(
    request,
    type: str | None = None,
    start: str | None = None,
    end: str | None = None,
    practitioner: str | None = None,
):
    """Free slots of a type between two clinic-local dates (inclusive)."""
    form = SlotQueryForm({"type": type, "start": start, "end": end, "practitioner": practitioner})
    if not form.is_valid():
        return _invalid(_form_errors(form))
    data = form.cleaned_data
    slots = free_slots(
        appointment_type=data["type"],
        start_date=data["start"],
        end_date=data["end"],
        practitioner=data.get("practitioner"),
    )
    return {
        "timezone": clinic_profile().time_zone,
        "slots": [
            {
                "start": to_local(s.start).isoformat(),
                "end": to_local(s.end).isoformat(),
                "practitioner": s.practitioner_id,
                "location": s.location_id,
            }
            for s in slots
        ],
    }


def _as_text(value) -> str | None:
    """Form input from JSON: numbers become text, anything else structured is rejected."""
    if value is None or isinstance(value, bool):
        return None if value is None else ""
    if isinstance(value, str | int):
        return str(value)
    return ""


def _parse_booking(payload) -> tuple[dict | None, list[tuple[str, str]]]:
    if not isinstance(payload, dict):
        return None, [("request", "Send a JSON object.")]
    errors: list[tuple[str, str]] = []
    slot_form = SlotChoiceForm({k: _as_text(payload.get(k)) for k in ("type", "start", "practitioner")})
    if not slot_form.is_valid():
        errors += _form_errors(slot_form)
    patient = payload.get("patient")
    if not isinstance(patient, dict):
        errors.append(("patient", "This field is required."))
        patient_form = None
    else:
        fields = ("first_name", "last_name", "email", "phone", "date_of_birth")
        patient_form = PatientDetailsForm({k: _as_text(patient.get(k)) or "" for k in fields})
        if not patient_form.is_valid():
            errors += _form_errors(patient_form, "patient.")
    intake_form = IntakeForm(
        {"reason": _as_text(payload.get("reason")) or "", "pain_area": _as_text(payload.get("pain_area")) or ""},
        require_screen=False,
    )
    if not intake_form.is_valid():
        errors += _form_errors(intake_form)
    red_flags = payload.get("red_flags") or {}
    if not isinstance(red_flags, dict) or any(
        k not in SAFETY_KEYS or not isinstance(v, bool) for k, v in red_flags.items()
    ):
        errors.append(("red_flags", f"Give true or false for any of: {', '.join(SAFETY_KEYS)}."))
        red_flags = {}
    for question in emergency_signs(red_flags):
        errors.append((f"red_flags.{question.key}", EMERGENCY_MESSAGE))
    if errors or patient_form is None:  # no patient form means "patient" is already among the errors
        return None, errors
    return {
        "appointment_type": slot_form.cleaned_data["type"],
        "practitioner": slot_form.cleaned_data["practitioner"],
        "start": slot_form.cleaned_data["start"],
        "details": PatientDetails(**patient_form.cleaned_data),
        "reason": intake_form.cleaned_data["reason"],
        "intake": {"pain_area": intake_form.cleaned_data.get("pain_area") or "", "screen": red_flags},
    }, []


def _inlined(schema: dict) -> dict:
    """A model's JSON Schema with its `$defs` written in place of each reference to them.

    The schema sits inside the OpenAPI document, where "#/$defs/..." would point at the document's root
    and resolve to nothing.
    """
    defs = schema.pop("$defs", {})

    def walk(node: object) -> object:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {key: value for key, value in node.items() if key != "$ref"}
                return walk({**defs[ref.removeprefix("#/$defs/")], **rest})
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    result = walk(schema)
    assert isinstance(result, dict)
    return result


@router.post(
    "/bookings",
    # The view answers with its own JSON responses; without this the document also listed a 200 it never sends.
    response={201: None, 409: None, 422: None, 429: None},
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": _inlined(BookingIn.model_json_schema())}},
                        "required": True},
        "responses": {
            201: {"description": "booked"},
            409: {"description": "slot taken"},
            422: {"description": "bad input"},
            429: {"description": "too many bookings from this client in the last hour; see Retry-After"},
        },
    },
)
def create_booking(request):
    """Book a slot for a new patient (matched on name, date of birth and email)."""
    try:
        payload = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _invalid([("request", "The body is not JSON.")])
    kwargs, errors = _parse_booking(payload)
    if errors:
        return _invalid(errors)
    try:
        appointment = appointment_book(
            **kwargs,
            source=BookingSource.ONLINE,
            actor_label=ONLINE_BOOKER,
            request=request,
            ip_address=client_ip(request),
        )
    except BookingRateLimited as exc:
        response = JsonResponse({"detail": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except BookingInvalid as exc:
        return _invalid(exc.errors)
    except SlotUnavailable as exc:
        return JsonResponse({"detail": str(exc)}, status=409)
    return JsonResponse(
        {
            "id": appointment.pk,
            "status": appointment.status,
            "start": to_local(appointment.start).isoformat(),
            "end": to_local(appointment.end).isoformat(),
            "manage_url": request.build_absolute_uri(manage_path(appointment)),
        },
        status=201,
    )
