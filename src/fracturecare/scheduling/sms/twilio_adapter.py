"""Sending texts through Twilio (the `twilio` library). Never called in tests.

Constructed only when FRACTURECARE_SMS_BACKEND=twilio and the three TWILIO variables are set.
Twilio has no idempotency key for sending, so the outbox never re-sends a message whose
outcome is unknown (a worker stopped mid-send): such a message waits for a person.
"""

from __future__ import annotations

from twilio.base.exceptions import TwilioException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from fracturecare.scheduling.sms.base import SmsSendError


class TwilioProvider:
    """The real adapter."""

    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str):
        self.client = Client(account_sid, auth_token)
        self.from_number = from_number

    def send(self, *, message_id: int, to: str, body: str) -> str:
        """Send one text; Twilio's message SID is returned."""
        try:
            sent = self.client.messages.create(to=to, from_=self.from_number, body=body)
        except TwilioException as exc:
            raise SmsSendError(f"twilio: {exc}") from None
        except OSError as exc:  # the network, a timeout
            raise SmsSendError(f"twilio unreachable: {exc}") from None
        return str(sent.sid)


def valid_twilio_signature(*, auth_token: str, url: str, params: dict[str, str], signature: str) -> bool:
    """Whether an inbound webhook really comes from Twilio (X-Twilio-Signature)."""
    return bool(signature) and RequestValidator(auth_token).validate(url, params, signature)
