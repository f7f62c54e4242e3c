"""Signed addenda: another clinician's note on a signed visit, under their own name, never changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.charting import services
from fracturecare.charting.models import Addendum, Amendment, SignedRecordError, Visit
from fracturecare.charting.timeline import timeline_entries
from tests.charting.factories import VisitFactory, signed_visit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_another_clinician_signs_an_addendum_under_their_own_name():
    visit = signed_visit()
    colleague = UserFactory(role=Role.CLINICIAN, first_name="Ada", last_name="Reviewer")
    addendum = services.visit_addendum_add(visit=visit, author=colleague, text="  Reviewed: agree with the plan. ")
    assert addendum.author == colleague and addendum.visit == visit and addendum.signed_at is not None
    assert addendum.text == "Reviewed: agree with the plan."
    assert addendum.seal == services.addendum_hash(addendum) and len(addendum.seal) == 64
    event = AuditEvent.objects.get(action="visit.addendum_added")
    assert event.patient_id == visit.patient_id and event.data == {"visit_id": visit.pk}
    # The visit itself is untouched and still verifies.
    assert services.visit_hash(visit) == Visit.objects.get(pk=visit.pk).signed_sha256


def test_the_seal_breaks_when_the_text_or_the_author_differs():
    visit = signed_visit()
    addendum = services.visit_addendum_add(visit=visit, author=UserFactory(role=Role.CLINICIAN), text="Seen today.")
    addendum.text = "Seen yesterday."
    assert services.addendum_hash(addendum) != addendum.seal
    addendum.text, addendum.author = "Seen today.", UserFactory(role=Role.CLINICIAN)
    assert services.addendum_hash(addendum) != addendum.seal


def test_an_addendum_cannot_be_changed_or_deleted_through_the_model():
    addendum = services.visit_addendum_add(visit=signed_visit(), author=UserFactory(role=Role.CLINICIAN), text="x")
    addendum.text = "rewritten"
    with pytest.raises(SignedRecordError):
        addendum.save()
    with pytest.raises(SignedRecordError):
        addendum.delete()
    assert Addendum.objects.get().text == "x"


def test_the_author_amends_and_does_not_add_addenda():
    visit = signed_visit()
    with pytest.raises(PermissionDenied, match="amendment"):
        services.visit_addendum_add(visit=visit, author=visit.clinician, text="My own note.")
    assert not Addendum.objects.exists()


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.FRONT_DESK, Role.PATIENT])
def test_only_clinicians_add_addenda(role):
    with pytest.raises(PermissionDenied, match="Only a clinician"):
        services.visit_addendum_add(visit=signed_visit(), author=UserFactory(role=role), text="Note.")
    assert not Addendum.objects.exists() and not AuditEvent.objects.filter(action="visit.addendum_added").exists()


def test_a_draft_takes_no_addendum_and_empty_text_is_refused():
    colleague = UserFactory(role=Role.CLINICIAN)
    with pytest.raises(ValidationError, match="not signed yet"):
        services.visit_addendum_add(visit=VisitFactory(), author=colleague, text="Note.")
    with pytest.raises(ValidationError) as refused:
        services.visit_addendum_add(visit=signed_visit(), author=colleague, text="   ")
    assert "text" in refused.value.message_dict
    assert not Addendum.objects.exists()


def test_the_patient_timeline_shows_the_addendum_with_its_author():
    visit = signed_visit()
    colleague = UserFactory(role=Role.CLINICIAN, first_name="Ada", last_name="Reviewer")
    services.visit_addendum_add(visit=visit, author=colleague, text="Reviewed.")
    entries = timeline_entries(patient=visit.patient)
    titles = {e.title: e for e in entries}
    entry = titles[f"Addendum to the visit of {visit.visit_date:%Y-%m-%d}"]
    assert entry.detail == "Signed by Ada Reviewer"
    assert "1 addendum" in titles["Treatment visit (signed)"].detail


# The pages.

def _detail(client, visit):
    return client.get(reverse("charting:visit_detail", args=[visit.pk]))


def test_another_clinician_sees_add_addendum_and_signs_one(client, login):
    visit = signed_visit()
    colleague = login(Role.CLINICIAN)
    page = _detail(client, visit)
    assert b"Add addendum" in page.content and b"Add amendment" not in page.content
    url = reverse("charting:visit_addendum", args=[visit.pk])
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 200 and b"This field is required." in empty.content
    assert not Addendum.objects.exists()
    done = client.post(url, {"text": "Reviewed at the follow-up: healing as expected."}, follow=True)
    assert b"Addendum signed and added." in done.content
    assert b"Reviewed at the follow-up: healing as expected." in done.content
    assert Addendum.objects.get().author == colleague
    # A clinician who did not chart the visit adds addenda, not amendments.
    assert client.post(reverse("charting:visit_amend", args=[visit.pk]), {"text": "x"}).status_code == 403
    assert not Amendment.objects.exists()


def test_the_author_keeps_amend_and_cannot_post_an_addendum(client):
    visit = signed_visit()
    client.force_login(visit.clinician)
    page = _detail(client, visit)
    assert b"Add amendment" in page.content and b"Add addendum" not in page.content
    response = client.post(reverse("charting:visit_addendum", args=[visit.pk]), {"text": "Mine."})
    assert response.status_code == 403 and not Addendum.objects.exists()


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.FRONT_DESK, Role.PATIENT])
def test_non_clinicians_are_refused(client, login, role):
    visit = signed_visit()
    login(role)
    response = client.post(reverse("charting:visit_addendum", args=[visit.pk]), {"text": "Note."})
    assert response.status_code == 403 and not Addendum.objects.exists()


def test_an_unsigned_visit_is_refused_with_a_message(client, login):
    visit = VisitFactory()
    login(Role.CLINICIAN)
    response = client.post(reverse("charting:visit_addendum", args=[visit.pk]), {"text": "Note."}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert b"an addendum can only be added to a signed visit" in response.content
    assert not Addendum.objects.exists()


def test_the_page_checks_each_addendum_seal(client, login, monkeypatch):
    visit = signed_visit()
    services.visit_addendum_add(visit=visit, author=UserFactory(role=Role.CLINICIAN), text="Reviewed.")
    login(Role.CLINICIAN)
    assert b"this addendum differs from what was signed" not in _detail(client, visit).content
    # What the page shows when the stored addendum no longer matches its seal.
    monkeypatch.setattr(services, "addendum_hash", lambda addendum: "0" * 64)
    assert b"this addendum differs from what was signed" in _detail(client, visit).content
