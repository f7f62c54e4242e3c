"""Demo clinic profile: the first-run defaults (FRACTURECARE_CLINIC_* variables), saved. Safe to run twice."""

from __future__ import annotations

from fracturecare.clinic.services import profile_ensure


def load(stdout) -> None:
    """Save the clinic profile from the environment's defaults unless one exists."""
    profile = profile_ensure(cancellation_window_hours=24)
    stdout.write(f"  clinic: {profile.name} ({profile.time_zone})")
