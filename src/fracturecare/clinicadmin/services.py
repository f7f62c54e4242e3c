"""Writes for /clinic/settings/: every save and delete is audited in the same transaction.

Changes take effect at once: the booking pages read these rows on every request (no cache).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fracturecare.accounts.models import Role, User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import absolute_url, clinic_details
from fracturecare.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    ClinicClosure,
    Location,
    Practitioner,
)

#: The audit action for each kind of settings row and what happened to it.
_ACTIONS: dict[tuple[type[models.Model], str], AuditAction] = {
    (Location, "created"): AuditAction.CLINIC_LOCATION_CREATED,
    (Location, "updated"): AuditAction.CLINIC_LOCATION_UPDATED,
    (Practitioner, "created"): AuditAction.CLINIC_PRACTITIONER_CREATED,
    (Practitioner, "updated"): AuditAction.CLINIC_PRACTITIONER_UPDATED,
    (AvailabilityRule, "created"): AuditAction.CLINIC_SHIFT_CREATED,
    (AvailabilityRule, "updated"): AuditAction.CLINIC_SHIFT_UPDATED,
    (AvailabilityRule, "deleted"): AuditAction.CLINIC_SHIFT_DELETED,
    (AvailabilityException, "created"): AuditAction.CLINIC_TIME_OFF_CREATED,
    (AvailabilityException, "updated"): AuditAction.CLINIC_TIME_OFF_UPDATED,
    (AvailabilityException, "deleted"): AuditAction.CLINIC_TIME_OFF_DELETED,
    (ClinicClosure, "created"): AuditAction.CLINIC_HOLIDAY_CREATED,
    (ClinicClosure, "updated"): AuditAction.CLINIC_HOLIDAY_UPDATED,
    (ClinicClosure, "deleted"): AuditAction.CLINIC_HOLIDAY_DELETED,
    (AppointmentType, "created"): AuditAction.CLINIC_VISIT_TYPE_CREATED,
    (AppointmentType, "updated"): AuditAction.CLINIC_VISIT_TYPE_UPDATED,
}


def _action(obj: models.Model, verb: str) -> AuditAction:
    """The action for saving or deleting `obj`; a model without one is refused (KeyError), never logged vaguely."""
    return _ACTIONS[(type(obj), verb)]


@transaction.atomic
def settings_save(*, form: ModelForm, actor: User, request: HttpRequest | None = None) -> models.Model:
    """Save a validated settings form (with its many-to-many fields) and audit what changed."""
    verb = "updated" if form.instance.pk else "created"
    obj = form.save()
    action = _action(obj, verb)
    audit_record(actor=actor, action=action, obj=obj, request=request, data={"fields": sorted(form.changed_data)})
    return obj


@transaction.atomic
def settings_delete(*, obj: models.Model, actor: User, request: HttpRequest | None = None) -> None:
    """Delete a shift, a day off or a clinic holiday, and audit it (the row's id stays in the log)."""
    verb = "deleted"
    action = _action(obj, verb)
    audit_record(actor=actor, action=action, obj=obj, request=request, data={"what": str(obj)[:200]})
    obj.delete()


def set_password_link(user: User) -> str:
    """An absolute link to choose a password: single use (it dies once a password is set) and expiring
    (settings.PASSWORD_RESET_TIMEOUT), the same mechanism as the patient portal's invitations."""
    path = reverse("accounts:set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return absolute_url(path)


@dataclass(frozen=True)
class StaffInvitation:
    user: User
    link: str
    emailed: bool
    error: str = ""


def staff_invite(*, data: dict, actor: User, request: HttpRequest | None = None) -> StaffInvitation:
    """Create a staff login with no usable password and email it a link to choose one.

    The login is created (and audited) even if the mail server fails; the admin is then shown the
    link to pass on, and can send a fresh one from the staff page.
    """
    with transaction.atomic():
        user = User(username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
                    email=data["email"], role=data["role"])
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(actor=actor, action=AuditAction.CLINIC_STAFF_INVITED, obj=user, request=request,
                     data={"user": user.pk, "role": user.role})
    return staff_send_link(user=user, actor=actor, request=request, audit=False)


def staff_send_link(
    *, user: User, actor: User, request: HttpRequest | None = None, audit: bool = True
) -> StaffInvitation:
    """Email `user` a fresh single-use link to choose a password."""
    link = set_password_link(user)
    clinic = clinic_details()
    body = (
        f"Hello {user.first_name or user.username},\n\n"
        f"{clinic['name']} has made you a staff login (username: {user.username}).\n\n"
        f"Choose your password here (the link works once and expires in a few days):\n{link}\n\n"
        f"Then sign in at {absolute_url(reverse('accounts:login'))}\n\n"
        f"If you did not expect this email, please call {clinic['phone']}.\n\n{clinic['name']}\n"
    )
    if audit:
        audit_record(actor=actor, action=AuditAction.CLINIC_STAFF_LINK_SENT, obj=user, request=request,
                     data={"user": user.pk})
    try:
        send_mail(subject=f"Your staff login at {clinic['name']}", message=body,
                  from_email=None, recipient_list=[user.email])
    except OSError as exc:  # smtplib errors are OSErrors
        return StaffInvitation(user=user, link=link, emailed=False, error=str(exc)[:200])
    return StaffInvitation(user=user, link=link, emailed=True)


@transaction.atomic
def staff_update(*, form: ModelForm, actor: User, request: HttpRequest | None = None) -> User:
    """Save a staff login's name, role and active flag. A deactivated clinician (or one
    who is no longer a clinician) stops being bookable."""
    user: User = form.save()
    if not user.is_active or user.role != Role.CLINICIAN:
        Practitioner.objects.filter(user=user, active=True).update(active=False)
    audit_record(actor=actor, action=AuditAction.CLINIC_STAFF_UPDATED, obj=user, request=request,
                 data={"user": user.pk, "fields": sorted(form.changed_data), "role": user.role,
                       "active": user.is_active})
    return user
