"""First run: the one-time set-up link names the clinic and creates the first clinic admin."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from fracturecare.accounts.models import Role, User
from fracturecare.audit.models import AuditEvent
from fracturecare.clinic.models import ClinicProfile, SetupToken
from fracturecare.clinic.services import SETUP_TOKEN_LIFETIME, clinic_needs_setup, setup_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Riverside Bone Clinic",
    "address": "12 River Road, Springfield",
    "phone": "+1 555 010 0123",
    "sms": "+1 555 010 0124",
    "email": "desk@riverside.example.test",
    "time_zone": "America/Chicago",
    "admin_first_name": "Robin",
    "admin_last_name": "Diaz",
    "admin_email": "robin@riverside.example.test",
    "admin_username": "robin",
    "admin_password": "a-long-and-unusual-passphrase",
    "admin_password_again": "a-long-and-unusual-passphrase",
}


def test_serve_prints_a_link_on_an_empty_database_only():
    out = io.StringIO()
    call_command("setup_link", stdout=out)
    assert "/setup/" in out.getvalue()
    assert SetupToken.objects.count() == 1
    # Only a hash is stored: the secret in the link is not in the table.
    secret = out.getvalue().split("/setup/")[1].split("/")[0]
    assert not SetupToken.objects.filter(token_hash=secret).exists()

    UserFactory(role=Role.CLINIC_ADMIN)
    ClinicProfile.objects.create(pk=1, name="X", phone="+1 555 010 0100", email="x@example.test",
                                 time_zone="America/New_York")
    again = io.StringIO()
    call_command("setup_link", stdout=again)
    assert again.getvalue() == ""
    assert not clinic_needs_setup()


def test_a_new_link_replaces_an_unused_one(client):
    first = setup_token_create()
    second = setup_token_create()
    assert client.get(f"/setup/{first}/").status_code == 404
    assert client.get(f"/setup/{second}/").status_code == 200


def test_the_page_offers_the_environment_defaults(client, settings):
    settings.CLINIC = {**settings.CLINIC, "name": "Env Name Clinic"}
    token = setup_token_create()
    html = client.get(f"/setup/{token}/").content.decode()
    assert 'value="Env Name Clinic"' in html


def test_setting_up_names_the_clinic_and_creates_the_admin(client):
    token = setup_token_create()
    response = client.post(f"/setup/{token}/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/clinic/settings/"
    profile = ClinicProfile.objects.get()
    assert (profile.name, profile.time_zone, profile.sms) == ("Riverside Bone Clinic", "America/Chicago",
                                                              "+1 555 010 0124")
    admin = User.objects.get(username="robin")
    assert admin.role == Role.CLINIC_ADMIN and admin.check_password(GOOD["admin_password"])
    assert AuditEvent.objects.filter(action="clinic.setup_completed", actor=admin).exists()
    # Signed in, and the public pages show the new name at once.
    assert client.get("/clinic/settings/").status_code == 200
    assert "Riverside Bone Clinic" in client.get("/").content.decode()


def test_the_cancellation_window_setting_is_only_the_first_run_default(client, settings):
    settings.BOOKING_CANCELLATION_WINDOW_HOURS = 36
    token = setup_token_create()
    assert client.post(f"/setup/{token}/", GOOD).status_code == 302
    assert ClinicProfile.objects.get().cancellation_window_hours == 36
    # Once set up, the clinic's booking policy rules; the environment no longer counts.
    settings.BOOKING_CANCELLATION_WINDOW_HOURS = 2
    assert ClinicProfile.objects.get().cancellation_window_hours == 36


def test_the_link_works_once(client):
    token = setup_token_create()
    assert client.post(f"/setup/{token}/", GOOD).status_code == 302
    client.logout()
    assert client.get(f"/setup/{token}/").status_code == 404
    again = client.post(f"/setup/{token}/", {**GOOD, "admin_username": "mallory"})
    assert again.status_code == 404
    assert not User.objects.filter(username="mallory").exists()


def test_an_expired_link_is_404(client):
    token = setup_token_create()
    with time_machine.travel(timezone.now() + SETUP_TOKEN_LIFETIME + datetime.timedelta(minutes=1)):
        assert client.get(f"/setup/{token}/").status_code == 404
        assert client.post(f"/setup/{token}/", GOOD).status_code == 404
    assert not ClinicProfile.objects.exists()


@pytest.mark.parametrize("path", ["/setup/", "/setup/wrong-token/", "/setup/" + "x" * 200 + "/"])
def test_a_wrong_or_missing_token_is_404(client, path):
    setup_token_create()
    response = client.get(path)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("phone", "call us"),
        ("email", "not-an-email"),
        ("name", ""),
        ("admin_password_again", "something-else-entirely"),
        ("admin_password", "short"),
        ("admin_username", "has space"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, field, value):
    token = setup_token_create()
    data = {**GOOD, field: value}
    if field == "admin_password":
        data["admin_password_again"] = value
    response = client.post(f"/setup/{token}/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ClinicProfile.objects.exists()
    assert not User.objects.filter(username=GOOD["admin_username"]).exists()
    # The link still works after a mistake.
    assert SetupToken.objects.get().used_at is None


def test_the_demo_fills_the_clinic_profile(settings):
    settings.CLINIC = {**settings.CLINIC, "name": "Demo From Env"}
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    profile = ClinicProfile.objects.get()
    assert profile.name == "Demo From Env"
    assert not clinic_needs_setup()
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    assert ClinicProfile.objects.count() == 1
