"""Sign-in, sign-out and a person's own sign-in settings (password, two-factor, email)."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.middleware import is_verified

from fracturecare.accounts import recovery, twofactor
from fracturecare.accounts.forms import CodeForm, EmailChangeForm, ForgotPasswordForm
from fracturecare.accounts.middleware import EXPIRED_FLAG, IDLE_FLAG
from fracturecare.accounts.models import STAFF_ROLES, Role, User
from fracturecare.accounts.permissions import signed_in_user
from fracturecare.accounts.signals import TWO_FACTOR_DUE
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.ratelimit import RateLimited


class LoginView(auth_views.LoginView):
    """Django's login view, plus a notice when the last session ended for inactivity or its age."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Popped on display so the notice shows once, not on every later visit.
        context["idle_logged_out"] = bool(self.request.session.pop(IDLE_FLAG, False))
        context["session_expired"] = bool(self.request.session.pop(EXPIRED_FLAG, False))
        context["idle_minutes"] = settings.IDLE_LOGOUT_SECONDS // 60
        context["session_hours"] = settings.SESSION_ABSOLUTE_SECONDS // 3600
        return context

    def get_default_redirect_url(self) -> str:
        # Patients have their own pages; the clinic workspace would only answer them 403.
        user = self.request.user
        if isinstance(user, User) and user.role == Role.PATIENT:
            return reverse("portal:home")
        return super().get_default_redirect_url()


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a password from an emailed link (an invitation or "forgot password"): one use, expiring."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:set_password_done")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        audit_record(actor=form.user, action=AuditAction.ACCOUNT_PASSWORD_SET, obj=form.user,
                     data={"user": form.user.pk, "via": "emailed link"}, request=self.request)
        return response


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/set_password_done.html"


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and land on the login page with a confirmation."""

    next_page = "accounts:login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the current one is asked for); other sessions are signed out."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session (update_session_auth_hash)
        audit_record(actor=self.request.user, action=AuditAction.ACCOUNT_PASSWORD_CHANGED, obj=self.request.user,
                     data={"user": self.request.user.pk, "via": "own account page"}, request=self.request)
        messages.success(self.request, "Your password is changed. Sessions on other devices are signed out.")
        return response


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: a short one starting with a single "/" (anything else, e.g. "a:b", would
    # be read as a URL name by redirect(), and our own pages' addresses are short).
    if len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _home_for(request: HttpRequest) -> str:
    return reverse("portal:home") if signed_in_user(request).role == Role.PATIENT else settings.LOGIN_REDIRECT_URL


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """A person's own sign-in settings: password, two-factor (staff), email (patients)."""
    user = signed_in_user(request)
    return render(request, "accounts/account.html", {
        "is_staff_member": user.role in STAFF_ROLES,
        "has_two_factor": twofactor.has_two_factor(user),
        "two_factor_required": twofactor.two_factor_required(user),
        "backup_codes_left": twofactor.backup_codes_left(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, type a code; backup codes are shown once."""
    user = signed_in_user(request)
    if user.role not in STAFF_ROLES:
        messages.info(request, "Two-factor sign-in is for clinic staff.")
        return redirect(_home_for(request))
    if twofactor.has_two_factor(user) and not is_verified(user):
        # Replacing an authenticator needs this session to have passed the current one.
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={reverse('accounts:two_factor_setup')}")
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = twofactor.enrol_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if enrolment is not None:
            request.session.pop(TWO_FACTOR_DUE, None)
            return render(request, "accounts/backup_codes.html", {
                "codes": enrolment.backup_codes, "next": _safe_next(request, _home_for(request)), "new": True,
            })
        form.add_error("code", "That code does not match. Check the phone's clock and type the code shown now.")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr_svg": twofactor.qr_svg(device), "secret": twofactor.secret_text(device),
        "required": twofactor.two_factor_required(user), "replacing": twofactor.has_two_factor(user),
        "next": _safe_next(request, ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or one backup code."""
    user = signed_in_user(request)
    if is_verified(user):
        return redirect(_safe_next(request, _home_for(request)))
    if not twofactor.has_two_factor(user):
        # The authenticator was reset since sign-in: set one up if the policy says so.
        if twofactor.two_factor_required(user):
            request.session[TWO_FACTOR_DUE] = "setup"
            return redirect(f"{reverse('accounts:two_factor_setup')}?next={_safe_next(request, '')}")
        request.session.pop(TWO_FACTOR_DUE, None)
        return redirect(_safe_next(request, _home_for(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request=request, code=form.cleaned_data["code"]):
            request.session.pop(TWO_FACTOR_DUE, None)
            return redirect(_safe_next(request, _home_for(request)))
        form.add_error("code", "That code does not work. Type the code your app shows now, or one backup code. "
                               "After several wrong codes you must wait a little before trying again.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


@login_required
@require_http_methods(["POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Make a fresh set of backup codes (the old ones stop working); shown once."""
    user = signed_in_user(request)
    if user.role not in STAFF_ROLES or not twofactor.has_two_factor(user):
        return redirect("accounts:account")
    codes = twofactor.backup_codes_regenerate(request=request)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:account")})


@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    """Ask for a set-password link by email; the answer is the same whether the address has a login."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.password_reset_request(email=form.cleaned_data["email"], request=request)
        except RateLimited as exc:
            response = render(request, "accounts/forgot_password.html", {"form": form, "limited": str(exc)},
                              status=429)
            response["Retry-After"] = str(int(recovery.RESET_WINDOW.total_seconds()))
            return response
        return redirect("accounts:forgot_password_sent")
    return render(request, "accounts/forgot_password.html", {"form": form, "days": recovery.link_days()})


@require_GET
def forgot_password_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/forgot_password_sent.html", {"days": recovery.link_days()})


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """A patient moves their login to a new address; the link to confirm goes to the current one."""
    user = signed_in_user(request)
    if user.role != Role.PATIENT:
        messages.info(request, "Staff email addresses are changed by the clinic admin.")
        return redirect("accounts:account")
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = recovery.email_change_request(user=user, new_email=form.cleaned_data["new_email"],
                                                   request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except (OSError, smtplib.SMTPException):
            form.add_error(None, "The confirmation email could not be sent just now. Please try again later.")
        else:
            messages.success(request, f"We sent a link to {change.old_email}. Open it to confirm the new address.")
            return redirect("accounts:account")
    return render(request, "accounts/email_change.html", {"form": form, "days": recovery.link_days()})


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a change of email from the link sent to the old address (GET shows a button, POST applies)."""
    if request.method == "POST":
        change = recovery.email_change_confirm(raw_token=token, request=request)
        if change is not None:
            return render(request, "accounts/email_confirmed.html", {"change": change})
        return render(request, "accounts/email_confirmed.html", {"change": None}, status=410)
    return render(request, "accounts/email_confirm.html", {"token": token})
