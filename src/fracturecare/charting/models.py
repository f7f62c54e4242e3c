"""The treatment record of one visit: what was needled, how, and what happened.

A visit starts as a draft, is signed once and then never changes; corrections are dated
amendments by its author, or signed addenda by another clinician, appended after signing.
Writes go through `charting.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from fracturecare.charting.knowledge import known_muscles
from fracturecare.charting.vocab import (
    AE_SCHEME_ID,
    AdverseEventSeverity,
    AdverseEventType,
    DepthUnit,
    DryNeedlingResponse,
    DryNeedlingTechnique,
    IntensityDescriptor,
    Laterality,
    NeedleResponse,
    Side,
    Waveform,
)

NRS_RANGE = Q(pain_nrs_before__gte=0, pain_nrs_before__lte=10) | Q(pain_nrs_before__isnull=True)
NRS_AFTER_RANGE = Q(pain_nrs_after__gte=0, pain_nrs_after__lte=10) | Q(pain_nrs_after__isnull=True)


class SignedRecordError(ValidationError):
    """Raised on any attempt to change a signed visit or one of its parts."""


class Visit(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="visits")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visit_date = models.DateField()
    pain_nrs_before = models.PositiveSmallIntegerField(
        "Pain NRS before treatment (0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_nrs_after = models.PositiveSmallIntegerField(
        "Pain NRS after treatment (0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    # Electroacupuncture parameters. All empty when no EA was given.
    ea_waveform = models.CharField("EA waveform", max_length=20, choices=Waveform.choices, blank=True)
    ea_frequency_hz = models.DecimalField(
        "EA frequency (Hz)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="The single frequency, or the low one of a dense-disperse pair.",
    )
    ea_frequency_high_hz = models.DecimalField(
        "EA high frequency (Hz)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Dense-disperse only: the high frequency of the pair.",
    )
    ea_intensity = models.CharField("EA intensity", max_length=20, choices=IntensityDescriptor.choices, blank=True)
    ea_intensity_ma = models.DecimalField("EA intensity (mA)", max_digits=5, decimal_places=2, null=True, blank=True)
    ea_duration_min = models.PositiveSmallIntegerField("EA duration (min)", null=True, blank=True)
    # Safety: needles counted in and out must reconcile before signing.
    needles_in = models.PositiveSmallIntegerField("Needles inserted (count)", null=True, blank=True)
    needles_out = models.PositiveSmallIntegerField("Needles removed (count)", null=True, blank=True)
    other_care = models.TextField("Other care given", blank=True)
    notes = models.TextField(blank=True)
    # SOAP notes around the structured needling record. Nullable (NULL on visits charted before
    # them) so adding them is a plain ADD COLUMN and the signed-visit triggers stay in place.
    subjective = models.TextField("Subjective: what the patient reports", null=True, blank=True)
    objective = models.TextField("Objective: what you found", null=True, blank=True)
    assessment = models.TextField("Assessment", null=True, blank=True)
    plan_next = models.TextField("Plan: next steps", null=True, blank=True)
    # The red-flag re-screen (charting.rescreen): answers, the rules that fired, whether needling
    # was held. NULL when no re-screen was recorded (visits charted before it existed, drafts).
    rescreen = models.JSONField(null=True, blank=True)
    # Where the point rows were prefilled from, e.g. "plan:12" or "visit:40"; informational only.
    prefilled_from = models.CharField(max_length=40, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # SHA-256 of the canonical JSON of the record at signing; lets anyone check it has not changed.
    signed_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-visit_date", "-id"]
        indexes = [models.Index(fields=["patient", "visit_date"])]
        constraints = [
            models.CheckConstraint(condition=NRS_RANGE, name="visit_nrs_before_0_10"),
            models.CheckConstraint(condition=NRS_AFTER_RANGE, name="visit_nrs_after_0_10"),
            models.CheckConstraint(
                condition=(
                    Q(signed_at__isnull=True, signed_by__isnull=True, signed_sha256="")
                    | (Q(signed_at__isnull=False, signed_by__isnull=False) & ~Q(signed_sha256=""))
                ),
                name="visit_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(ea_waveform="") | Q(ea_waveform__in=Waveform.values),
                name="visit_ea_waveform_valid",
            ),
            models.CheckConstraint(
                condition=Q(ea_intensity="") | Q(ea_intensity__in=IntensityDescriptor.values),
                name="visit_ea_intensity_valid",
            ),
            # No EA parameters without a waveform, and a waveform needs frequency, intensity and duration.
            models.CheckConstraint(
                condition=(
                    Q(
                        ea_waveform="",
                        ea_frequency_hz__isnull=True,
                        ea_frequency_high_hz__isnull=True,
                        ea_intensity="",
                        ea_intensity_ma__isnull=True,
                        ea_duration_min__isnull=True,
                    )
                    | (~Q(ea_waveform="") & Q(ea_frequency_hz__gt=0, ea_duration_min__gt=0) & ~Q(ea_intensity=""))
                ),
                name="visit_ea_parameters_complete",
            ),
            models.CheckConstraint(
                condition=(Q(ea_frequency_high_hz__isnull=True) & ~Q(ea_waveform=Waveform.DENSE_DISPERSE))
                | Q(ea_waveform=Waveform.DENSE_DISPERSE, ea_frequency_high_hz__gt=models.F("ea_frequency_hz")),
                name="visit_ea_high_frequency_dense_disperse",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit {self.visit_date} ({self.patient})"

    def save(self, *args, **kwargs):
        # The one write allowed to a signed row is the signing itself (draft -> signed).
        if self.pk is not None and Visit.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise SignedRecordError("This visit is signed and can no longer be changed; add an amendment.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed:
            raise SignedRecordError("A signed visit cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def has_ea(self) -> bool:
        return bool(self.ea_waveform)

    @property
    def needling_held(self) -> bool:
        """Whether the visit's red-flag re-screen held needling."""
        return bool(self.rescreen and self.rescreen.get("held"))


