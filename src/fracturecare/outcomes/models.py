"""Outcome assessments: pain, function (LEFS) and return-to-activity stage on a date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fracturecare.outcomes.measures import LEFS_MAX, LEFS_MIN, NRS_MAX, NRS_MIN
from fracturecare.outcomes.stages import WALK_RUN_LAST_DAY, Phase


class Timepoint(models.TextChoices):
    INTAKE = "intake", "Intake"
    REVIEW = "review", "Scheduled review"
    DISCHARGE = "discharge", "Discharge"
    OTHER = "other", "Other"


class OutcomeAssessment(models.Model):
    """One dated assessment. Assessments are corrected by recording a new one, never edited."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="outcome_assessments")
    # Empty only for answers the patient gave by link (patient_reported).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient_reported = models.BooleanField(default=False, help_text="answered by the patient by link")
    assessed_on = models.DateField()
    timepoint = models.CharField(max_length=12, choices=Timepoint.choices)
    pain_nrs = models.PositiveSmallIntegerField("Pain NRS (0–10)", null=True, blank=True)
    lefs_items = models.JSONField("LEFS item scores", null=True, blank=True)
    lefs_total = models.PositiveSmallIntegerField("LEFS total (0–80)", null=True, blank=True)
    phase = models.CharField("Return-to-activity phase", max_length=20, choices=Phase.choices, blank=True)
    walk_run_day = models.PositiveSmallIntegerField("Walk–run progression day", null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A wrong entry is marked as entered in error (with who, when and why), never changed or deleted.
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        indexes = [models.Index(fields=["patient", "assessed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_nrs__isnull=True) | Q(pain_nrs__gte=NRS_MIN, pain_nrs__lte=NRS_MAX),
                name="outcome_nrs_0_10",
            ),
            models.CheckConstraint(
                condition=Q(lefs_total__isnull=True, lefs_items__isnull=True)
                | Q(lefs_total__gte=LEFS_MIN, lefs_total__lte=LEFS_MAX, lefs_items__isnull=False),
                name="outcome_lefs_total_0_80_with_items",
            ),
            models.CheckConstraint(condition=Q(timepoint__in=Timepoint.values), name="outcome_timepoint_valid"),
            models.CheckConstraint(condition=Q(phase="") | Q(phase__in=Phase.values), name="outcome_phase_valid"),
            models.CheckConstraint(
                condition=Q(walk_run_day__isnull=True)
                | Q(phase=Phase.RETURN_TO_RUN, walk_run_day__gte=1, walk_run_day__lte=WALK_RUN_LAST_DAY),
                name="outcome_walk_run_day_in_return_to_run",
            ),
            models.CheckConstraint(
                condition=Q(pain_nrs__isnull=False) | Q(lefs_total__isnull=False) | ~Q(phase=""),
                name="outcome_records_something",
            ),
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False) | Q(patient_reported=True),
                name="outcome_recorded_by_unless_patient_reported",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                | (Q(voided_at__isnull=False, voided_by__isnull=False) & ~Q(void_reason="")),
                name="outcome_void_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcomes {self.assessed_on} ({self.patient})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            # The one change allowed: marking a live entry as entered in error.
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= VOID_FIELDS:
                raise ValueError("outcome assessments are not edited; record a new one")
            if OutcomeAssessment.objects.filter(pk=self.pk, voided_at__isnull=False).exists():
                raise ValueError("this assessment is already marked as entered in error")
        super().save(*args, **kwargs)

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


VOID_FIELDS = {"voided_at", "voided_by", "void_reason"}


class ProgressFlag(models.Model):
    """A patient whose live outcome series the progress rule flags: not improving, or worsening.

    Derived from the patient's live assessments by outcomes.progress.assess_progress and kept by
    outcomes.services (`progress_flags_refresh`) whenever an assessment is recorded or marked as entered
    in error, so the clinic home's "not improving" list is one index range instead of running the rule
    over every patient's series. A patient the rule does not flag has no row.
    """

    # Hidden reverse relation ("+"): a patient merge does not move derived rows; they are recomputed.
    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, primary_key=True, related_name="+")
    status = models.CharField(max_length=20)  # not_improving | worsening (outcomes.progress.Progress.status)
    #: 0 for worsening, 1 for not improving: the list shows worsening first.
    rank = models.PositiveSmallIntegerField()
    message = models.TextField()
    days_since_baseline = models.PositiveIntegerField(null=True, blank=True)
    #: The patient's last live assessment: "in active care" is a recent one.
    last_assessed = models.DateField()

    class Meta:
        indexes = [
            # The list's order (worsening first, then the longest without improvement); the last column
            # lets the active-care test be answered from the index.
            models.Index(fields=["rank", "-days_since_baseline", "patient", "last_assessed"],
                         name="progressflag_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=("not_improving", "worsening")), name="progressflag_status"),
        ]

    def __str__(self) -> str:
        return f"{self.status} ({self.patient_id})"
