"""Practitioners, their weekly hours, appointment types, appointments and the outbox.

Times are stored in UTC. Wall-clock times (weekly hours, exceptions) are local to the
clinic's zone (the clinic profile's, clinic.selectors.clinic_zone) and turned into UTC only
when slots are computed, so a 9:00 shift stays at 9:00 on both sides of a daylight-saving change.

Double booking is prevented by the database on every engine: each active appointment
claims one row per five-minute cell it occupies, in `PractitionerTimeCell` (with buffers)
and `PatientTimeCell`, and both tables are unique on (owner, cell). Two overlapping
appointments would need the same row, so the second insert fails, whatever the code did.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from fracturecare.accounts.models import Role

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import ManyRelatedManager

#: The size of one occupancy cell. Durations, buffers and slot steps are multiples of it.
CELL_MINUTES = 5
CELL = datetime.timedelta(minutes=CELL_MINUTES)


def _multiple_of_cell(value: int) -> None:
    if value % CELL_MINUTES:
        raise ValidationError(f"Use a multiple of {CELL_MINUTES} minutes.")


class Location(models.Model):
    name = models.CharField(max_length=120, unique=True)
    address = models.CharField(max_length=250, help_text="one line, as it should appear in emails")
    directions = models.TextField(blank=True, help_text="parking, entrance, floor")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


#: A practitioner's colour on the calendar: '#rrggbb'.
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour such as #2a7ab0.")


class Practitioner(models.Model):
    """A clinician who can be booked. The login (accounts.User, role clinician) is reused."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner")
    title = models.CharField(max_length=80, blank=True, help_text="shown to patients, e.g. 'Physiotherapist'")
    colour = models.CharField(max_length=7, default="#2a7ab0", validators=[HEX_COLOUR],
                              help_text="their colour on the calendar")
    active = models.BooleanField(default=True)
    appointment_types: models.ManyToManyField[AppointmentType, Any] = models.ManyToManyField(
        "AppointmentType", related_name="practitioners", blank=True
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def clean(self) -> None:

        if self.user_id and self.user.role != Role.CLINICIAN:
            raise ValidationError({"user": "Only clinicians can be booked."})


class AppointmentType(models.Model):
    if TYPE_CHECKING:
        # The reverse of Practitioner.appointment_types, which django-stubs does not derive from a string reference.
        practitioners: ManyRelatedManager[Practitioner, Any]

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField(validators=[_multiple_of_cell])
    new_patients = models.BooleanField(default=False, help_text="open to people who are not yet patients")
    bookable_online = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0, validators=[_multiple_of_cell])
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[_multiple_of_cell], help_text="kept free after the visit for notes and the room"
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[_multiple_of_cell], help_text="distance between offered start times"
    )
    price = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="shown on the booking page; empty: no price shown",
    )
    # Empty: the clinic's booking policy (clinic.models.ClinicProfile) decides.
    min_notice_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="online booking closes this long before a slot; empty: the clinic's policy"
    )
    max_advance_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="how far ahead this type may be booked online; empty: the clinic's policy"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=CELL_MINUTES, minutes__lte=480), name="apptype_minutes"),
            models.CheckConstraint(condition=Q(slot_step_minutes__gte=CELL_MINUTES), name="apptype_step"),
            models.CheckConstraint(condition=Q(max_advance_days__gte=1), name="apptype_advance"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AvailabilityRule(models.Model):
    """A weekly shift: this practitioner sees patients here on this weekday, in clinic time."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="availability_rules")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="last day the shift applies")

    class Meta:
        ordering = ["practitioner", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="availability_weekday"),
            models.CheckConstraint(condition=Q(start_time__lt=F("end_time")), name="availability_start_before_end"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="availability_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} {self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def clean(self) -> None:
        for name in ("start_time", "end_time"):
            value = getattr(self, name)
            if value and (value.minute % CELL_MINUTES or value.second):
                raise ValidationError({name: f"Use a time on a {CELL_MINUTES}-minute boundary."})


class AvailabilityException(models.Model):
    """A one-day change to a practitioner's week: time off, or extra hours.

    Time off without times blocks the whole day.
    """

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    available = models.BooleanField(default=False, help_text="on: extra hours; off: time off")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["practitioner", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True, end_time__isnull=True) & Q(available=False))
                | Q(start_time__lt=F("end_time")),
                name="exception_times",
            ),
            models.CheckConstraint(
                condition=Q(available=False) | Q(location__isnull=False), name="exception_extra_hours_location"
            ),
        ]

    def __str__(self) -> str:
        kind = "extra hours" if self.available else "time off"
        return f"{self.practitioner} {self.date} {kind}"


class ClinicClosure(models.Model):
    """A day the whole clinic is closed (a public holiday, a training day)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AppointmentStatus(models.TextChoices):
    """Where a visit stands. Reports count on exactly these values."""

    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    IN_TREATMENT = "in_treatment", "In treatment"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    #: Cancelled inside the clinic's cancellation window (the clinic's booking policy).
    LATE_CANCELLED = "late_cancelled", "Late cancellation"


#: Statuses that give the time back: the appointment no longer holds the practitioner or the patient.
RELEASED_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED)


