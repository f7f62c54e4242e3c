"""Public endpoints around messages: the calendar file behind "Add to calendar", the claim
link of a waiting-list offer, and Twilio's inbound-text webhook (STOP).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.scheduling.links import appointment_id_from_token, manage_token, offer_id_from_token
from fracturecare.scheduling.models import Appointment, WaitlistOffer
from fracturecare.scheduling.notifications import appointment_ics
from fracturecare.scheduling.queueing import text_inbound
from fracturecare.scheduling.services import SlotUnavailable, waitlist_claim
from fracturecare.scheduling.sms.twilio_adapter import valid_twilio_signature


def manage_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The booking's .ics (METHOD:CANCEL once cancelled), for "Add to calendar" on the manage page."""
    pk = appointment_id_from_token(token)
    if pk is None:
        raise Http404("This link is not valid or has expired.")
    appointment = get_object_or_404(Appointment.objects.select_related("location"), pk=pk)
    # Whoever holds the link reads the patient's appointment, as on the manage page.
    audit_record(
        actor=request.user, actor_label="" if request.user.is_authenticated else "booking link",
        action=AuditAction.APPOINTMENT_VIEWED, patient=appointment.patient, obj=appointment,
        data={"page": "manage_ics"}, request=request,
    )
    response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    response["Cache-Control"] = "no-store"
    return response


def _offer_from_token(token: str) -> WaitlistOffer:
    pk = offer_id_from_token(token)
    if pk is None:
        raise Http404("This link is not valid or has expired.")
    return get_object_or_404(
        WaitlistOffer.objects.select_related("practitioner__user", "freed_by__location", "entry__patient"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def waitlist_claim_view(request: HttpRequest, token: str) -> HttpResponse:
    """A waitlisted patient claims an offered time; the first claim books it."""
    offer = _offer_from_token(token)
    if request.method == "POST":
        try:
            appointment = waitlist_claim(offer=offer, request=request)
        except SlotUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("scheduling:waitlist_claim", token=token)
        messages.success(request, "The time is yours. We have sent you the details.")
        return redirect("scheduling:manage", token=manage_token(appointment))
    is_open = offer.state == WaitlistOffer.State.OPEN and offer.expires_at > timezone.now()
    # The offer names the patient's visit type and preferred times: opening it is a read of their waitlist entry.
    audit_record(actor_label="waitlist link", action=AuditAction.WAITLIST_VIEWED, patient=offer.entry.patient,
                 obj=offer, data={"page": "waitlist_claim"}, request=request)
    return render(request, "scheduling/waitlist_claim.html", {"offer": offer, "is_open": is_open})


@csrf_exempt  # Twilio cannot send a CSRF token; the request signature authenticates it instead.
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """Twilio's webhook for texts to the clinic's number: STOP opts the sender out.

    Only with the Twilio adapter configured; the X-Twilio-Signature must validate against the
    auth token and the public URL (FRACTURECARE_BASE_URL), or the answer is 403.
    """
    if settings.SMS_BACKEND != "twilio":
        raise Http404("Texts are not sent through Twilio here.")
    url = settings.CLINIC["base_url"].rstrip("/") + request.path
    params = {key: request.POST.get(key, "") for key in request.POST}
    if not valid_twilio_signature(
        auth_token=settings.TWILIO_AUTH_TOKEN,
        url=url,
        params=params,
        signature=request.headers.get("X-Twilio-Signature", ""),
    ):
        return HttpResponseForbidden("bad signature")
    text_inbound(phone=params.get("From", ""), body=params.get("Body", ""), source="twilio", request=request)
    # An empty TwiML answer: Twilio itself confirms STOP to the sender.
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml")
