"""People who sign in, and the role that decides what each may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    FRONT_DESK = "front_desk", "Front desk"
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"
    PATIENT = "patient", "Patient"


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
