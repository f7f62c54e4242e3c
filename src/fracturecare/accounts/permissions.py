"""Who may open which page. Every clinic view is wrapped in `role_required`.

The roles (`fracturecare.roles`) and the guard (`fracturecare.guards`) live below every app; they
are named here too because most views read them from the accounts app.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from fracturecare.accounts.models import User
from fracturecare.guards import role_required
from fracturecare.roles import CLINICAL, STAFF, Role

__all__ = ["CLINICAL", "STAFF", "Role", "role_required", "signed_in_user"]


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a request behind `role_required` or `login_required`.

    A request without one is refused (403) rather than read as an anonymous visitor, so a page
    whose guard was forgotten fails closed.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