class _VisitPart(models.Model):
    """A row that belongs to a visit and freezes with it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        if Visit.objects.filter(pk=self.visit_id, signed_at__isnull=False).exists():
            raise SignedRecordError("This visit is signed and can no longer be changed; add an amendment.")


class NeedledPoint(_VisitPart):
    """One acupuncture point needled (STRICTA 2a–2g)."""

    code = models.CharField("Point (WHO code)", max_length=12)
    laterality = models.CharField(max_length=10, choices=Laterality.choices)
    needle_diameter_mm = models.DecimalField(
        "Needle gauge (diameter, mm)", max_digits=4, decimal_places=2, null=True, blank=True
    )
    needle_length_mm = models.PositiveSmallIntegerField("Needle length (mm)", null=True, blank=True)
    depth = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    depth_unit = models.CharField(max_length=4, choices=DepthUnit.choices, blank=True)
    retention_min = models.PositiveSmallIntegerField("Retention (min)", null=True, blank=True)
    response = models.CharField(max_length=20, choices=NeedleResponse.choices, blank=True)

    class Meta(_VisitPart.Meta):
        default_related_name = "points"
        constraints = [
            models.CheckConstraint(condition=Q(laterality__in=Laterality.values), name="point_laterality_valid"),
            models.CheckConstraint(
                condition=Q(depth__isnull=True, depth_unit="") | Q(depth__gt=0, depth_unit__in=DepthUnit.values),
                name="point_depth_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(needle_diameter_mm__isnull=True) | Q(needle_diameter_mm__gt=0),
                name="point_needle_diameter_positive",
            ),
            models.CheckConstraint(
                condition=Q(needle_length_mm__isnull=True) | Q(needle_length_mm__gt=0),
                name="point_needle_length_positive",
            ),
            models.UniqueConstraint(fields=["visit", "code", "laterality"], name="point_once_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_laterality_display().lower()}"

    def covers(self, side: str) -> bool:
        """Whether a needle sits at this point on `side` ("left" or "right")."""
        return self.laterality in (side, Laterality.BILATERAL)


class DryNeedlingTarget(_VisitPart):
    """One muscle needled with dry needling."""

    muscle = models.CharField(max_length=60)
    side = models.CharField(max_length=10, choices=Laterality.choices)
    technique = models.CharField(max_length=20, choices=DryNeedlingTechnique.choices)
    response = models.CharField(max_length=20, choices=DryNeedlingResponse.choices)
    needle_length_mm = models.PositiveSmallIntegerField("Needle length (mm)", null=True, blank=True)
    depth_mm = models.DecimalField("Depth (mm)", max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta(_VisitPart.Meta):
        default_related_name = "dry_needling"
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Laterality.values), name="dn_side_valid"),
            models.CheckConstraint(condition=Q(technique__in=DryNeedlingTechnique.values), name="dn_technique_valid"),
            models.CheckConstraint(condition=Q(response__in=DryNeedlingResponse.values), name="dn_response_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle_name} {self.get_side_display().lower()}"

    @property
    def muscle_name(self) -> str:
        """The knowledge base's name for the muscle (the id is what is stored)."""

        return known_muscles().get(self.muscle) or self.muscle.replace("_", " ")


