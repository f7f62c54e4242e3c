"""The SMS provider interface, its errors and phone-number normalisation.

The worker (scheduling.outbox) hands each due text to `get_provider().send(...)`. A provider
either returns its id for the accepted message or raises `SmsSendError`; it never swallows a
failure. Every send is keyed by the outbox message's id, so a provider that can deduplicate
(the sink does) never delivers one outbox message twice.
"""

from __future__ import annotations

import re
from typing import Protocol

from django.conf import settings


class SmsSendError(Exception):
    """The provider did not accept the text (outage, bad number, refused)."""


class SmsProvider(Protocol):
    """What the worker needs from an SMS provider."""

    name: str

    def send(self, *, message_id: int, to: str, body: str) -> str:
        """Send `body` to the E.164 number `to`; return the provider's id for the message."""
        ...


class SmsDisabled(SmsSendError):
    """Texts are switched off (FRACTURECARE_SMS_BACKEND=off)."""


_DIGITS = re.compile(r"\D")


def normalize_phone(raw: str) -> str | None:
    """The number in E.164 form (+ and 8-15 digits), or None when it cannot be one.

    A number without a leading + and with exactly ten digits is taken as national to the
    clinic's country (settings.SMS_DEFAULT_COUNTRY_CODE); anything else without + is refused.
    """
    raw = (raw or "").strip()
    digits = _DIGITS.sub("", raw)
    if raw.startswith("+") or raw.startswith("00"):
        digits = digits[2:] if raw.startswith("00") else digits
    elif len(digits) == 10:
        digits = settings.SMS_DEFAULT_COUNTRY_CODE + digits
    elif len(digits) == 11 and digits.startswith(settings.SMS_DEFAULT_COUNTRY_CODE):
        pass
    else:
        return None
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return "+" + digits


#: Words that opt a number out (the carriers' standard set) and back in.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