class BookingSource(models.TextChoices):
    ONLINE = "online", "Online"
    FRONT_DESK = "front_desk", "Front desk"
    WAITLIST = "waitlist", "Waiting list"


class Appointment(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    # Intake answers given at booking: they belong to this visit, not to the patient record.
    reason = models.TextField(max_length=1000)
    intake = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=12, choices=BookingSource.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Visits booked together as a weekly series share this id.
    series = models.UUIDField(null=True, blank=True, db_index=True)
    # Bumped on every change so calendar apps replace the event (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Online bookings: a keyed hash of the booker's address (never the address itself), for the
    # hourly limit per client (services.appointment_book).
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["start"]),
            models.Index(fields=["patient", "start"]),
            models.Index(fields=["client_key", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="appointment_end_after_start"),
            models.CheckConstraint(condition=Q(status__in=AppointmentStatus.values), name="appointment_status"),
            models.CheckConstraint(condition=Q(source__in=BookingSource.values), name="appointment_source"),
            models.CheckConstraint(
                condition=Q(status__in=RELEASED_STATUSES) | Q(cancelled_at__isnull=True),
                name="appointment_cancelled_at_only_when_cancelled",
            ),
            # Belt and braces next to the cell tables: never two live visits starting together.
            models.UniqueConstraint(
                fields=["practitioner", "start"],
                condition=~Q(status__in=RELEASED_STATUSES),
                name="appointment_practitioner_start_unique",
            ),
            models.UniqueConstraint(
                fields=["patient", "start"],
                condition=~Q(status__in=RELEASED_STATUSES),
                name="appointment_patient_start_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.appointment_type} with {self.practitioner}"

    @property
    def is_active(self) -> bool:
        return self.status not in RELEASED_STATUSES


class PractitionerTimeCell(models.Model):
    """One five-minute cell of a practitioner's time held by an appointment (buffers included)."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="practitioner_cells")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practitioner", "at"], name="practitioner_cell_unique")]

    def __str__(self) -> str:
        return f"practitioner {self.practitioner_id} busy at {self.at:%Y-%m-%d %H:%M}Z"


class PatientTimeCell(models.Model):
    """One five-minute cell of a patient's time held by an appointment."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="patient_cells")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "at"], name="patient_cell_unique")]

    def __str__(self) -> str:
        return f"patient {self.patient_id} busy at {self.at:%Y-%m-%d %H:%M}Z"


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Booking confirmation"
    REMINDER = "reminder", "Reminder"
    CHANGE = "change", "Change of time"
    CANCELLATION = "cancellation", "Cancellation"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"


class MessageChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not needed"


class OutboxMessage(models.Model):
    """An email or a text to a patient, written in the same transaction as the change it reports.

    The worker (`fracturecare worker`) renders it at send time from the appointment (or the
    waitlist offer) and records the outcome. A message is only ever marked sent after the mail
    server or the SMS provider accepted it; its id keys the send, so a retry never makes a second
    message at the provider's side (see outbox.py).
    """

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    channel = models.CharField(max_length=8, choices=MessageChannel.choices, default=MessageChannel.EMAIL)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    waitlist_offer = models.ForeignKey(
        "WaitlistOffer", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    to_email = models.EmailField(blank=True)
    to_phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15550100100")
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    send_after = models.DateTimeField()
    retry_at = models.DateTimeField(null=True, blank=True, help_text="when the worker tries a failed message again")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=200, blank=True, help_text="as sent")
    provider_id = models.CharField(max_length=100, blank=True, help_text="the provider's id for the sent message")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["send_after", "id"]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["status", "retry_at"]),
            # The patient-emails page: problems and recent traffic, newest change first.
            models.Index(fields=["status", "updated_at"], name="outbox_status_updated_idx"),
            models.Index(fields=["updated_at", "id"], name="outbox_updated_idx"),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="outbox_kind"),
            models.CheckConstraint(condition=Q(channel__in=MessageChannel.values), name="outbox_channel"),
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="outbox_status"),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.FAILED) | ~Q(last_error=""), name="outbox_failed_has_reason"
            ),
            models.CheckConstraint(
                condition=(Q(channel=MessageChannel.EMAIL) & ~Q(to_email=""))
                | (Q(channel=MessageChannel.SMS) & ~Q(to_phone="")),
                name="outbox_has_address",
            ),
            models.CheckConstraint(
                condition=Q(appointment__isnull=False) | Q(waitlist_offer__isnull=False), name="outbox_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.channel}, {self.status})"

    @property
    def recipient(self) -> str:
        return self.to_email if self.channel == MessageChannel.EMAIL else self.to_phone


class TextConsent(models.Model):
    """Whether a mobile number may get texts: consent given (and when, how) and STOP received.

    Keyed on the number, because STOP arrives from a number, not from a patient.
    """

    phone = models.CharField(max_length=20, unique=True, help_text="E.164")
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=40, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.phone} ({'opted out' if self.opted_out_at else 'consented' if self.consented_at else 'none'})"

    @property
    def may_text(self) -> bool:
        return self.consented_at is not None and self.opted_out_at is None


