"""Sign-in and sign-out pages for clinic staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse, reverse_lazy

from fracturecare.accounts.middleware import IDLE_FLAG
from fracturecare.accounts.models import Role
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record


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

    def get_default_redirect_url(self):
        # Patients have their own pages; the clinic workspace would only answer them 403.
        if self.request.user.role == Role.PATIENT:
            return reverse("portal:home")
        return super().get_default_redirect_url()


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a password from an emailed link (a portal invitation): Django's one-use reset token."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:set_password_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action=AuditAction.ACCOUNT_PASSWORD_SET, obj=form.user,
                     data={"user": form.user.pk, "via": "emailed link"}, request=self.request)
        return response


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/set_password_done.html"


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and land on the login page with a confirmation."""

    next_page = "accounts:login"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response
