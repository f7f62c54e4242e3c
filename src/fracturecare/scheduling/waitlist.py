"""Offering freed time to the waiting list.

When a visit is cancelled, the time goes to the waitlisted patients who fit it (same visit
type, that practitioner or anyone, their days and times), in the order they joined: the first
WAITLIST_FANOUT of them get an offer with a claim link, and the first to claim books it
(services.waitlist_claim). Offers expire when the visit would start, or after OFFER_LIFETIME.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.scheduling.clock import to_local
from fracturecare.scheduling.models import Appointment, MessageKind, WaitlistEntry, WaitlistOffer
from fracturecare.scheduling.queueing import queue_for_patient

#: How many waiting patients hear about one freed time at once.
WAITLIST_FANOUT = 3
OFFER_LIFETIME = datetime.timedelta(hours=24)
#: Candidates read per freed time; the preferences are checked in Python.
_CANDIDATES = 200


def waitlist_candidates(appointment: Appointment) -> list[WaitlistEntry]:
    """Waiting entries that fit the appointment's time, oldest first."""
    local_start = to_local(appointment.start)
    rows = (
        WaitlistEntry.objects.filter(state=WaitlistEntry.State.WAITING, appointment_type=appointment.appointment_type)
        .filter(Q(practitioner__isnull=True) | Q(practitioner_id=appointment.practitioner_id))
        .exclude(patient_id=appointment.patient_id)
        .select_related("patient")
        .order_by("created_at", "id")[:_CANDIDATES]
    )
    return [entry for entry in rows if entry.fits(local_start, appointment.practitioner_id)]


def waitlist_offer_freed(appointment: Appointment, *, now: datetime.datetime, request=None) -> list[WaitlistOffer]:
    """Offer the cancelled appointment's time to the next patients who fit. Call inside the cancel."""
    if appointment.start <= now:
        return []
    offers = []
    for entry in waitlist_candidates(appointment)[:WAITLIST_FANOUT]:
        offer = WaitlistOffer.objects.create(
            entry=entry,
            practitioner_id=appointment.practitioner_id,
            start=appointment.start,
            freed_by=appointment,
            expires_at=min(appointment.start, now + OFFER_LIFETIME),
        )
        queue_for_patient(MessageKind.WAITLIST_OFFER, entry.patient, now, offer=offer)
        audit_record(
            actor=None,
            actor_label="waitlist",
            action=AuditAction.WAITLIST_OFFERED,
            patient=entry.patient,
            obj=offer,
            data={"start": appointment.start.isoformat(), "practitioner": appointment.practitioner_id},
            request=request,
        )
        offers.append(offer)
    return offers
