"""A session ends a working day after sign-in, however active; and on idleness (test_login.py)."""

import time

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.accounts.signals import AUTH_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_busy_session_still_ends_after_the_working_day(client, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    client.force_login(UserFactory(role=Role.CLINICIAN))
    assert client.get(reverse("patients:list")).status_code == 200
    session = client.session
    # Signed in nine hours ago, active a moment ago: the idle rule would let it live.
    session[AUTH_AT] = int(time.time()) - 9 * 3600
    session["last_seen"] = int(time.time()) - 5
    session.save()

    response = client.get(reverse("patients:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("accounts:login")).content.decode()
    assert "8-hour limit" in page


def test_within_the_day_the_session_lives_on(client, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    client.force_login(UserFactory(role=Role.CLINICIAN))
    session = client.session
    session[AUTH_AT] = int(time.time()) - 7 * 3600
    session.save()
    assert client.get(reverse("patients:list")).status_code == 200


def test_a_session_without_a_sign_in_time_is_ended(client):
    client.force_login(UserFactory(role=Role.CLINICIAN))
    session = client.session
    del session[AUTH_AT]
    session.save()
    assert client.get(reverse("patients:list")).status_code == 302


def test_the_cookie_lives_no_longer_than_the_session(settings):
    from fracturecare import settings as project_settings

    assert project_settings.SESSION_COOKIE_AGE == project_settings.SESSION_ABSOLUTE_SECONDS <= 24 * 3600
