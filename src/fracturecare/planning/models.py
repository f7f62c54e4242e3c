"""Plans: what the engine proposed, the clinician's changes, and the signed versions.

- `Plan` holds the engine's output for one evaluation, exactly as generated.
- `PlanEdit` is one clinician change (remove or add an item, with a reason). Edits belong
  to the version they will be signed into; edits of a signed version are history.
- `PlanVersion` is a signed, immutable snapshot of the whole plan as the clinician approved
  it, with the engine and knowledge versions. A change after signing is a new version.

None of these rows is ever updated: services only insert (pending edits may be withdrawn
before signing). The database refuses UPDATE on them (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TriageLevel(models.TextChoices):
    EMERGENCY = "emergency", "Emergency: send to an emergency department now"
    URGENT_REFERRAL = "urgent_referral", "Urgent referral: physician and imaging within days"
    REFERRAL = "referral", "Referral: medical co-management"
    PROCEED = "proceed", "Proceed: adjunct care alongside conventional care"


URGENT_LEVELS = (TriageLevel.EMERGENCY, TriageLevel.URGENT_REFERRAL)

# What the signing clinician attests on the plan page (the basis of each recommendation is shown
# with it, so the clinician can review it independently); stored word for word with the signature.
ATTESTATION = "I have reviewed the basis of each recommendation"


class Section(models.TextChoices):
    CONVENTIONAL = "conventional", "Conventional care"
    ACUPUNCTURE = "acupuncture", "Acupuncture point"
    DRY_NEEDLING = "dry_needling", "Dry-needling target"


class EditAction(models.TextChoices):
    REMOVE = "remove", "Removed"
    ADD = "add", "Added"


class Laterality(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"
    MIDLINE = "midline", "Midline"


class _InsertOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are not changed once written")
        super().save(*args, **kwargs)


class Plan(_InsertOnly):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="plans")
    evaluation = models.OneToOneField("evaluations.Evaluation", on_delete=models.PROTECT, related_name="plan")
    generated = models.JSONField(help_text="the engine's plan, as generated")
    engine_version = models.CharField(max_length=40)
    knowledge_version = models.CharField(max_length=40)
    triage_level = models.CharField(max_length=20, choices=TriageLevel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # With its evaluation (evaluations.Evaluation.created_at says why this is not auto_now_add).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "created_at"]),
            # The clinic home lists open plans oldest first, clinic-wide and per clinician.
            models.Index(fields=["created_at", "id"], name="plan_created_idx"),
            models.Index(fields=["created_by", "created_at", "id"], name="plan_author_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(triage_level__in=TriageLevel.values), name="plan_triage_valid"),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk} ({self.triage_level})"

    @property
    def is_urgent(self) -> bool:
        return self.triage_level in URGENT_LEVELS


class PlanEdit(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="edits")
    version = models.PositiveIntegerField(help_text="the plan version this change is signed into")
    action = models.CharField(max_length=10, choices=EditAction.choices)
    section = models.CharField(max_length=20, choices=Section.choices)
    key = models.CharField(max_length=80, help_text="conventional item id, point code or muscle")
    laterality = models.CharField(max_length=10, choices=Laterality.choices, blank=True)
    description = models.CharField(max_length=300, blank=True, help_text="what an added item is")
    reason = models.TextField()
    override = models.BooleanField(default=False, help_text="adds back what the engine excluded or deferred")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["version", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version", "section", "key"], name="planedit_one_per_item"),
            models.CheckConstraint(condition=Q(version__gte=1), name="planedit_version_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="planedit_reason_given"),
            models.CheckConstraint(condition=Q(action__in=EditAction.values), name="planedit_action_valid"),
            models.CheckConstraint(condition=Q(section__in=Section.values), name="planedit_section_valid"),
            # An override only makes sense when adding something back.
            models.CheckConstraint(condition=Q(override=False) | Q(action="add"), name="planedit_override_on_add"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.section} {self.key} (v{self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("plan edits are not changed once written")
        super().save(*args, **kwargs)


class PlanVersion(_InsertOnly):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="the signed plan, complete and self-contained")
    engine_version = models.CharField(max_length=40)
    knowledge_version = models.CharField(max_length=40)
    amendment_reason = models.TextField(blank=True)
    # The attestation the signer gave, word for word; NULL when none was given (versions signed
    # before the plan page asked for it, or signed programmatically). Nullable so that adding it
    # is a plain ADD COLUMN and the insert-only triggers on this table stay in place.
    attestation = models.TextField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="planversion_number_positive"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(amendment_reason=""), name="planversion_amendment_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} v{self.number}"

    def delete(self, *args, **kwargs):
        raise ValueError("signed plan versions are kept")


class OpenPlan(models.Model):
    """A patient's newest plan while it waits for a signature: never signed, or changed since its last version.

    Derived from Plan, PlanVersion and PlanEdit and kept by planning.services (`open_plans_refresh`) whenever
    a plan is generated, changed, a change withdrawn or a version signed, so the clinic home reads its lists
    as one index range each instead of probing every plan. At most one row per patient.
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # Hidden reverse relation ("+"): a patient merge does not move derived rows; they are recomputed.
    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    triage_level = models.CharField(max_length=20, choices=TriageLevel.choices)
    #: The number of the last signed version; None while the plan was never signed.
    last_version = models.PositiveIntegerField(null=True, blank=True)
    #: Never signed and triaged emergency or urgent referral (the home's "urgent plans not signed").
    urgent_unsigned = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "plan"]
        indexes = [
            models.Index(fields=["created_at", "plan"], name="openplan_created_idx"),
            models.Index(fields=["created_by", "created_at", "plan"], name="openplan_author_idx"),
            models.Index(fields=["urgent_unsigned", "created_at", "plan"], name="openplan_urgent_idx"),
        ]

    def __str__(self) -> str:
        return f"Open plan {self.plan_id}"
