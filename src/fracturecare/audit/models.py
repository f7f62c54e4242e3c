"""An append-only record of every read and write of health data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One audited action. Rows are never updated or deleted (database triggers refuse it).

    Events form a keyed hash chain: `seq` numbers them 1, 2, 3... and `seal` is an HMAC over the previous
    event's seal and this event's fields (see `fracturecare.audit.chain`), so an edited, removed or inserted
    event shows up in `fracturecare manage verify_audit`.
    """

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="who, when there is no user")
    action = models.CharField(max_length=80, help_text="namespaced code, e.g. plan.signed")
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    seq = models.PositiveBigIntegerField(unique=True, null=True, editable=False, help_text="place in the chain")
    seal = models.CharField(max_length=64, blank=True, editable=False, help_text="HMAC-SHA256 chaining this event")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")
