"""Reads of the clinic profile: one query per request at most, never a stale value.

Inside a request, `ClinicMiddleware` loads the profile once and keeps it for the request
(a context variable, so threads and requests never share it); services that change the
profile replace the kept copy. Outside a request (the outbox worker, a management command)
each call reads the database, unless the caller opens a `clinic_scope()` for a batch of work.
There is no cross-request cache, so a change takes effect on the very next request in every
worker process.
"""

from __future__ import annotations

import contextlib
import datetime
import zoneinfo
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings

from fracturecare.clinic.models import PROFILE_PK, ClinicProfile

_scoped: ContextVar[ClinicProfile | None] = ContextVar("fracturecare_clinic_profile", default=None)


#: The largest cancellation window the profile accepts (its check constraint and the settings form).
MAX_CANCELLATION_WINDOW_HOURS = 720


def profile_defaults() -> dict[str, Any]:
    """First-run defaults: the FRACTURECARE_CLINIC_* environment variables, FRACTURECARE_TIME_ZONE and
    FRACTURECARE_CANCELLATION_WINDOW_HOURS. Once the clinic is set up, its settings page rules."""
    env = settings.CLINIC
    return {
        "name": env.get("name", ""),
        "address": env.get("address", ""),
        "phone": env.get("phone", ""),
        "sms": env.get("sms", ""),
        "email": env.get("email", ""),
        "time_zone": settings.CLINIC_TIME_ZONE,
        "cancellation_window_hours": min(settings.BOOKING_CANCELLATION_WINDOW_HOURS, MAX_CANCELLATION_WINDOW_HOURS),
    }


def _load() -> ClinicProfile:
    profile = ClinicProfile.objects.filter(pk=PROFILE_PK).first()
    # Before first-run set-up there is no row: the environment's defaults stand in (unsaved).
    return profile if profile is not None else ClinicProfile(pk=None, **profile_defaults())


def clinic_profile() -> ClinicProfile:
    """The clinic's profile (saved, or the unsaved first-run defaults when there is none yet)."""
    cached = _scoped.get()
    return cached if cached is not None else _load()


@contextlib.contextmanager
def clinic_scope() -> Iterator[ClinicProfile]:
    """Read the profile once for a block of work; nested scopes reuse the outer one."""
    cached = _scoped.get()
    if cached is not None:
        yield cached
        return
    token = _scoped.set(_load())
    try:
        yield _scoped.get()  # type: ignore[misc]
    finally:
        _scoped.reset(token)


def replace_scoped(profile: ClinicProfile) -> None:
    """After a save: the rest of this request sees the new profile (no-op outside a scope)."""
    if _scoped.get() is not None:
        _scoped.set(profile)


def clinic_zone() -> zoneinfo.ZoneInfo:
    """The clinic's time zone: wall-clock hours, slots and dates shown to people are in it."""
    return zoneinfo.ZoneInfo(clinic_profile().time_zone)


def clinic_details() -> dict[str, str]:
    """What pages and messages show about the clinic: name, address, phone, sms, email, base_url, time_zone."""
    profile = clinic_profile()
    return {
        "name": profile.name,
        "address": profile.address,
        "phone": profile.phone,
        "sms": profile.sms,
        "email": profile.email,
        "time_zone": profile.time_zone,
        "base_url": settings.CLINIC["base_url"],
    }


def absolute_url(path: str) -> str:
    """A link for an email or a printed page: the deployment's base URL plus `path`."""
    return settings.CLINIC["base_url"].rstrip("/") + path


def cancellation_deadline(start: datetime.datetime) -> datetime.datetime:
    """The last moment a patient may cancel or move a visit starting at `start` online.

    The clinic's booking policy (settings page) is the one source: the manage-booking page, the
    front desk and the late-cancellation status all read it here.
    """
    return start - datetime.timedelta(hours=clinic_profile().cancellation_window_hours)


def is_late_cancellation(start: datetime.datetime, now: datetime.datetime) -> bool:
    """Cancelling at `now` a visit starting at `start` is late: the cancellation window has closed."""
    return now >= cancellation_deadline(start)
