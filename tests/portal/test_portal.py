"""The patient portal at /me/: a patient sees their own record and nothing else."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from fracturecare.accounts.models import Role, User
from fracturecare.audit.models import AuditEvent
from fracturecare.planning.services import plan_sign
from fracturecare.scheduling.links import appointment_id_from_token
from fracturecare.scheduling.models import Appointment, BookingSource
from fracturecare.scheduling.services import appointment_book, appointment_cancel
from tests.factories import PASSWORD, PatientFactory, UserFactory
from tests.outcomes.factories import OutcomeAssessmentFactory
from tests.planning.factories import make_plan
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = pytest.mark.django_db
NY = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=NY)
ME = "/me/"


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.CLINIC_TIME_ZONE = settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(NOW, tick=False):
        yield


def portal_patient(first="Ann"):
    """A patient record with its own portal login."""
    user = UserFactory(role=Role.PATIENT, first_name=first)
    return PatientFactory(first_name=first, user=user)


@pytest.fixture
def ann():
    return portal_patient("Ann")


@pytest.fixture
def bob():
    return portal_patient("Bob")


@pytest.fixture
def practitioner(db):
    kind = AppointmentTypeFactory()
    practitioner = PractitionerFactory(appointment_types=[kind])
    open_every_day(practitioner, LocationFactory())
    return practitioner


def book(practitioner, patient, day_offset, hour=10):
    day = NOW.date() + datetime.timedelta(days=day_offset)
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=NY)
    return appointment_book(
        appointment_type=practitioner.appointment_types.get(), practitioner=practitioner, start=start,
        reason="Shin pain", patient=patient, source=BookingSource.FRONT_DESK,
        now=NOW - datetime.timedelta(days=30),
    )


def signed_plan(patient, case="C01"):
    plan = make_plan(case, patient=patient)
    plan_sign(plan=plan, actor=plan.created_by)
    return plan


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- who gets in -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ann):
    response = client.get(ME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN])
def test_staff_are_sent_to_the_clinic(client, login, ann, role):
    login(role)
    assert client.get(ME)["Location"] == "/clinic/"
    plan = signed_plan(ann)
    response = client.get(reverse("portal:handout", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"] == "/clinic/"


def test_a_patient_signs_in_to_their_own_page(client, ann):
    response = client.post(reverse("accounts:login"), {"username": ann.user.username, "password": PASSWORD})
    assert response["Location"] == ME
    assert "Hello Ann" in client.get(ME).content.decode()


def test_a_patient_login_without_a_record_sees_a_note_not_an_error(client, login):
    login(Role.PATIENT)
    response = client.get(ME)
    assert response.status_code == 200 and "not linked" in response.content.decode()
    assert AuditEvent.objects.get(action="portal.viewed").data == {"linked": False}


def test_a_patient_may_not_open_clinic_pages(client, ann, bob):
    client.force_login(ann.user)
    assert client.get(reverse("patients:detail", args=[bob.pk])).status_code == 403
    assert client.get(reverse("portal:invite", args=[ann.pk])).status_code == 403


# --- what they see -----------------------------------------------------------------------------


def test_upcoming_appointments_with_change_and_cancel_links(client, ann, bob, practitioner):
    past = book(practitioner, ann, -2)
    soon = book(practitioner, ann, 1)
    later = book(practitioner, ann, 8, hour=14)
    cancelled = book(practitioner, ann, 3)
    appointment_cancel(appointment=cancelled, now=NOW)
    book(practitioner, bob, 2)
    client.force_login(ann.user)
    response = client.get(ME)
    shown = [a for a, _ in response.context["appointments"]]
    assert shown == [soon, later]
    assert past not in shown and cancelled not in shown
    html = response.content.decode()
    for appointment, token in response.context["appointments"]:
        assert appointment_id_from_token(token) == appointment.pk
        assert reverse("scheduling:manage_reschedule", args=[token]) in html
        assert reverse("scheduling:manage_cancel", args=[token]) in html
    assert html.count("Change the time") == 2


def test_signed_plans_offer_the_handout_and_unsigned_ones_do_not(client, ann):
    signed = signed_plan(ann)
    draft = make_plan("C01", patient=ann)
    client.force_login(ann.user)
    response = client.get(ME)
    assert [s.plan for s in response.context["plans"]] == [signed]
    html = response.content.decode()
    assert reverse("portal:handout", args=[signed.pk]) in html
    assert reverse("portal:handout", args=[draft.pk]) not in html


def test_the_handout_pdf_is_the_handouts_renderer_on_the_signed_plan(client, ann):
    plan = signed_plan(ann)
    client.force_login(ann.user)
    response = client.get(reverse("portal:handout", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    assert "Ann" in _pdf_text(response)
    event = AuditEvent.objects.get(action="portal.handout_downloaded")
    assert event.actor == ann.user and event.patient == ann and event.data == {"version": 1}


def test_the_outcome_chart_and_scores_show_without_entries_made_in_error(client, ann, bob):
    recorder = UserFactory(role=Role.CLINICIAN)
    OutcomeAssessmentFactory(patient=ann, recorded_by=recorder, assessed_on=datetime.date(2026, 2, 1), pain_nrs=7)
    OutcomeAssessmentFactory(patient=ann, recorded_by=recorder, assessed_on=datetime.date(2026, 2, 20), pain_nrs=3)
    OutcomeAssessmentFactory(patient=ann, recorded_by=recorder, assessed_on=datetime.date(2026, 2, 25), pain_nrs=9,
                             voided_at=NOW, voided_by=recorder, void_reason="wrong patient")
    OutcomeAssessmentFactory(patient=bob, recorded_by=recorder, assessed_on=datetime.date(2026, 2, 2), pain_nrs=1)
    client.force_login(ann.user)
    response = client.get(ME)
    assert [a.pain_nrs for a in response.context["outcomes"]] == [7, 3]
    html = response.content.decode()
    assert "<svg" in html and "1 Feb 2026" in html and "25 Feb 2026" not in html and "2 Feb 2026" not in html


def test_a_new_patient_sees_empty_sections_with_next_steps(client, ann):
    client.force_login(ann.user)
    html = client.get(ME).content.decode()
    assert "no upcoming appointments" in html and "has not signed a care plan" in html
    assert "No scores recorded yet" in html and "<svg" not in html
    assert "does not diagnose" in html


# --- patient A never sees patient B ------------------------------------------------------------


def test_patient_a_never_sees_patient_bs_record(client, ann, bob, practitioner):
    bobs_plan = signed_plan(bob)
    book(practitioner, bob, 1)
    OutcomeAssessmentFactory(patient=bob, recorded_by=bobs_plan.created_by, assessed_on=datetime.date(2026, 3, 1))
    client.force_login(ann.user)
    html = client.get(ME).content.decode()
    assert bob.first_name not in html and bob.last_name not in html
    assert reverse("portal:handout", args=[bobs_plan.pk]) not in html

    response = client.get(reverse("portal:handout", args=[bobs_plan.pk]))
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action="portal.handout_refused")
    assert refused.actor == ann.user and refused.patient == ann and refused.data == {"plan": bobs_plan.pk}
    assert not AuditEvent.objects.filter(action="portal.handout_downloaded").exists()


@pytest.mark.parametrize("plan_id", ["own_unsigned", "missing"])
def test_unsigned_or_missing_plans_are_404(client, ann, plan_id):
    draft = make_plan("C01", patient=ann)
    client.force_login(ann.user)
    pk = draft.pk if plan_id == "own_unsigned" else draft.pk + 1000
    assert client.get(reverse("portal:handout", args=[pk])).status_code == 404


def test_an_unlinked_patient_login_gets_404_for_any_plan(client, login, bob):
    plan = signed_plan(bob)
    login(Role.PATIENT)
    assert client.get(reverse("portal:handout", args=[plan.pk])).status_code == 404


def test_every_portal_page_view_is_audited_against_the_patient(client, ann):
    signed_plan(ann)
    client.force_login(ann.user)
    client.get(ME)
    client.get(ME)
    events = AuditEvent.objects.filter(action="portal.viewed")
    assert events.count() == 2
    assert all(e.actor == ann.user and e.patient == ann for e in events)


def test_the_page_does_not_grow_with_the_record(client, ann, practitioner):
    client.force_login(ann.user)
    recorder = UserFactory(role=Role.CLINICIAN)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ME).status_code == 200
        return len(ctx.captured_queries)

    signed_plan(ann)
    book(practitioner, ann, 1)
    OutcomeAssessmentFactory(patient=ann, recorded_by=recorder)
    small = count()
    for day in range(2, 12):
        signed_plan(ann)
        book(practitioner, ann, day)
        OutcomeAssessmentFactory(patient=ann, recorded_by=recorder, assessed_on=datetime.date(2026, 1, day))
    assert count() == small


# --- inviting a patient --------------------------------------------------------------------------


def _link_path(body: str) -> str:
    line = next(word for word in body.split() if "/accounts/set-password/" in word)
    return line[line.index("/accounts/"):]


def test_the_front_desk_invites_a_patient_who_sets_a_password_and_signs_in(client, login, settings):
    settings.CLINIC = {**settings.CLINIC, "name": "Springfield Clinic", "base_url": "https://clinic.example.test"}
    login(Role.FRONT_DESK)
    patient = PatientFactory(first_name="Cara", email="cara@example.test")
    page = client.get(reverse("portal:invite", args=[patient.pk]))
    assert page.status_code == 200 and 'value="cara@example.test"' in page.content.decode()

    response = client.post(reverse("portal:invite", args=[patient.pk]), {"email": "Cara@Example.test"}, follow=True)
    assert "made a portal login for" in response.content.decode()
    patient.refresh_from_db()
    user = patient.user
    assert user.role == Role.PATIENT and user.username == "cara@example.test" and not user.has_usable_password()
    assert AuditEvent.objects.filter(action="portal.invited", patient=patient, data__new_login=True).exists()

    (message,) = mail.outbox
    assert message.to == ["cara@example.test"]
    assert "https://clinic.example.test/accounts/set-password/" in message.body
    # No health information in an email: nothing about the injury or the plan.
    assert "fracture" not in message.body.lower() and "stress" not in message.body.lower()
    assert "plan" not in message.subject.lower()

    client.logout()
    path = _link_path(message.body)
    form_page = client.get(path, follow=True)
    assert "Choose your password" in form_page.content.decode()
    new_password = "lantern-orchard-velvet-42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == reverse("accounts:set_password_done")
    assert AuditEvent.objects.filter(action="account.password_set", actor=user).exists()
    # The link works once.
    assert "no longer works" in client.get(path, follow=True).content.decode()

    signed_in = client.post(reverse("accounts:login"), {"username": "cara@example.test", "password": new_password})
    assert signed_in["Location"] == ME
    assert "Hello Cara" in client.get(ME).content.decode()


def test_inviting_again_reuses_the_login_and_sends_a_fresh_link(client, login, ann):
    login(Role.CLINICIAN)
    users = User.objects.count()
    # Same address, other case: a fresh link to the login's own mailbox (a new address is
    # refused for a working login: tests/accounts/test_takeover.py).
    client.post(reverse("portal:invite", args=[ann.pk]), {"email": ann.user.email.upper()})
    assert User.objects.count() == users
    ann.user.refresh_from_db()
    assert mail.outbox[0].to == [ann.user.email]
    assert len(mail.outbox) == 1 and "/accounts/set-password/" in mail.outbox[0].body


def test_a_taken_username_is_refused_on_the_field_and_nothing_is_written(client, login):
    login(Role.FRONT_DESK)
    UserFactory(username="taken")
    patient = PatientFactory()
    response = client.post(reverse("portal:invite", args=[patient.pk]), {"email": "x@example.test",
                                                                         "username": "TAKEN"})
    assert response.status_code == 200 and response.context["form"].errors["username"]
    patient.refresh_from_db()
    assert patient.user is None and not mail.outbox


def test_a_bad_email_is_refused_on_the_field(client, login):
    login(Role.FRONT_DESK)
    patient = PatientFactory()
    response = client.post(reverse("portal:invite", args=[patient.pk]), {"email": "not-an-address"})
    assert response.context["form"].errors["email"]
    assert not User.objects.filter(role=Role.PATIENT).exists()


def test_a_record_linked_to_a_staff_login_is_not_turned_into_a_portal(client, login):
    login(Role.FRONT_DESK)
    staff = UserFactory(role=Role.CLINICIAN)
    patient = PatientFactory(user=staff)
    response = client.post(reverse("portal:invite", args=[patient.pk]), {"email": "x@example.test"})
    assert response.context["form"].errors["username"]
    staff.refresh_from_db()
    assert staff.role == Role.CLINICIAN and not mail.outbox


def test_a_mail_failure_is_reported_and_the_login_kept(client, login, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    login(Role.FRONT_DESK)
    patient = PatientFactory()
    response = client.post(reverse("portal:invite", args=[patient.pk]), {"email": "y@example.test"}, follow=True)
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    patient.refresh_from_db()
    assert patient.user is not None


def test_the_command_prints_a_link(ann):
    out = io.StringIO()
    patient = PatientFactory(email="dee@example.test")
    call_command("invite_patient", str(patient.pk), stdout=out)
    assert "Created login 'dee@example.test'" in out.getvalue() and "/accounts/set-password/" in out.getvalue()
    event = AuditEvent.objects.get(action="portal.invited", patient=patient)
    assert event.actor is None and event.actor_label == "command line: invite_patient"


def test_the_demo_links_a_portal_login(db):
    from fracturecare.portal import demo

    out = io.StringIO()
    patient = PatientFactory(first_name="Maya", last_name="Lopez")

    class Out:
        def write(self, text):
            out.write(text + "\n")

    demo.load(Out())
    demo.load(Out())
    patient.refresh_from_db()
    assert patient.user.username == demo.USERNAME and patient.user.role == Role.PATIENT
    assert patient.user.check_password(demo.PASSWORD)
    assert Appointment.objects.count() == 0


def test_a_patient_downloads_their_own_record_as_fhir(client, ann, bob):
    patient, user = ann, ann.user
    signed_plan(patient)
    signed_plan(bob)
    client.force_login(user)
    response = client.get(reverse("portal:record_fhir"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    patients = [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["identifier"][0]["value"] for p in patients] == [str(patient.pk)]  # only their own
    assert any(e["resource"]["resourceType"] == "CarePlan" for e in data["entry"])
    event = AuditEvent.objects.get(action="patient.fhir_exported")
    assert event.actor == user and event.patient == patient
