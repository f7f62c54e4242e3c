"""Getting back into an account: set-password links, "forgot password", and a patient's change of email.

Set-password links use Django's password-reset token: it is bound to the password hash, the
last sign-in and the email, so it stops working once used (or once the email changes), and it
expires after settings.PASSWORD_RESET_TIMEOUT.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fracturecare.accounts.models import EmailChangeRequest, PasswordResetRequest, Role, User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.ratelimit import RateLimited, client_key_for

logger = logging.getLogger(__name__)

#: "Forgot password" requests allowed per hour for one address, and from one client.
RESET_LIMIT_PER_EMAIL = 3
RESET_LIMIT_PER_CLIENT = 10
RESET_WINDOW = datetime.timedelta(hours=1)
RESET_RATE_LIMITED = "Too many requests in the last hour. Please wait an hour, or call the clinic."


def _absolute(path: str) -> str:
    return str(settings.CLINIC["base_url"]).rstrip("/") + path


def _send(*, template: str, subject: str, context: dict[str, object], to: str, request: HttpRequest | None) -> None:
    """Mail `template` rendered with the clinic's current details.

    With a request, the clinic context processor supplies them (the clinic's profile, edited in its
    settings, which this lower layer cannot import); without one, the deployment's defaults.
    `subject` has a `{clinic}` slot, filled with the same current name.
    """
    if request is None:
        context = {"clinic": settings.CLINIC, **context}
    body = render_to_string(template, context, request=request)
    clinic_name = str(render_to_string("accounts/email/clinic_name.txt", context, request=request)).strip()
    send_mail(subject=subject.format(clinic=clinic_name), message=body,
              from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])


def set_password_link(user: User) -> str:
    """An absolute link to choose a password (Django's password-reset token: one use, expiring)."""
    return _absolute(reverse("accounts:set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }))


def link_days() -> int:
    """How many days a set-password link works, for the emails' wording."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def _email_key(email: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), email.encode(), hashlib.sha256).hexdigest()


def password_reset_request(*, email: str, request: HttpRequest | None = None) -> None:
    """Email a set-password link to the portal login with this address, if there is one.

    The caller shows the same answer either way, so the form does not reveal who has a login.
    Only patients' logins are served: staff ask their clinic admin, who can also reset their
    second factor. Raises RateLimited past the per-address or per-client allowance.
    """
    email = email.strip().lower()
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    client_key = client_key_for(ip)
    email_key = _email_key(email)
    since = timezone.now() - RESET_WINDOW
    with transaction.atomic():
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        if recent.filter(email_key=email_key).count() >= RESET_LIMIT_PER_EMAIL or (
            client_key and recent.filter(client_key=client_key).count() >= RESET_LIMIT_PER_CLIENT
        ):
            audit_record(action=AuditAction.ACCOUNT_PASSWORD_RESET_LIMITED, actor_label="forgot-password form",
                         data={}, request=request)
            raise RateLimited(RESET_RATE_LIMITED)
        PasswordResetRequest.objects.create(email_key=email_key, client_key=client_key)
        users = list(User.objects.filter(email__iexact=email, role=Role.PATIENT, is_active=True))
        audit_record(action=AuditAction.ACCOUNT_PASSWORD_RESET_REQUESTED, actor_label="forgot-password form",
                     data={"users": [u.pk for u in users]}, request=request)
    for user in users:
        context = {"user": user, "link": set_password_link(user), "days": link_days()}
        try:
            _send(template="accounts/email/password_reset.txt", subject="Choose a new password for {clinic}",
                  context=context, to=user.email, request=request)
        except (OSError, smtplib.SMTPException) as exc:
            # The answer must not differ for a known address, so the failure goes to the log only.
            logger.warning("password reset email failed for user %s: %s", user.pk, exc)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def email_change_request(*, user: User, new_email: str, request: HttpRequest | None = None) -> EmailChangeRequest:
    """Start moving a patient's login to `new_email`: a confirmation link goes to the current address.

    Raises ValidationError (keyed "new_email") for the same address, an address another login
    uses, or a login with no current address (then the clinic must do it).
    """
    new_email = new_email.strip().lower()
    if not user.email:
        raise ValidationError({"new_email": "Your login has no email address yet; please ask the clinic."})
    if new_email == user.email.lower():
        raise ValidationError({"new_email": "This is already your email address."})
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError({"new_email": "Another login uses this address; please ask the clinic."})
    raw = secrets.token_urlsafe(32)
    change = EmailChangeRequest(
        user=user, old_email=user.email, new_email=new_email, token_hash=_token_hash(raw),
        expires_at=timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )
    change.full_clean()
    change.save()
    audit_record(actor=user, action=AuditAction.ACCOUNT_EMAIL_CHANGE_REQUESTED, obj=user,
                 data={"user": user.pk, "request": change.pk}, request=request)
    link = _absolute(reverse("accounts:email_confirm", kwargs={"token": raw}))
    context = {"user": user, "link": link, "new_email": new_email, "days": link_days()}
    # Inside the transaction: if the mail cannot go, no request is left waiting for a link nobody has.
    _send(template="accounts/email/email_change_confirm.txt", subject="Confirm your new email address at {clinic}",
          context=context, to=user.email, request=request)
    return change


@transaction.atomic
def email_change_confirm(*, raw_token: str, request: HttpRequest | None = None) -> EmailChangeRequest | None:
    """Apply a pending change from its link; None when the link is unknown, used, expired or stale."""
    change = (EmailChangeRequest.objects.select_for_update().select_related("user")
              .filter(token_hash=_token_hash(raw_token)).first())
    if change is None or change.used_at is not None or change.expires_at <= timezone.now():
        return None
    user = change.user
    if user.email.lower() != change.old_email.lower():
        return None  # the address changed another way since; this link is stale
    change.used_at = timezone.now()
    change.save(update_fields=["used_at"])
    user.email = change.new_email
    user.full_clean()
    user.save(update_fields=["email"])
    # Any other pending change for this login is void now.
    EmailChangeRequest.objects.filter(user=user, used_at__isnull=True).exclude(pk=change.pk).update(
        used_at=change.used_at)
    audit_record(actor=user, action=AuditAction.PORTAL_EMAIL_CHANGED, obj=user,
                 data={"user": user.pk, "by": "patient", "request": change.pk}, request=request)
    return change
