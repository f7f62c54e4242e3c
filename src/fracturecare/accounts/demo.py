"""Demo users, one per role. Their passwords are printed: they are for a local demo only."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler

from fracturecare.accounts.models import Role, User

DEMO_USERS = [
    ("clinician", "Dana", "Reyes", Role.CLINICIAN, "demo-clinician-pass"),
    ("clinician2", "Sam", "Okafor", Role.CLINICIAN, "demo-clinician-pass"),
    ("frontdesk", "Lee", "Park", Role.FRONT_DESK, "demo-frontdesk-pass"),
    ("admin", "Alex", "Morgan", Role.CLINIC_ADMIN, "demo-admin-pass"),
]


def load(stdout) -> None:
    """Create (or reset) the demo users and print their logins."""
    stdout.write("Demo logins (local demo only):")
    for username, first, last, role, password in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.role = first, last, role
        user.email = f"{username}@fracturecare.invalid"
        user.set_password(password)
        user.save()
        # Re-running the demo also lifts a sign-in lockout, so the printed logins work again.
        AxesProxyHandler.reset_attempts(username=username)
        stdout.write(f"  {role.label:<12} {username:<12} {password}")
