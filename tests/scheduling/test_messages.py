"""Every message kind: an HTML part beside the text, a Message-ID on the clinic's domain, no
health detail in any subject; and the waiting list's offer, claimed first come first served."""

import pytest
import time_machine
from django.core import mail

from fracturecare.audit.models import AuditEvent
from fracturecare.scheduling.links import offer_token
from fracturecare.scheduling.message_texts import SUBJECTS, render_message
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentStatus,
    MessageChannel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    WaitlistEntry,
    WaitlistOffer,
)
from fracturecare.scheduling.outbox import outbox_send_due
from fracturecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    waitlist_add,
)
from tests.factories import PatientFactory
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 6, 1, 8)
HEALTH_WORDS = ("pain", "shin", "fracture", "consultation", "injury", "needl", "acupunct", "x-ray")


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _every_kind(clinic):
    """One appointment through its life (confirmation, change, reminder, cancellation) and a waitlist offer."""
    waiting = PatientFactory(first_name="Wes", email="wes@example.test")
    waitlist_add(
        patient=waiting, appointment_type=clinic.kind, practitioner=None, weekdays=[], earliest=None, latest=None
    )
    with time_machine.travel(NOW, tick=False):
        appointment = appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 3, 10),
            details=details(),
            reason="Sharp shin pain, suspected stress fracture",
        )
        outbox_send_due()  # the confirmation
        appointment = appointment_move(appointment=appointment, start=ny(2026, 6, 3, 11))
    with time_machine.travel(ny(2026, 6, 2, 11, 30), tick=False):
        outbox_send_due()  # change, reminder
        appointment_cancel(appointment=appointment)
        outbox_send_due()  # cancellation, waitlist offer
    return appointment


def test_every_kind_has_html_a_clinic_message_id_and_a_subject_without_health_detail(clinic):
    _every_kind(clinic)
    sent = OutboxMessage.objects.filter(channel=MessageChannel.EMAIL, status=MessageStatus.SENT)
    kinds = set(sent.values_list("kind", flat=True))
    assert kinds == set(MessageKind.values)  # the loop below covers every kind
    assert len(mail.outbox) == sent.count()
    for message in mail.outbox:
        subject = message.subject.lower()
        assert not any(word in subject for word in HEALTH_WORDS), message.subject
        html = dict((mime, body) for body, mime in message.alternatives)["text/html"]
        assert "<html" in html and "Springfield Clinic" in html
        assert not any(word in html.lower() for word in ("shin", "fracture", "suspected"))
        message_id = message.extra_headers["Message-ID"]
        assert message_id.startswith("<outbox-") and message_id.endswith("@clinic.example.test>")
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("kind", MessageKind.values)
def test_subject_templates_name_only_the_time(kind):
    rendered = render_message(
        kind, "sms", {"when": "Monday 1 June 2026 at 9:00 AM (EDT)", "clinic": {"name": "C"}, "location": None}
    )
    assert rendered.subject == SUBJECTS[kind].format(when="Monday 1 June 2026 at 9:00 AM (EDT)")
    assert "STOP" in rendered.text


def test_a_freed_time_is_offered_and_the_first_claim_gets_it(clinic, client):
    first = PatientFactory(first_name="Ola", email="ola@example.test")
    second = PatientFactory(first_name="Pia", email="pia@example.test")
    wrong_day = PatientFactory(first_name="Quin", email="quin@example.test")
    for patient, weekdays in ((first, []), (second, [2]), (wrong_day, [4])):  # 3 June 2026 is a Wednesday
        waitlist_add(
            patient=patient,
            appointment_type=clinic.kind,
            practitioner=None,
            weekdays=weekdays,
            earliest=None,
            latest=None,
        )
    with time_machine.travel(NOW, tick=False):
        appointment = appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 3, 10),
            details=details(),
            reason="x",
        )
        appointment_cancel(appointment=appointment)
    offers = WaitlistOffer.objects.order_by("id")
    assert [o.entry.patient for o in offers] == [first, second]  # Quin wants Fridays
    offer_mail = OutboxMessage.objects.filter(kind=MessageKind.WAITLIST_OFFER)
    assert {m.patient for m in offer_mail} == {first, second}
    with time_machine.travel(ny(2026, 6, 1, 9), tick=False):
        outbox_send_due()
        link = f"/book/waitlist/{offer_token(offers[1])}/"
        assert any(link in m.body for m in mail.outbox)
        assert b"Claim this time" in client.get(link).content
        # Opening the offer reads the patient's waiting-list entry.
        assert AuditEvent.objects.filter(action="waitlist.viewed", patient=second, actor_label="waitlist link").exists()
        response = client.post(link)
        assert response.status_code == 302 and "/book/manage/" in response["Location"]
        # The other patient is too late.
        late = client.post(f"/book/waitlist/{offer_token(offers[0])}/", follow=True)
    assert b"already been taken" in late.content
    booked = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert booked.patient == second and booked.start == ny(2026, 6, 3, 10) and booked.source == "waitlist"
    assert WaitlistEntry.objects.get(patient=second).state == WaitlistEntry.State.BOOKED
    assert WaitlistEntry.objects.get(patient=first).state == WaitlistEntry.State.WAITING
    assert set(WaitlistOffer.objects.values_list("state", flat=True)) == {"claimed", "gone"}
    assert AuditEvent.objects.filter(action="waitlist.claimed", patient=second).count() == 1
    assert client.get("/book/waitlist/forged/").status_code == 404
