"""A clinician's structured evaluation of one patient: the case the engine plans from."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Evaluation(models.Model):
    """One evaluation, stored as the case JSON (contracts/case.schema.json).

    An evaluation is a record of what was found on a day; it is never edited. A later
    evaluation is a new row (the form can start from the previous one).
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="evaluations")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.JSONField(help_text="the case as given to the engine")
    # When the evaluation took place: now, unless a past record is entered (the demo's history);
    # the audit log keeps when the row was written.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of patient {self.patient_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("evaluations are not edited; record a new evaluation")
        super().save(*args, **kwargs)
