"""Patient stories: visible only when approved AND consented, enforced in code and in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.public import services
from fracturecare.public.models import PatientStory
from tests.factories import UserFactory
from tests.public.factories import PatientStoryFactory

pytestmark = pytest.mark.django_db


def test_only_approved_and_consented_stories_are_shown(client):
    PatientStoryFactory(display_name="Draft Dana")
    PatientStoryFactory(display_name="Consented Casey", consented=True)
    PatientStoryFactory(display_name="Published Pat", published=True)
    for url in ("/stories/", "/"):
        html = client.get(url).content.decode()
        assert "Published Pat" in html, url
        assert "Draft Dana" not in html, url
        assert "Consented Casey" not in html, url


def test_the_database_refuses_an_approved_story_without_consent():
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientStory.objects.create(display_name="A", headline="B", body="C", approved_at=timezone.now())


def test_a_raw_update_cannot_publish_without_consent():
    story = PatientStoryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientStory.objects.filter(pk=story.pk).update(approved_at=timezone.now())


def test_approving_without_consent_is_refused_by_the_service():
    story = PatientStoryFactory()
    with pytest.raises(ValidationError):
        services.story_approve(story=story, actor=UserFactory(role=Role.CLINIC_ADMIN))
    story.refresh_from_db()
    assert story.approved_at is None


def test_consent_then_approve_publishes_and_withdrawal_takes_it_down(client):
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    story = PatientStoryFactory(headline="My comeback")
    services.story_record_consent(story=story, actor=admin, note="signed form, 2 May")
    services.story_approve(story=story, actor=admin)
    assert "My comeback" in client.get("/stories/").content.decode()
    services.story_withdraw_consent(story=story, actor=admin)
    story.refresh_from_db()
    assert (story.approved_at, story.consent_recorded_at) == (None, None)
    assert "My comeback" not in client.get("/stories/").content.decode()
    actions = set(AuditEvent.objects.filter(object_id=str(story.pk)).values_list("action", flat=True))
    assert {"story.consent_recorded", "story.approved", "story.consent_withdrawn"} <= actions


def test_editing_the_words_takes_a_story_down_until_it_is_approved_again():
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    story = PatientStoryFactory(published=True)
    services.story_update(story=story, actor=admin, body="New words the patient has not seen approved.")
    story.refresh_from_db()
    assert story.approved_at is None and story.consent_recorded_at is not None


def test_staff_flow_through_the_pages(client, login):
    login(Role.FRONT_DESK)
    response = client.post(
        "/clinic/site/stories/new/",
        {"display_name": "Jo, rower", "headline": "Rib pain gone", "body": "Thanks!"},
    )
    story = PatientStory.objects.get()
    assert response.status_code == 302
    # Approving before consent: refused with a message, nothing changes.
    response = client.post(f"/clinic/site/stories/{story.pk}/approve/")
    assert response.status_code == 400
    assert "consent" in response.content.decode().lower()
    story.refresh_from_db()
    assert story.approved_at is None
    # Consent needs a note saying how it was given.
    response = client.post(f"/clinic/site/stories/{story.pk}/consent/", {"consent_note": ""})
    assert response.status_code == 400
    assert client.post(f"/clinic/site/stories/{story.pk}/consent/", {"consent_note": "signed"}).status_code == 302
    assert client.post(f"/clinic/site/stories/{story.pk}/approve/").status_code == 302
    assert "Rib pain gone" in client.get("/stories/").content.decode()
    assert client.post(f"/clinic/site/stories/{story.pk}/unpublish/").status_code == 302
    assert "Rib pain gone" not in client.get("/stories/").content.decode()


def test_story_form_errors_stay_on_the_fields(client, login):
    login(Role.CLINIC_ADMIN)
    response = client.post("/clinic/site/stories/new/", {"display_name": "", "headline": "x", "body": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"display_name", "body"}
    assert PatientStory.objects.count() == 0


def test_staff_reading_a_story_is_audited(client, login):
    user = login(Role.FRONT_DESK)
    story = PatientStoryFactory()
    assert client.get(f"/clinic/site/stories/{story.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="story.viewed", object_id=str(story.pk), actor=user).exists()
