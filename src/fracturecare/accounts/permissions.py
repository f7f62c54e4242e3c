"""Who may open which page. Every clinic view is wrapped in `role_required`."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from fracturecare.accounts.models import Role

CLINICAL = (Role.CLINICIAN, Role.CLINIC_ADMIN)
STAFF = (Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN)


def role_required(*roles: str):
    """Let through signed-in users whose role is in `roles`.

    Anonymous users go to the login page; signed-in users with another role get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = tuple(roles)
        return wrapper

    return decorator
