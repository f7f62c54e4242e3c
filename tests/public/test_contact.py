"""The public contact form: validation, honeypot, rate limit, and delivery to the inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.public.models import ContactMessage
from fracturecare.public.services import CONTACT_LIMIT_PER_HOUR

pytestmark = pytest.mark.django_db

URL = "/contact/"
GOOD = {
    "name": "Ana Lima",
    "email": "ana@example.test",
    "phone": "",
    "message": "Can I book for a foot injury?",
}


def test_it_shows_call_and_text_links_and_the_form(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="tel:+15550100199"' in html
    assert 'href="sms:+15550100199"' in html
    assert '<label for="id_message">' in html
    assert "911" in html


def test_a_valid_message_lands_in_the_inbox_unread(client, login):
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("public:contact_sent")
    msg = ContactMessage.objects.get()
    assert (msg.name, msg.email, msg.read_at) == ("Ana Lima", "ana@example.test", None)
    assert AuditEvent.objects.filter(action="contact.received", object_id=str(msg.pk)).exists()

    login(Role.FRONT_DESK)
    inbox = client.get("/clinic/inbox/")
    assert inbox.status_code == 200
    assert "Ana Lima" in inbox.content.decode()
    assert "1 unread" in inbox.content.decode()


def test_a_phone_number_alone_is_enough(client):
    response = client.post(URL, {**GOOD, "email": "", "phone": "+1 (555) 010-2233"})
    assert response.status_code == 302
    assert ContactMessage.objects.get().phone == "+1 (555) 010-2233"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**GOOD, "email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        ({**GOOD, "email": "not-an-email"}, "email", "Enter a valid email address"),
        ({**GOOD, "email": "", "phone": "call me"}, "phone", "Enter a phone number"),
        ({**GOOD, "name": ""}, "name", "This field is required"),
        ({**GOOD, "message": "   "}, "message", "This field is required"),
        ({**GOOD, "message": "x" * 3001}, "message", "at most 3000 characters"),
    ],
)
def test_bad_input_re_renders_with_the_error_on_the_field_and_saves_nothing(client, data, field, message):
    response = client.post(URL, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert ContactMessage.objects.count() == 0


def test_the_values_typed_are_kept_when_the_form_comes_back(client):
    response = client.post(URL, {**GOOD, "email": "bad"})
    assert 'value="Ana Lima"' in response.content.decode()


def test_a_filled_honeypot_looks_like_success_but_saves_nothing(client):
    response = client.post(URL, {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 0


def test_one_sender_is_limited_per_hour_and_told_to_call(client):
    for _ in range(CONTACT_LIMIT_PER_HOUR):
        assert client.post(URL, GOOD).status_code == 302
    response = client.post(URL, GOOD)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "call or text" in response.content.decode()
    assert ContactMessage.objects.count() == CONTACT_LIMIT_PER_HOUR
    # Another address is not affected.
    assert client.post(URL, GOOD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_the_raw_ip_address_is_not_stored(client):
    client.post(URL, GOOD, REMOTE_ADDR="198.51.100.7")
    msg = ContactMessage.objects.get()
    assert "198.51.100.7" not in msg.client_key
    assert len(msg.client_key) == 64


def test_the_database_refuses_a_message_with_no_way_to_reply():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactMessage.objects.create(name="x", message="y", email="", phone="")


def test_the_limit_lifts_after_an_hour(client):
    import datetime

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(CONTACT_LIMIT_PER_HOUR):
            client.post(URL, GOOD)
        assert client.post(URL, GOOD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert client.post(URL, GOOD).status_code == 302
