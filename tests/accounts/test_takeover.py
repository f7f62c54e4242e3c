"""Nobody but the patient (or a clinic admin, with a reason) moves a working portal login to a new email.

Also: set-password links work once and expire; manage-booking links stop after the visit.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fracturecare.accounts.models import EmailChangeRequest, Role
from fracturecare.accounts.recovery import set_password_link
from fracturecare.audit.models import AuditEvent
from fracturecare.portal.services import TAKEOVER_REFUSED
from fracturecare.scheduling.links import manage_path
from fracturecare.scheduling.services import appointment_book
from tests.factories import PASSWORD, PatientFactory, UserFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    """A patient who uses her portal login (a password is set)."""
    user = UserFactory(role=Role.PATIENT, first_name="Ann", email="ann@example.test")
    return PatientFactory(first_name="Ann", user=user)


def _invite(client, patient, **data):
    return client.post(reverse("portal:invite", args=[patient.pk]), data)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN])
def test_staff_cannot_send_a_working_login_to_a_new_address(client, ann, role):
    staff = UserFactory(role=role)
    client.force_login(staff)
    response = _invite(client, ann, email="attacker@example.test")
    assert response.status_code == 200
    assert TAKEOVER_REFUSED in response.context["form"].errors["email"]
    ann.user.refresh_from_db()
    assert ann.user.email == "ann@example.test"
    assert not mail.outbox
    assert AuditEvent.objects.filter(action="portal.email_change_refused", actor=staff, patient=ann).exists()


def test_a_clinic_admin_needs_a_reason_to_move_it(client, ann):
    client.force_login(UserFactory(role=Role.CLINIC_ADMIN))
    response = _invite(client, ann, email="ann.new@example.test", reason="  ")
    assert response.context["form"].errors["reason"]
    ann.user.refresh_from_db()
    assert ann.user.email == "ann@example.test" and not mail.outbox


def test_a_clinic_admin_moves_it_with_a_reason_and_the_old_address_is_told(client, ann):
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    client.force_login(admin)
    response = _invite(client, ann, email="ann.new@example.test", reason="lost her old mailbox; ID checked")
    assert response.status_code == 302
    ann.user.refresh_from_db()
    assert ann.user.email == "ann.new@example.test"
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    assert recipients == [("ann.new@example.test",), ("ann@example.test",)]
    notice = next(m for m in mail.outbox if m.to == ["ann@example.test"])
    assert "was changed by the clinic" in notice.body and "/accounts/" not in notice.body
    event = AuditEvent.objects.get(action="portal.email_changed")
    assert event.actor == admin and event.data["reason"] == "lost her old mailbox; ID checked"


def test_staff_may_correct_the_address_of_a_login_never_used(client):
    user = UserFactory(role=Role.PATIENT, email="typo@exmaple.test")
    user.set_unusable_password()
    user.save()
    patient = PatientFactory(user=user)
    client.force_login(UserFactory(role=Role.FRONT_DESK))
    assert _invite(client, patient, email="right@example.test").status_code == 302
    user.refresh_from_db()
    assert user.email == "right@example.test" and mail.outbox[0].to == ["right@example.test"]


def test_the_patient_moves_their_login_confirmed_from_the_old_address(client, ann):
    client.force_login(ann.user)
    response = client.post(reverse("accounts:email_change"), {"new_email": "ann.new@example.test"})
    assert response.status_code == 302
    ann.user.refresh_from_db()
    assert ann.user.email == "ann@example.test"  # nothing moves before the old address confirms
    assert mail.outbox[0].to == ["ann@example.test"]
    link = re.search(r"https?://\S+/accounts/email/confirm/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()

    assert client.get(f"/{path}").status_code == 200  # a mail scanner's GET changes nothing
    ann.user.refresh_from_db()
    assert ann.user.email == "ann@example.test"
    done = client.post(f"/{path}")
    assert done.status_code == 200
    ann.user.refresh_from_db()
    assert ann.user.email == "ann.new@example.test"
    assert AuditEvent.objects.filter(action="portal.email_changed", data__by="patient").exists()
    # Used once.
    assert client.post(f"/{path}").status_code == 410


def test_an_email_change_link_expires(client, ann, settings):
    client.force_login(ann.user)
    client.post(reverse("accounts:email_change"), {"new_email": "ann.new@example.test"})
    path = re.search(r"/accounts/email/confirm/\S+/", mail.outbox[0].body).group(0)
    later = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        assert client.post(path).status_code == 410
    ann.user.refresh_from_db()
    assert ann.user.email == "ann@example.test"
    assert EmailChangeRequest.objects.get().used_at is None


def test_an_address_another_login_uses_is_refused(client, ann):
    UserFactory(email="taken@example.test")
    client.force_login(ann.user)
    response = client.post(reverse("accounts:email_change"), {"new_email": "TAKEN@example.test"})
    assert response.status_code == 200 and response.context["form"].errors["new_email"]
    assert not mail.outbox


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_a_set_password_link_works_once(client, ann):
    path = _path(set_password_link(ann.user))
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    url = form_page.redirect_chain[-1][0]
    client.post(url, {"new_password1": "quiet river lantern", "new_password2": "quiet river lantern"})
    ann.user.refresh_from_db()
    assert ann.user.check_password("quiet river lantern")
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    assert "This link no longer works" in again.content.decode()


def test_a_set_password_link_expires(client, ann, settings):
    path = _path(set_password_link(ann.user))
    later = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        assert not client.get(path, follow=True).context["validlink"]
    assert ann.user.check_password(PASSWORD)


def test_a_manage_booking_link_stops_working_after_the_visit(client):
    kind = AppointmentTypeFactory()
    practitioner = PractitionerFactory(appointment_types=[kind])
    open_every_day(practitioner, LocationFactory())
    day = timezone.localdate() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    appointment = appointment_book(appointment_type=kind, practitioner=practitioner, start=start,
                                   reason="Shin pain", patient=PatientFactory())
    path = manage_path(appointment)
    assert client.get(path).status_code == 200
    with time_machine.travel(appointment.end + datetime.timedelta(minutes=1)):
        assert client.get(path).status_code == 404
