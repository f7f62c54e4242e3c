"""The front desk's inbox under /clinic/inbox/."""

from __future__ import annotations

import pytest

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from tests.public.factories import ContactMessageFactory

pytestmark = pytest.mark.django_db


def test_opening_a_message_marks_it_read_and_is_audited(client, login):
    user = login(Role.FRONT_DESK)
    msg = ContactMessageFactory(message="My shin hurts when I run.")
    response = client.get(f"/clinic/inbox/{msg.pk}/")
    assert response.status_code == 200
    assert "My shin hurts when I run." in response.content.decode()
    msg.refresh_from_db()
    assert msg.read_by == user and msg.read_at is not None
    assert AuditEvent.objects.filter(action="contact.viewed", object_id=str(msg.pk), actor=user).exists()


def test_mark_unread_and_read_again(client, login):
    login(Role.CLINIC_ADMIN)
    msg = ContactMessageFactory()
    client.get(f"/clinic/inbox/{msg.pk}/")
    response = client.post(f"/clinic/inbox/{msg.pk}/mark/", {"read": "0"})
    assert response.status_code == 302
    msg.refresh_from_db()
    assert msg.read_at is None and msg.read_by is None
    client.post(f"/clinic/inbox/{msg.pk}/mark/", {"read": "1"})
    msg.refresh_from_db()
    assert msg.read_at is not None


def test_unread_filter_lists_only_unread(client, login):
    login(Role.FRONT_DESK)
    ContactMessageFactory(name="Already Read", read_at="2026-01-01T10:00:00Z")
    ContactMessageFactory(name="Still New")
    html = client.get("/clinic/inbox/?show=unread").content.decode()
    assert "Still New" in html and "Already Read" not in html
    html = client.get("/clinic/inbox/").content.decode()
    assert "Still New" in html and "Already Read" in html


def test_marking_needs_post(client, login):
    login(Role.FRONT_DESK)
    msg = ContactMessageFactory()
    assert client.get(f"/clinic/inbox/{msg.pk}/mark/").status_code == 405


def test_page_two_of_the_unread_filter_stays_filtered(client, login, monkeypatch):
    monkeypatch.setattr("fracturecare.public.staff_views.INBOX_PER_PAGE", 2)
    login(Role.FRONT_DESK)
    ContactMessageFactory.create_batch(5)
    ContactMessageFactory(name="Already Read", read_at="2026-01-01T10:00:00Z")
    response = client.get("/clinic/inbox/?show=unread&page=2")
    html = response.content.decode()
    assert response.context["page"].number == 2 and "Already Read" not in html
    assert 'href="?show=unread&amp;page=1" rel="prev"' in html
    assert 'href="?show=unread&amp;page=3" rel="next"' in html
