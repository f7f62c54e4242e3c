"""Site-wide views and serving settings: health check, favicon, compression, gunicorn sizing."""

from __future__ import annotations

import datetime
import gzip
import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fracturecare import gunicorn_conf
from fracturecare.scheduling.models import Appointment, MessageStatus, OutboxMessage
from tests.factories import PatientFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory


@pytest.mark.django_db
def test_healthz_answers_ok_without_the_database(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n" and response["Content-Type"].startswith("text/plain")
    assert "Set-Cookie" not in response.headers
    assert client.post("/healthz").status_code == 405


def test_favicon_ico_redirects_to_the_static_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert re.fullmatch(r"/static/favicon\.(\w+\.)?ico", response["Location"])
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_link_the_svg_icon_with_the_ico_fallback(client) -> None:
    html = client.get(reverse("public:home")).content.decode()
    # Plain names in tests, hashed ones (favicon.3f2a9c1b.svg) under the production settings.
    assert re.search(r'rel="icon" href="/static/favicon\.(\w+\.)?svg" type="image/svg\+xml"', html)
    assert re.search(r'rel="icon" href="/static/favicon\.(\w+\.)?ico"', html)


@pytest.mark.django_db
def test_html_is_compressed_when_the_client_accepts_gzip(client) -> None:
    plain = client.get(reverse("public:condition", args=["stress-fracture"]))
    packed = client.get(reverse("public:condition", args=["stress-fracture"]), headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).startswith(b"<!doctype html>")
    assert len(packed.content) < len(plain.content) / 3


def test_gunicorn_uses_threads_and_a_timeout_sized_to_the_machine(monkeypatch) -> None:
    monkeypatch.setenv("FRACTURECARE_WEB_THREADS", "6")
    conf = importlib.reload(gunicorn_conf)
    try:
        assert conf.worker_class == "gthread" and conf.threads == 6
        assert conf.workers >= 2 and 0 < conf.timeout <= 60
        # The access log never carries a query string (search terms, names).
        assert "%(U)s" in conf.access_log_format and "%(r)s" not in conf.access_log_format
        assert "%(q)s" not in conf.access_log_format and "%(f)s" not in conf.access_log_format
        monkeypatch.setenv("FRACTURECARE_WEB_THREADS", "many")
        with pytest.raises(SystemExit, match="FRACTURECARE_WEB_THREADS"):
            importlib.reload(gunicorn_conf)
    finally:
        monkeypatch.delenv("FRACTURECARE_WEB_THREADS")
        importlib.reload(gunicorn_conf)


def _failures(appointment: Appointment, count: int) -> None:
    OutboxMessage.objects.bulk_create(
        OutboxMessage(kind="reminder", appointment=appointment, patient=appointment.patient,
                      to_email="p@example.invalid", status=MessageStatus.FAILED, send_after=appointment.start,
                      last_error="550 no such user")
        for _ in range(count)
    )


@pytest.mark.django_db
def test_the_failed_email_page_runs_the_same_queries_for_10_or_100_failures(client, login) -> None:
    login("front_desk")
    start = timezone.now() + datetime.timedelta(days=2)
    appointment = Appointment.objects.create(
        practitioner=PractitionerFactory(), patient=PatientFactory(), appointment_type=AppointmentTypeFactory(),
        location=LocationFactory(), start=start, end=start + datetime.timedelta(minutes=30), reason="review",
        source="front_desk")

    def queries() -> tuple[int, object]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("scheduling:outbox"))
        assert response.status_code == 200
        return len(captured), response

    _failures(appointment, 10)
    small, response = queries()
    assert len(response.context["problems"]) == 10
    _failures(appointment, 90)
    large, response = queries()
    assert large == small
    assert len(response.context["problems"]) == 50 and response.context["page"].paginator.count == 100
    assert "Page 1 of 2" in response.content.decode()
