"""Sign-in and sign-out pages for clinic staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views

from fracturecare.accounts.middleware import IDLE_FLAG


class LoginView(auth_views.LoginView):
    """Django's login view, plus a notice when the last session ended for inactivity."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Popped on display so the notice shows once, not on every later visit.
        context["idle_logged_out"] = bool(self.request.session.pop(IDLE_FLAG, False))
        context["idle_minutes"] = settings.IDLE_LOGOUT_SECONDS // 60
        return context


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and land on the login page with a confirmation."""

    next_page = "accounts:login"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response
