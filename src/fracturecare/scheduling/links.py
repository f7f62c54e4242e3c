"""Signed, expiring links that let a patient manage a booking without an account."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from fracturecare.scheduling.models import Appointment

_SALT = "fracturecare.scheduling.manage"
#: How long a link works. Every email carries a freshly signed one (the reminder too).
MANAGE_LINK_MAX_AGE = datetime.timedelta(days=90)


def manage_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk}, salt=_SALT, compress=True)


def appointment_id_from_token(token: str) -> int | None:
    """The appointment id in a valid, unexpired token; None when tampered with or too old."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MANAGE_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    pk = data.get("a") if isinstance(data, dict) else None
    return pk if isinstance(pk, int) else None


def link_outlived(appointment: Appointment) -> bool:
    """A manage/confirmation link stops working once its visit is over: nothing is left to manage,
    and the page would keep showing the visit's reason to whoever holds an old email."""
    return appointment.end <= timezone.now()


def manage_path(appointment: Appointment) -> str:
    return reverse("scheduling:manage", args=[manage_token(appointment)])


def manage_url(appointment: Appointment) -> str:
    """Absolute link for emails, from the clinic's configured base URL."""
    return settings.CLINIC["base_url"].rstrip("/") + manage_path(appointment)
