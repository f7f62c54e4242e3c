"""A session ends a working day after sign-in, however active; and on idleness (test_login.py)."""

import datetime
import importlib
import time

import pytest
import time_machine
from django.conf import settings as django_settings
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


def _count_session_saves(monkeypatch) -> list[int]:
    """Record every session save (a database write with the database session engine)."""
    store = importlib.import_module(django_settings.SESSION_ENGINE).SessionStore
    saves: list[int] = []
    original = store.save

    def counting_save(self, *args, **kwargs):
        saves.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(store, "save", counting_save)
    return saves


def test_activity_is_recorded_once_a_minute_not_on_every_request(client, settings, monkeypatch):
    settings.IDLE_LOGOUT_SECONDS = 15 * 60
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        client.force_login(UserFactory(role=Role.CLINICIAN))
        assert client.get(reverse("patients:list")).status_code == 200
        first_seen = client.session["last_seen"]
        saves = _count_session_saves(monkeypatch)

        traveller.shift(30)
        assert client.get(reverse("patients:list")).status_code == 200
        assert saves == [], "a request within a minute of the last record wrote the session"
        assert client.session["last_seen"] == first_seen

        traveller.shift(31)
        assert client.get(reverse("patients:list")).status_code == 200
        assert saves == [1]
        assert client.session["last_seen"] == first_seen + 61


def test_the_idle_logout_still_comes_with_the_throttled_record(client, settings):
    settings.IDLE_LOGOUT_SECONDS = 15 * 60
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        client.force_login(UserFactory(role=Role.CLINICIAN))
        assert client.get(reverse("patients:list")).status_code == 200
        # Active 59 s later (not recorded), then idle: the limit counts from the recorded activity.
        traveller.shift(59)
        assert client.get(reverse("patients:list")).status_code == 200
        traveller.shift(15 * 60 - 58)
        response = client.get(reverse("patients:list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert "_auth_user_id" not in client.session
