"""People who sign in, and the role that decides what each may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from fracturecare.roles import Role

__all__ = ["Role", "User", "ApiToken"]


class User(AbstractUser):
    """One login per person; `role` gates every clinic page (see accounts.permissions)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]

    @property
    def is_staff_member(self) -> bool:
        return self.role in (Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN)


class ApiToken(models.Model):
    """A personal access token for the JSON API (`Authorization: Bearer <token>`).

    Only a SHA-256 hash of the token is stored: the token itself is shown once, when it is
    made, and cannot be read back. A token is never deleted, only revoked, so the audit log
    keeps pointing at a row that says whose it was.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="what the token is for, e.g. 'EHR bridge'")
    # A random 256-bit token needs no slow hash: guessing is hopeless, and the lookup is by hash.
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="the token's first characters, to recognise it")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="apitoken_name_given"),
            models.CheckConstraint(condition=~models.Q(key_hash=""), name="apitoken_hash_given"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=False) | models.Q(revoked_by__isnull=True),
                name="apitoken_revoked_by_only_when_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
