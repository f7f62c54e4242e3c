"""A patient's assigned programme, the sessions they log and the clinician's overrides.

The programme row holds where the patient is now (step, next session); every change to it
comes with an append-only row saying why: a logged session (with the rule's decision and the
reason told to the patient) or a clinician's override (with their reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AppendOnlyError(Exception):
    """Logged sessions and overrides are never changed or deleted."""


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")


class ProgrammeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class Programme(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="programmes")
    plan = models.ForeignKey("planning.Plan", on_delete=models.PROTECT, related_name="programmes")
    plan_version = models.PositiveIntegerField(help_text="the signed plan version it was assigned from")
    programme_id = models.CharField(max_length=60, help_text="knowledge-base programme id")
    knowledge_version = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.ACTIVE)
    step = models.PositiveSmallIntegerField(default=0, help_text="0-based index of the current step")
    next_session_on = models.DateField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProgrammeStatus.values), name="programme_status_valid"),
            # One active programme per patient at a time.
            models.UniqueConstraint(fields=["patient"], condition=Q(status=ProgrammeStatus.ACTIVE),
                                    name="programme_one_active_per_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} for patient {self.patient_id} (step {self.step + 1})"


class SessionLog(_AppendOnly):
    """One session as the patient logged it, and what the rule decided."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sessions")
    step = models.PositiveSmallIntegerField()
    on = models.DateField()
    done = models.BooleanField()
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_next_day = models.PositiveSmallIntegerField(null=True, blank=True)
    action = models.CharField(max_length=12)
    next_step = models.PositiveSmallIntegerField()
    next_session_on = models.DateField()
    reason = models.TextField()
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(pain_during__isnull=True) | Q(pain_during__lte=10),
                                   name="session_pain_during_0_10"),
            models.CheckConstraint(condition=Q(pain_next_day__isnull=True) | Q(pain_next_day__lte=10),
                                   name="session_pain_next_day_0_10"),
            models.CheckConstraint(condition=Q(done=False) | Q(pain_during__isnull=False, pain_next_day__isnull=False),
                                   name="session_done_has_pain"),
        ]

    def __str__(self) -> str:
        return f"Session {self.on} step {self.step + 1}: {self.action}"


class Override(_AppendOnly):
    """A clinician moved the patient to another step, with a reason."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="overrides")
    from_step = models.PositiveSmallIntegerField()
    to_step = models.PositiveSmallIntegerField()
    next_session_on = models.DateField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason")]

    def __str__(self) -> str:
        return f"Override {self.from_step + 1}->{self.to_step + 1}"
