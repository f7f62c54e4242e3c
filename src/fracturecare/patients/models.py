"""The patient record shared by booking, evaluation, planning and charting."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class Patient(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # A patient's own login for the portal: they see only this record.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="patient"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the front desk merged this record into the one it duplicated; it then leaves the patient lists.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the front desk"
    MERGED = "merged", "Same person: merged"
    DISMISSED = "dismissed", "Different people"


class PatientMatch(models.Model):
    """An online booking's new record that may be someone already on file; the front desk decides.

    A booking never joins an existing chart on its own: anyone who knows a patient's name, date of birth and
    email could otherwise read or add to that chart. The booking gets its own record and, when it looks like
    an existing one, a pending match here.
    """

    new = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    existing = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(default=list, help_text="which details agree, e.g. date_of_birth, email")
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["new", "existing"], name="patientmatch_once_per_pair")]

    def __str__(self) -> str:
        return f"Match {self.new_id} ~ {self.existing_id} ({self.status})"
