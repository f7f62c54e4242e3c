import time

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_a_login_page_with_labelled_fields(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert "signed out after a period without activity" not in html


def test_it_signs_a_clinician_in_to_the_workspace(client):
    user = UserFactory(role=Role.CLINICIAN)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/clinic/"


def test_it_rejects_a_wrong_password_with_a_message(client):
    user = UserFactory(role=Role.CLINICIAN)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_signs_out_on_post(client, login):
    login(Role.CLINICIAN)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "You are signed out." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("patients:list")).status_code == 302


def test_it_logs_out_an_idle_session_and_says_why(client, login, settings):
    settings.IDLE_LOGOUT_SECONDS = 60
    login(Role.CLINICIAN)
    assert client.get(reverse("patients:list")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 61
    session.save()

    response = client.get(reverse("patients:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out after a period without activity" in page
    # The notice shows once.
    again = client.get(reverse("accounts:login")).content.decode()
    assert "signed out after a period without activity" not in again


def test_it_keeps_an_active_session(client, login, settings):
    settings.IDLE_LOGOUT_SECONDS = 60
    login(Role.CLINICIAN)
    client.get(reverse("patients:list"))
    session = client.session
    session["last_seen"] = int(time.time()) - 30
    session.save()
    assert client.get(reverse("patients:list")).status_code == 200
