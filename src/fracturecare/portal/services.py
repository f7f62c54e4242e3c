"""Inviting a patient to the portal: a login with the patient role, linked to their record."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string

from fracturecare.accounts.models import Role, User
from fracturecare.accounts.recovery import link_days, set_password_link
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import clinic_details
from fracturecare.patients.models import Patient


@dataclass(frozen=True)
class Invitation:
    user: User
    created: bool  # False: the patient already had a login and gets a fresh link
    link: str  # absolute set-password URL; valid for settings.PASSWORD_RESET_TIMEOUT
    previous_email: str = ""  # set when a clinic admin moved a working login to a new address


#: Why a staff member cannot type a new address into a login the patient already uses.
TAKEOVER_REFUSED = (
    "This portal login is in use with another email address. Only the patient (from their portal) "
    "or a clinic admin, giving a reason, can move it to a new address."
)


@transaction.atomic
def portal_invite(
    *, patient: Patient, actor: User | None, email: str, username: str = "", reason: str = "",
    request: HttpRequest | None = None, actor_label: str = ""
) -> Invitation:
    """Create the patient's portal login (role patient, no usable password) or reuse it; return a set-password link.

    A login the patient already uses (a password is set) keeps its email: sending its link to
    another address would hand the record to whoever reads that mailbox. Only a clinic admin
    may move it, with a `reason`; the event is audited and the caller tells the old address
    (`Invitation.previous_email`).

    Raises ValidationError (field-keyed) for a username already taken, an invalid email, or a
    refused change of address.
    """
    patient = Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
    email = email.strip().lower()
    user = patient.user
    created = user is None
    if user is not None and user.role != Role.PATIENT:
        # A staff login must never become a window onto one record; link a separate login instead.
        raise ValidationError({"username": "This record is linked to a staff login; ask the clinic admin."})
    if user is None:
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
    previous = ""
    if not created:
        moving = user.email.strip().lower() != email
        if moving and user.has_usable_password():
            if getattr(actor, "role", None) != Role.CLINIC_ADMIN:
                raise ValidationError({"email": TAKEOVER_REFUSED})
            if not reason.strip():
                raise ValidationError({"reason": "Say why the login moves to a new address (it is audited, "
                                                 "and the old address is told)."})
            previous = user.email
            audit_record(actor=actor, actor_label=actor_label, action=AuditAction.PORTAL_EMAIL_CHANGED, patient=patient,
                         obj=user, data={"user": user.pk, "by": "clinic admin", "reason": reason.strip()},
                         request=request)
        user.email = email
        user.is_active = True
        user.full_clean()
        user.save(update_fields=["email", "is_active"])
    audit_record(actor=actor, actor_label=actor_label, action=AuditAction.PORTAL_INVITED, patient=patient, obj=user,
                 data={"user": user.pk, "new_login": created}, request=request)
    return Invitation(user=user, created=created, link=set_password_link(user), previous_email=previous)


def invitation_send(invitation: Invitation) -> None:
    """Email the link. No health information: the clinic's name, the username and the link.

    Raises what the mail backend raises (OSError, smtplib.SMTPException) for the caller to report.
    """
    context = {"clinic": clinic_details(), "user": invitation.user, "link": invitation.link,
               "days": link_days()}
    send_mail(
        subject=f"Your patient portal login at {clinic_details()['name']}",
        message=render_to_string("portal/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.user.email],
    )


def email_moved_notice_send(*, user: User, old_email: str) -> None:
    """Tell the old address that the portal login now uses another one (no health information).

    Raises what the mail backend raises (OSError, smtplib.SMTPException) for the caller to report.
    """
    clinic = clinic_details()
    context = {"clinic": clinic, "user": user}
    send_mail(
        subject=f"Your patient portal email was changed at {clinic['name']}",
        message=render_to_string("portal/email/email_moved.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[old_email],
    )
