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


#: Roles that work at the clinic and may be asked for a second factor.
STAFF_ROLES = (Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN)


class SecurityPolicy(models.Model):
    """The clinic's sign-in policy (one row): which staff roles must use two-factor sign-in.

    Nothing is required by default, so a new clinic (and the demo) signs in with a password;
    the clinic admin turns the requirement on per role at /clinic/security/.
    """

    require_2fa_clinician = models.BooleanField("Clinicians must use two-factor sign-in", default=False)
    require_2fa_front_desk = models.BooleanField("Front desk must use two-factor sign-in", default=False)
    require_2fa_clinic_admin = models.BooleanField("Clinic admins must use two-factor sign-in", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "security policy"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="securitypolicy_single_row")]

    def __str__(self) -> str:
        return "Security policy"

    @classmethod
    def current(cls) -> SecurityPolicy:
        """The policy row, or an unsaved default (nothing required) when the admin never saved one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def requires_2fa(self, role: str) -> bool:
        """Whether a login with `role` must pass a second factor; patients never do."""
        return bool(getattr(self, f"require_2fa_{role}", False)) if role in STAFF_ROLES else False


class EmailChangeRequest(models.Model):
    """A patient's request to move their portal login to a new email, waiting for the old address to confirm.

    The link goes to the address the login has now, so someone who only learned the password
    cannot move the account away from its owner. Used once; expires like a set-password link.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="email_change_requests")
    old_email = models.EmailField()
    new_email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"email change for user {self.user_id}"


class PasswordResetRequest(models.Model):
    """One "forgot password" request, kept so the form can be rate-limited per address and per client.

    Holds keyed hashes only (never the address typed or the client's IP), and is written
    whether or not the address belongs to a login, so the table does not reveal who has one.
    """

    email_key = models.CharField(max_length=64, db_index=True)
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"password reset request {self.pk}"
