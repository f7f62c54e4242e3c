"""Practitioners, their weekly hours, appointment types, appointments and the outbox.

Times are stored in UTC. Wall-clock times (weekly hours, exceptions) are local to the
clinic's zone (settings.CLINIC_TIME_ZONE) and turned into UTC only when slots are computed,
so a 9:00 shift stays at 9:00 on both sides of a daylight-saving change.

Double booking is prevented by the database on every engine: each active appointment
claims one row per five-minute cell it occupies, in `PractitionerTimeCell` (with buffers)
and `PatientTimeCell`, and both tables are unique on (owner, cell). Two overlapping
appointments would need the same row, so the second insert fails, whatever the code did.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

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


class Practitioner(models.Model):
    """A clinician who can be booked. The login (accounts.User, role clinician) is reused."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner")
    title = models.CharField(max_length=80, blank=True, help_text="shown to patients, e.g. 'Physiotherapist'")
    active = models.BooleanField(default=True)
    appointment_types = models.ManyToManyField("AppointmentType", related_name="practitioners", blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def clean(self) -> None:
        from fracturecare.accounts.models import Role

        if self.user_id and self.user.role != Role.CLINICIAN:
            raise ValidationError({"user": "Only clinicians can be booked."})


class AppointmentType(models.Model):
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
    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="online booking closes this long before a slot"
    )
    max_advance_days = models.PositiveSmallIntegerField(default=60)

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
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"


class BookingSource(models.TextChoices):
    ONLINE = "online", "Online"
    FRONT_DESK = "front_desk", "Front desk"


class Appointment(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.CONFIRMED)
    # Intake answers given at booking: they belong to this visit, not to the patient record.
    reason = models.TextField(max_length=1000)
    intake = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=12, choices=BookingSource.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
                condition=Q(status=AppointmentStatus.CANCELLED) | Q(cancelled_at__isnull=True),
                name="appointment_cancelled_at_only_when_cancelled",
            ),
            # Belt and braces next to the cell tables: never two live visits starting together.
            models.UniqueConstraint(
                fields=["practitioner", "start"],
                condition=~Q(status=AppointmentStatus.CANCELLED),
                name="appointment_practitioner_start_unique",
            ),
            models.UniqueConstraint(
                fields=["patient", "start"],
                condition=~Q(status=AppointmentStatus.CANCELLED),
                name="appointment_patient_start_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.appointment_type} with {self.practitioner}"

    @property
    def is_active(self) -> bool:
        return self.status != AppointmentStatus.CANCELLED


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


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not needed"


class OutboxMessage(models.Model):
    """An email to a patient, written in the same transaction as the change it reports.

    The worker (`send_outbox`) renders it from the appointment at send time and records
    the outcome. A message is only ever marked sent after the mail server accepted it.
    """

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="messages")
    to_email = models.EmailField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    send_after = models.DateTimeField()
    retry_at = models.DateTimeField(null=True, blank=True, help_text="when the worker tries a failed message again")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=200, blank=True, help_text="as sent")
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
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="outbox_kind"),
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="outbox_status"),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.FAILED) | ~Q(last_error=""), name="outbox_failed_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
