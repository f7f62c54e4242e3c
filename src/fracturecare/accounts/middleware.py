"""Sign a clinic user out after a stretch without activity."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

_LAST_SEEN = "last_seen"
# Set on the fresh session after an idle logout; the login page reads it once.
IDLE_FLAG = "idle_logged_out"


class IdleLogoutMiddleware:
    """Log out an authenticated session idle longer than IDLE_LOGOUT_SECONDS.

    A shared front-desk or treatment-room screen left signed in exposes health data;
    the idle limit bounds that window (HIPAA automatic logoff, 164.312(a)(2)(iii)).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_LAST_SEEN)
            if last is not None and now - int(last) > settings.IDLE_LOGOUT_SECONDS:
                logout(request)
                request.session[IDLE_FLAG] = True
            else:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
