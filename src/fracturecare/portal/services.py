"""Inviting a patient to the portal: a login with the patient role, linked to their record."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fracturecare.accounts.models import Role, User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.models import Patient


@dataclass(frozen=True)
class Invitation:
    user: User
    created: bool  # False: the patient already had a login and gets a fresh link
    link: str  # absolute set-password URL; valid for settings.PASSWORD_RESET_TIMEOUT


def set_password_link(user: User) -> str:
    """An absolute link to choose a password (Django's password-reset token: one use, expiring)."""
    path = reverse("accounts:set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return settings.CLINIC["base_url"].rstrip("/") + path


@transaction.atomic
def portal_invite(
    *, patient: Patient, actor, email: str, username: str = "", request=None, actor_label: str = ""
) -> Invitation:
    """Create the patient's portal login (role patient, no usable password) or reuse it; return a set-password link.

    Raises ValidationError (field-keyed) for a username already taken or an invalid email.
    """
    patient = Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
    email = email.strip().lower()
    user = patient.user
    created = user is None
    if user is not None and user.role != Role.PATIENT:
        # A staff login must never become a window onto one record; link a separate login instead.
        raise ValidationError({"username": "This record is linked to a staff login; ask the clinic admin."})
    if created:
        username = (username or email).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "This username is taken; choose another."})
        user = User(username=username, email=email, first_name=patient.first_name, last_name=patient.last_name,
                    role=Role.PATIENT)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    else:
        user.email = email
        user.is_active = True
        user.full_clean()
        user.save(update_fields=["email", "is_active"])
    audit_record(actor=actor, actor_label=actor_label, action=AuditAction.PORTAL_INVITED, patient=patient, obj=user,
                 data={"user": user.pk, "new_login": created}, request=request)
    return Invitation(user=user, created=created, link=set_password_link(user))


def invitation_send(invitation: Invitation) -> None:
    """Email the link. No health information: the clinic's name, the username and the link.

    Raises what the mail backend raises (OSError, smtplib.SMTPException) for the caller to report.
    """
    context = {"clinic": settings.CLINIC, "user": invitation.user, "link": invitation.link,
               "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
    send_mail(
        subject=f"Your patient portal login at {settings.CLINIC['name']}",
        message=render_to_string("portal/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.user.email],
    )