class WaitlistEntry(models.Model):
    """A patient who wants an earlier or any time for a visit type, with their preferences."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked"
        REMOVED = "removed", "Removed"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="empty: anyone"
    )
    #: Weekdays (0 = Monday) the patient can come; empty: any day.
    weekdays = models.JSONField(default=list, blank=True)
    earliest = models.TimeField(null=True, blank=True)
    latest = models.TimeField(null=True, blank=True, help_text="the visit must start by then")
    note = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "appointment_type", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["waiting", "booked", "removed"]), name="waitlist_state"),
            models.CheckConstraint(
                condition=Q(earliest__isnull=True) | Q(latest__isnull=True) | Q(earliest__lte=F("latest")),
                name="waitlist_time_range",
            ),
        ]

    def __str__(self) -> str:
        return f"waitlist #{self.pk} {self.appointment_type}"

    @property
    def weekday_names(self) -> str:
        return ", ".join(Weekday(d).label[:3] for d in self.weekdays)

    def fits(self, local_start: datetime.datetime, practitioner_id: int) -> bool:
        """Whether a free visit starting at this clinic-local time suits the patient."""
        if self.practitioner_id and self.practitioner_id != practitioner_id:
            return False
        if self.weekdays and local_start.weekday() not in self.weekdays:
            return False
        wall = local_start.time().replace(tzinfo=None)
        if self.earliest and wall < self.earliest:
            return False
        return not (self.latest and wall > self.latest)


class WaitlistOffer(models.Model):
    """A freed time offered to waitlisted patients; the first to claim it books it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Claimed"
        GONE = "gone", "Taken by someone else"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    freed_by = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    booked = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["open", "claimed", "gone"]), name="waitlist_offer_state"),
        ]

    def __str__(self) -> str:
        return f"offer #{self.pk} {self.start:%Y-%m-%d %H:%M}Z ({self.state})"