class ElectrodePair(_VisitPart):
    """Two needled points joined by one EA lead, both on the same side."""

    side = models.CharField(max_length=5, choices=Side.choices)
    point_a = models.CharField(max_length=12)
    point_b = models.CharField(max_length=12)

    class Meta(_VisitPart.Meta):
        default_related_name = "electrode_pairs"
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="electrode_side_valid"),
            models.CheckConstraint(condition=~Q(point_a=models.F("point_b")), name="electrode_points_differ"),
        ]

    def __str__(self) -> str:
        return f"{self.point_a}–{self.point_b} ({self.side})"


class AdverseEvent(_VisitPart):
    """An adverse event, classified with the scheme named in `scheme`."""

    scheme = models.CharField(max_length=40, default=AE_SCHEME_ID)
    severity = models.CharField(max_length=20, choices=AdverseEventSeverity.choices)
    event_type = models.CharField("Type", max_length=40, choices=AdverseEventType.choices)
    required_treatment = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    action_taken = models.TextField(blank=True)

    class Meta(_VisitPart.Meta):
        default_related_name = "adverse_events"
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=AdverseEventSeverity.values), name="ae_severity_valid"),
            models.CheckConstraint(condition=Q(event_type__in=AdverseEventType.values), name="ae_type_valid"),
            models.CheckConstraint(condition=~Q(scheme=""), name="ae_scheme_present"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} ({self.severity})"


class Amendment(models.Model):
    """A dated correction or addition to a signed visit. Append-only."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="amendment_text_present")]

    def __str__(self) -> str:
        return f"Amendment {self.created_at:%Y-%m-%d %H:%M} to visit {self.visit_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("amendments are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("amendments are append-only")


class Addendum(models.Model):
    """A signed note added to a signed visit by another clinician, under their own name. Append-only.

    The visit's author corrects it with an amendment; a colleague who saw the patient later, or reviewed
    the record, adds an addendum. `seal` is a keyed hash over the addendum and the visit's own seal, so a
    changed text, author or time, or an addendum moved to another visit, no longer verifies.
    """

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    signed_at = models.DateTimeField()
    seal = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name_plural = "addenda"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="addendum_text_present"),
            models.CheckConstraint(condition=~Q(seal=""), name="addendum_seal_present"),
        ]

    def __str__(self) -> str:
        return f"Addendum {self.signed_at:%Y-%m-%d %H:%M} to visit {self.visit_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedRecordError("A signed addendum can no longer be changed; add another one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError("A signed addendum cannot be deleted.")
