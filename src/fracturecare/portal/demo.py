"""A demo portal login for Maya Lopez (signed plan, outcome series). Local demo only; idempotent."""

from __future__ import annotations

from fracturecare.accounts.models import Role, User
from fracturecare.patients.models import Patient

USERNAME, PASSWORD = "patient", "demo-patient-pass"


def load(stdout) -> None:
    """Link the demo patient login to the demo patient Maya Lopez (created by the planning demo)."""
    patient = Patient.objects.filter(first_name="Maya", last_name="Lopez").first()
    if patient is None:
        stdout.write("Demo portal login: skipped (no demo patient Maya Lopez).")
        return
    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"role": Role.PATIENT})
    user.role, user.first_name, user.last_name = Role.PATIENT, patient.first_name, patient.last_name
    user.email = patient.email
    user.set_password(PASSWORD)
    user.save()
    if patient.user_id != user.pk:
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    stdout.write(f"  {'Patient':<12} {USERNAME:<12} {PASSWORD}   (portal at /me/: Maya Lopez)")
