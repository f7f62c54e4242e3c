"""Session rules for signed-in users: idle logout, a fixed session lifetime, two-factor, no caching."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django_otp.middleware import is_verified

from fracturecare.accounts.models import STAFF_ROLES
from fracturecare.accounts.signals import AUTH_AT, LAST_SEEN, TWO_FACTOR_DUE

_LAST_SEEN = LAST_SEEN
#: Activity is recorded at most this often. Each record is a session write (a database write; on
#: SQLite every write queues on one writer), so a signed-in page would otherwise cost one; the idle
#: logout may then fire up to this much early, which a minute's precision allows.
ACTIVITY_RECORD_SECONDS = 60
# Set on the fresh session after an idle logout; the login page reads it once.
IDLE_FLAG = "idle_logged_out"
# Set on the fresh session after the working-day limit; the login page reads it once.
EXPIRED_FLAG = "session_expired"

GetResponse = Callable[[HttpRequest], HttpResponse]


class IdleLogoutMiddleware:
    """Log out an authenticated session idle longer than IDLE_LOGOUT_SECONDS.

    A shared front-desk or treatment-room screen left signed in exposes health data;
    the idle limit bounds that window (HIPAA automatic logoff, 164.312(a)(2)(iii)).
    Activity is recorded once a minute at most (ACTIVITY_RECORD_SECONDS), not on every request.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_LAST_SEEN)
            if last is not None and now - int(last) > settings.IDLE_LOGOUT_SECONDS:
                logout(request)
                request.session[IDLE_FLAG] = True
            elif last is None or now - int(last) >= ACTIVITY_RECORD_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class AbsoluteSessionLifetimeMiddleware:
    """End a session SESSION_ABSOLUTE_SECONDS after sign-in, however active it has been.

    Activity keeps the idle timer from firing, so without this a login could be kept alive
    indefinitely. A session with no sign-in time (made before this rule) is ended too.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in = request.session.get(AUTH_AT)
            if not isinstance(signed_in, int) or time.time() - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                request.session[EXPIRED_FLAG] = True
        return self.get_response(request)


def _two_factor_exempt(request: HttpRequest) -> bool:
    path = request.path_info
    exempt = (
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_setup"),
        reverse("accounts:logout"),
    )
    return path in exempt or path.startswith(settings.STATIC_URL)


class TwoFactorMiddleware:
    """Hold a signed-in staff member at the code page until they pass their second factor.

    Who must: anyone with a confirmed authenticator, and every member of a role the clinic's
    policy covers (they are sent to set one up first). Runs after django-otp's OTPMiddleware.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        due = request.session.get(TWO_FACTOR_DUE) if hasattr(request, "session") else None
        user = request.user
        if due and user.is_authenticated and user.role in STAFF_ROLES and not is_verified(user):
            if not _two_factor_exempt(request):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": "Two-factor sign-in is required for this session."}, status=403)
                target = "accounts:two_factor_verify" if due == "verify" else "accounts:two_factor_setup"
                return redirect_to_login(request.get_full_path(), login_url=reverse(target))
        return self.get_response(request)


def _health_data_path(request: HttpRequest) -> bool:
    """Every page except the public site's own pages may show health data (fail closed)."""
    if request.method not in ("GET", "HEAD"):
        return True  # the answer to a form may echo what was sent
    if request.path_info.startswith(("/clinic/", "/me/", "/api/", "/accounts/")):
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        return True
    return not (match.namespace in settings.CACHEABLE_URL_NAMESPACES or match.view_name in settings.CACHEABLE_URL_NAMES)


class NoStoreMiddleware:
    """Send `Cache-Control: no-store` on every page that may hold health data or a personal link.

    Browsers (back button, shared computers) and proxies must not keep copies of charts, the
    portal or booking pages. Public marketing pages (settings.CACHEABLE_URL_NAMESPACES) keep
    whatever caching their views set.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _health_data_path(request):
            response["Cache-Control"] = "no-store"
        return response
