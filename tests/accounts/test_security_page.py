"""/clinic/security/: a constant number of queries however many staff and lockouts there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fracturecare.accounts.models import Role
from tests.accounts.factories import totp_device
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _lock(client, username: str, address: str, times: int) -> None:
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def _queries(client, admin) -> int:
    client.force_login(admin)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("security:home")).status_code == 200
    client.logout()
    return len(ctx.captured_queries)


def test_the_page_does_not_grow_with_staff_or_lockouts(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    UserFactory(role=Role.CLINICIAN)
    _lock(client, "someone", "192.0.2.1", 2)
    few = _queries(client, admin)

    for i in range(6):
        totp_device(UserFactory(role=Role.FRONT_DESK))
        _lock(client, f"someone{i}", f"192.0.2.{i + 10}", 2)
    many = _queries(client, admin)
    assert many == few
    client.force_login(admin)
    html = client.get(reverse("security:home")).content.decode()
    assert html.count("<td>on</td>") == 6 and "someone5" in html
