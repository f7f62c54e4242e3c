"""Forms patients fill in by link: the link itself, intake answers and signed consents.

Answers and consents are append-only: a wrong answer is superseded by a newer one, a consent is
withdrawn by a newer record saying so. `save` refuses to change a stored row and `delete`
refuses to remove one (bulk queryset updates bypass this; services never use them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fracturecare.intake.content import FormKind


class AppendOnlyError(Exception):
    """A stored answer or consent cannot be changed or deleted."""


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed; record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")


class FormRequest(models.Model):
    """A link sent to a patient for a set of forms; each form in it can be submitted once."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="form_requests")
    appointment = models.ForeignKey(
        "scheduling.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="form_requests"
    )
    forms = models.JSONField(help_text="form kinds in this request, in order")
    # A random value signed into the link: a leaked link can be retired by issuing a new request.
    nonce = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"Forms #{self.pk} for patient {self.patient_id}"


class FormSubmission(_AppendOnly):
    """One form of a request, submitted. Unique per (request, form): the link works once per form."""

    request = models.ForeignKey(FormRequest, on_delete=models.PROTECT, related_name="submissions")
    form = models.CharField(max_length=24, choices=FormKind.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "form"], name="intake_submission_once_per_form"),
            models.CheckConstraint(condition=Q(form__in=FormKind.values), name="intake_submission_form_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.form} for request {self.request_id}"


class IntakeResponse(_AppendOnly):
    """The patient's answers to the health questionnaire, as given (the latest one prefills the evaluation)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="intake_responses")
    request = models.ForeignKey(FormRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["patient", "submitted_at"])]

    def __str__(self) -> str:
        return f"Intake answers #{self.pk} for patient {self.patient_id}"


class ConsentDecision(models.TextChoices):
    GIVEN = "given", "Given"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentRecord(_AppendOnly):
    """A consent signed (or withdrawn): who, when, which form version, and a copy of the text signed."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="consents")
    request = models.ForeignKey(FormRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(max_length=24, choices=FormKind.choices)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=120)
    text = models.TextField(help_text="the exact text shown, with its sources")
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)
    # Set when staff record a withdrawal (by phone or in person); empty when the patient signed by link.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["patient", "form", "signed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(form__in=[FormKind.CONSENT_ACUPUNCTURE, FormKind.CONSENT_DRY_NEEDLING, FormKind.PRIVACY]),
                name="consent_form_is_a_consent",
            ),
            models.CheckConstraint(condition=Q(decision__in=ConsentDecision.values), name="consent_decision_valid"),
            models.CheckConstraint(condition=~Q(signed_name=""), name="consent_signed_name_present"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} {self.decision} by {self.signed_name}"
