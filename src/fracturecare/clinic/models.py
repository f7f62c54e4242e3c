"""The clinic itself: its profile (a singleton), message templates and the first-run set-up token.

This app sits low in the stack (it depends on accounts and audit only) so that scheduling,
the public site and the portal can all read the clinic's name, zone and booking policy from it.
The pages that edit the clinic live in `clinicadmin`, above scheduling.
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

#: The profile is one row; its primary key is always this.
PROFILE_PK = 1


def validate_time_zone(value: str) -> None:
    """Refuse anything that is not an IANA zone name (e.g. 'America/New_York')."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a time zone name such as America/New_York.") from None


class ClinicProfile(models.Model):
    """Who the clinic is and its booking policy. One row (pk 1), written through `clinic.services`."""

    name = models.CharField(max_length=120)
    address = models.CharField(max_length=250, blank=True, help_text="one line, as patients should read it")
    phone = models.CharField(max_length=32, help_text="the number patients call")
    sms = models.CharField("text number", max_length=32, blank=True, help_text="the number patients text")
    email = models.EmailField(help_text="replies from patients go here")
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone], help_text="e.g. America/New_York")
    # Booking policy: online booking only; the front desk may book closer in.
    min_notice_minutes = models.PositiveIntegerField(
        "minimum notice (minutes)", default=120, help_text="online booking closes this long before a visit"
    )
    max_advance_days = models.PositiveSmallIntegerField(
        "booking horizon (days)", default=60, help_text="how far ahead patients may book online"
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        "cancellation window (hours)",
        default=0,
        help_text="patients may cancel or move online until this long before the visit (0: until it starts); "
        "later, they call",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=PROFILE_PK), name="clinicprofile_singleton"),
            models.CheckConstraint(condition=Q(max_advance_days__gte=1, max_advance_days__lte=730),
                                   name="clinicprofile_horizon"),
            models.CheckConstraint(condition=Q(cancellation_window_hours__lte=720),
                                   name="clinicprofile_cancellation_window"),
            models.CheckConstraint(condition=~Q(name=""), name="clinicprofile_name_given"),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class TemplateKind(models.TextChoices):
    """The messages a patient gets about a booking (same values as scheduling's MessageKind)."""

    CONFIRMATION = "confirmation", "Booking confirmation"
    REMINDER = "reminder", "Reminder"
    CHANGE = "change", "Change of time"
    CANCELLATION = "cancellation", "Cancellation"
    WAITLIST_OFFER = "waitlist_offer", "Waiting-list offer"


class MessageTemplate(models.Model):
    """The clinic's own wording for one kind of message on one channel. No row: the default text."""

    kind = models.CharField(max_length=16, choices=TemplateKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    subject = models.CharField(max_length=200, blank=True, help_text="email only")
    body = models.TextField(max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel"], name="messagetemplate_one_per_kind_channel"),
            models.CheckConstraint(condition=Q(kind__in=TemplateKind.values), name="messagetemplate_kind"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="messagetemplate_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()})"


class SetupToken(models.Model):
    """A one-time link to set the clinic up. Only a SHA-256 hash of the secret is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"set-up token {self.pk} (used)" if self.used_at else f"set-up token {self.pk}"
