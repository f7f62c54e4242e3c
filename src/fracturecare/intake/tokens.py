"""Signed, expiring links to a patient's forms."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from fracturecare.intake.models import FormRequest

_SALT = "fracturecare.intake.forms"
#: How long a forms link works: long enough to fill in the forms in the days before the visit.
FORMS_LINK_MAX_AGE = datetime.timedelta(days=14)


def forms_token(request: FormRequest) -> str:
    """The signed token of a request (its id and nonce)."""
    return signing.dumps({"r": request.pk, "n": request.nonce}, salt=_SALT, compress=True)


def request_key_from_token(token: str) -> tuple[int, str] | None:
    """(request id, nonce) from a valid, unexpired token; None when tampered with or too old."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=FORMS_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(data, dict):
        return None
    pk, nonce = data.get("r"), data.get("n")
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    return pk, nonce


def forms_path(request: FormRequest) -> str:
    return reverse("intake:forms", args=[forms_token(request)])


def forms_url(request: FormRequest) -> str:
    """Absolute link for emails, from the clinic's configured base URL."""
    base_url = settings.CLINIC["base_url"]
    if not base_url:  # a link without it would not open: refuse rather than email it
        raise ImproperlyConfigured("CLINIC['base_url'] is not set.")
    return base_url.rstrip("/") + forms_path(request)
