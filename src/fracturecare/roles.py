"""The roles a login can have, below every app (imports no app).

Models import `Role` from here; page guards that check it are in `fracturecare.guards`.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    FRONT_DESK = "front_desk", "Front desk"
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"
    PATIENT = "patient", "Patient"


CLINICAL = (Role.CLINICIAN, Role.CLINIC_ADMIN)
STAFF = (Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN)
