"""Shared pieces of the public forms' rate limits (contact form, online booking)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


class RateLimited(Exception):
    """One client has used up a public form's allowance; `args[0]` says what to do instead."""


def client_key_for(ip_address: str | None) -> str:
    """Return a keyed hash of a client address, so the raw address is never stored."""
    if not ip_address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ip_address.encode(), hashlib.sha256).hexdigest()
