"""Reading patient records."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.http import Http404, HttpRequest

from fracturecare.accounts.models import User
from fracturecare.accounts.permissions import CLINICAL
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.models import Patient
from fracturecare.patients.timeline import TimelineEntry, build_timeline

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%d.%m.%Y")
_PHONE_CHARS = re.compile(r"^[\d\s()+.\-]+$")


def _parse_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search_filter(query: str) -> Q:
    """Translate the search box into a filter.

    A date (2001-05-17 or 05/17/2001) matches the date of birth; something that looks like
    a phone number (3+ digits) matches phone digits; anything else matches every word
    against first or last name.
    """
    query = query.strip()
    if not query:
        return Q()
    dob = _parse_date(query)
    if dob is not None:
        return Q(date_of_birth=dob)
    digits = re.sub(r"\D", "", query)
    if _PHONE_CHARS.match(query) and len(digits) >= 3:
        return Q(phone__contains=digits) | Q(phone__contains=query)
    condition = Q()
    for word in query.split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return condition


def patient_list(*, query: str = "") -> QuerySet[Patient]:
    """Patients matching the search box text, in name order."""
    # A NUL character cannot be part of a name, and PostgreSQL refuses it in a query: drop it.
    query = query.replace("\x00", "")
    found = Patient.objects.filter(patient_search_filter(query), merged_into__isnull=True).only(
        "id", "first_name", "last_name", "date_of_birth", "sex", "phone", "email"
    )
    if query.strip():
        # Sorted by the upper-cased names the search compares. Ordered by the plain name index,
        # PostgreSQL walks the whole alphabet to the first "Smith" instead of using the search's
        # trigram indexes (patients migration 0003) and sorting the few thousand matches.
        found = found.order_by(Upper("last_name"), Upper("first_name"), "id")
    return found


def patient_get(*, patient_id: int) -> Patient:
    """One patient by id (raises Patient.DoesNotExist)."""
    return Patient.objects.get(pk=patient_id)


def patient_or_404(*, patient_id: int) -> Patient:
    """One patient by id, or Http404."""
    try:
        return patient_get(patient_id=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None


def can_see_clinical(user: User | AnonymousUser) -> bool:
    """Clinicians and clinic admins see clinical content; front desk sees demographics only."""
    return getattr(user, "role", None) in CLINICAL


def patient_record(*, patient: Patient, user: User, request: HttpRequest | None = None) -> list[TimelineEntry]:
    """The patient's timeline as `user` may see it; the read is audited."""
    clinical = can_see_clinical(user)
    entries = build_timeline(patient=patient, include_clinical=clinical)
    audit_record(
        actor=user,
        action=AuditAction.PATIENT_VIEWED,
        patient=patient,
        obj=patient,
        data={"clinical": clinical, "entries": len(entries)},
        request=request,
    )
    return entries


def patient_age(patient: Patient, *, on: datetime.date) -> int:
    """Whole years of age on the given day."""
    dob = patient.date_of_birth
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
