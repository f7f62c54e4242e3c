"""Text messages: one small provider interface (base.py), a local sink and a Twilio adapter.

`get_provider()` builds the configured provider; the Twilio client exists only when Twilio
is configured.
"""

from __future__ import annotations

from django.conf import settings

from fracturecare.scheduling.sms.base import SmsDisabled, SmsProvider, SmsSendError, normalize_phone
from fracturecare.scheduling.sms.sink import FileSink
from fracturecare.scheduling.sms.twilio_adapter import TwilioProvider

__all__ = ["FileSink", "SmsProvider", "SmsSendError", "get_provider", "normalize_phone"]


class _Off:
    name = "off"

    def send(self, *, message_id: int, to: str, body: str) -> str:
        raise SmsDisabled("text messages are switched off (FRACTURECARE_SMS_BACKEND=off)")


def get_provider() -> SmsProvider:
    """The configured provider (settings.SMS_BACKEND)."""
    backend = settings.SMS_BACKEND
    if backend == "twilio":
        return TwilioProvider(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM,
        )
    if backend == "sink":
        return FileSink(settings.SMS_SINK_PATH)
    return _Off()
