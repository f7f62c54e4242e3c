"""The clinic home at /clinic/: each role's first screen of the day."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.dashboard import selectors
from fracturecare.dashboard.views import home
from fracturecare.evaluations.models import Evaluation
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.services import assessment_create, assessment_void, progress_flags_refresh
from fracturecare.patients.models import Patient
from fracturecare.planning.models import Plan, PlanEdit
from fracturecare.planning.services import open_plans_refresh, plan_change, plan_change_withdraw, plan_sign
from fracturecare.scheduling.models import Appointment, BookingSource
from fracturecare.scheduling.services import appointment_book, appointment_cancel
from tests.factories import PatientFactory, UserFactory
from tests.planning.factories import make_plan
from tests.public.factories import ContactMessageFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = pytest.mark.django_db
NY = zoneinfo.ZoneInfo("America/New_York")
URL = "/clinic/"
# 8 a.m. on a Tuesday in the clinic's zone.
MORNING = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=NY)
TODAY = MORNING.date()


@pytest.fixture(autouse=True)
def _clinic_morning(settings):
    settings.CLINIC_TIME_ZONE = settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def kind(db):
    return AppointmentTypeFactory()


@pytest.fixture
def location(db):
    return LocationFactory()


def practitioner_for(user, kind, location):
    practitioner = PractitionerFactory(user=user, appointment_types=[kind])
    open_every_day(practitioner, location, start=datetime.time(8), end=datetime.time(23, 55))
    return practitioner


def book(practitioner, kind, hour, minute=0, *, day=TODAY, patient=None, intake=None, reason="Shin pain",
         source=BookingSource.ONLINE):
    start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=NY)
    return appointment_book(
        appointment_type=kind, practitioner=practitioner, start=start, reason=reason,
        patient=patient or PatientFactory(), intake=intake, source=source,
        now=MORNING - datetime.timedelta(days=1),
    )


def _clear_screen():
    return {"pain_area": "shin", "screen": {"numb_cold_or_colour_change": False, "pain_out_of_proportion": False}}


def test_clinic_keeps_its_url_name_and_is_the_dashboard():
    assert reverse("dashboard:home") == URL
    assert resolve(URL).func is home


def test_patients_are_refused_and_anonymous_sent_to_sign_in(client, login):
    assert "/accounts/login/" in client.get(URL)["Location"]
    login(Role.PATIENT)
    assert client.get(URL).status_code == 403


# --- the clinician's morning --------------------------------------------------------------------


def test_a_clinician_sees_their_own_appointments_today_in_clinic_time(client, login, kind, location):
    me = login(Role.CLINICIAN)
    mine = practitioner_for(me, kind, location)
    colleague = practitioner_for(UserFactory(role=Role.CLINICIAN), kind, location)
    early = book(mine, kind, 9, patient=PatientFactory(first_name="Early"), intake=_clear_screen())
    # 22:30 in New York is already tomorrow in UTC: still today's list.
    late = book(mine, kind, 22, 30, patient=PatientFactory(first_name="Late"))
    book(colleague, kind, 10, patient=PatientFactory(first_name="Colleagues"))
    book(mine, kind, 9, day=TODAY + datetime.timedelta(days=1), patient=PatientFactory(first_name="Tomorrow"))
    appointment_cancel(appointment=book(mine, kind, 12, patient=PatientFactory(first_name="Cancelled")),
                       now=MORNING)

    response = client.get(URL)
    assert response.status_code == 200
    rows = [r.appointment for r in response.context["appointments"]]
    assert rows == [early, late]
    html = response.content.decode()
    assert "09:00" in html and "22:30" in html
    assert reverse("patients:detail", args=[early.patient_id]) in html
    for name in ("Colleagues", "Tomorrow", "Cancelled"):
        assert name not in html


def test_intake_answers_and_the_safety_screen_show_at_a_glance(client, login, kind, location):
    me = login(Role.CLINICIAN)
    mine = practitioner_for(me, kind, location)
    book(mine, kind, 9, intake=_clear_screen(), reason="Pain on the inside of the shin when running")
    book(mine, kind, 10, intake={"pain_area": "foot"}, reason="Foot ache", source=BookingSource.FRONT_DESK)
    # A booking carrying a yes (e.g. entered before the screen refused them): it must stand out.
    book(mine, kind, 11, intake={"pain_area": "thigh", "screen": {"fever_with_bone_pain": True}}, reason="Hip")

    response = client.get(URL)
    screens = [(r.intake.pain_area, r.intake.screen) for r in response.context["appointments"]]
    assert screens == [("Shin or lower leg", "clear"), ("Foot or toes", "not_asked"), ("Thigh", "flags")]
    html = response.content.decode()
    assert "Pain on the inside of the shin when running" in html
    assert "All no" in html and "Not asked" in html and "Answered yes" in html
    assert "fever or chills" in html


def test_the_latest_plan_of_each_patient_today_is_linked(client, login, kind, location):
    me = login(Role.CLINICIAN)
    mine = practitioner_for(me, kind, location)
    patient = PatientFactory()
    make_plan("C01", patient=patient, clinician=me)
    latest = make_plan("C02", patient=patient, clinician=me)
    book(mine, kind, 9, patient=patient)
    row = client.get(URL).context["appointments"][0]
    assert row.latest_plan == latest


def test_plans_awaiting_the_clinicians_signature(client, login):
    me = login(Role.CLINICIAN)
    draft = make_plan("C01", clinician=me)
    signed = make_plan("C01", clinician=me)
    plan_sign(plan=signed, actor=me)
    amending = make_plan("C01", clinician=me)
    plan_sign(plan=amending, actor=me)
    plan_change(plan=amending, actor=me, action="add", section="conventional", key="extra",
                description="Extra care", reason="Needed")
    superseded_patient = PatientFactory()
    make_plan("C01", patient=superseded_patient, clinician=me)
    newer = make_plan("C01", patient=superseded_patient, clinician=me)
    colleagues = make_plan("C01")

    awaiting = client.get(URL).context["awaiting"]
    shown = {p.pk for p in awaiting.rows}
    assert shown == {draft.pk, amending.pk, newer.pk}
    assert awaiting.total == 3
    assert {p.pk: p.last_version for p in awaiting.rows}[amending.pk] == 1
    assert colleagues.pk not in shown and signed.pk not in shown

    # Withdrawing the only change leaves the signed version with nothing to sign.
    plan_change_withdraw(edit=PlanEdit.objects.get(plan=amending), actor=me)
    assert {p.pk for p in client.get(URL).context["awaiting"].rows} == {draft.pk, newer.pk}


def test_urgent_unsigned_plans_are_shown_clinic_wide_until_signed(client, login):
    me = login(Role.CLINICIAN)
    colleague = UserFactory(role=Role.CLINICIAN)
    urgent = make_plan("C02", clinician=colleague)
    assert urgent.is_urgent
    make_plan("C01", clinician=colleague)
    response = client.get(URL)
    assert [p.pk for p in response.context["urgent"].rows] == [urgent.pk]
    assert "Urgent plans not signed" in response.content.decode()
    plan_sign(plan=urgent, actor=colleague)
    assert client.get(URL).context["urgent"].rows == []
    assert me.pk != colleague.pk


def _lefs_items(total: int) -> list[int]:
    base, extra = divmod(total, 20)
    return [base + 1] * extra + [base] * (20 - extra)


def _series(patient, recorder, scores, *, start=TODAY - datetime.timedelta(days=21)):
    """Record a weekly series through the service, as the outcomes page does."""
    for i, (nrs, lefs) in enumerate(scores):
        assessment_create(patient=patient, recorded_by=recorder, timepoint="review", pain_nrs=nrs,
                          lefs_items=_lefs_items(lefs), assessed_on=start + datetime.timedelta(days=7 * i))


def test_patients_not_improving_under_the_clinicians_care(client, login):
    me = login(Role.CLINICIAN)
    colleague = UserFactory(role=Role.CLINICIAN)
    stuck = make_plan("C01", clinician=me).patient
    _series(stuck, me, [(6, 40), (6, 41), (6, 40), (6, 42)])
    worse = make_plan("C01", clinician=me).patient
    _series(worse, me, [(4, 50), (7, 50)], start=TODAY - datetime.timedelta(days=10))
    better = make_plan("C01", clinician=me).patient
    _series(better, me, [(6, 40), (2, 60)])
    theirs = make_plan("C01", clinician=colleague).patient
    _series(theirs, colleague, [(6, 40), (6, 40), (6, 40), (6, 40)])
    discharged = make_plan("C01", clinician=me).patient
    _series(discharged, me, [(6, 40), (6, 40), (6, 40)], start=TODAY - datetime.timedelta(days=200))

    flagged = client.get(URL).context["flagged"]
    assert [f.patient for f in flagged.rows] == [worse, stuck]
    assert [f.progress.status for f in flagged.rows] == ["worsening", "not_improving"]

    # Entered-in-error rows leave the rule, as on the outcomes page.
    assessment_void(assessment=OutcomeAssessment.objects.get(patient=worse, pain_nrs=7), actor=me,
                    reason="wrong patient")
    assert [f.patient for f in client.get(URL).context["flagged"].rows] == [stuck]


def test_the_clinic_admin_sees_everyones_lists(client, login):
    login(Role.CLINIC_ADMIN)
    colleague = UserFactory(role=Role.CLINICIAN)
    plan = make_plan("C01", clinician=colleague)
    _series(plan.patient, colleague, [(6, 40), (6, 40), (6, 40), (6, 40)])
    response = client.get(URL)
    assert [p.pk for p in response.context["awaiting"].rows] == [plan.pk]
    assert [f.patient for f in response.context["flagged"].rows] == [plan.patient]


def test_the_view_is_audited_with_counts_only(client, login):
    me = login(Role.CLINICIAN)
    make_plan("C02", clinician=me)
    client.get(URL)
    event = AuditEvent.objects.get(action="dashboard.viewed")
    assert event.actor == me
    assert event.data == {"view": "clinical", "appointments": 0, "awaiting_signature": 1, "urgent_unsigned": 1,
                          "not_improving": 0}


# --- the front desk -----------------------------------------------------------------------------


def test_front_desk_sees_the_days_schedule_and_the_inbox_count_without_clinical_lists(client, login, kind, location):
    login(Role.FRONT_DESK)
    dana = practitioner_for(UserFactory(role=Role.CLINICIAN, first_name="Dana", last_name="Reyes"), kind, location)
    sam = practitioner_for(UserFactory(role=Role.CLINICIAN, first_name="Sam", last_name="Okafor"), kind, location)
    a = book(dana, kind, 9, patient=PatientFactory(first_name="Ann"))
    b = book(sam, kind, 10, patient=PatientFactory(first_name="Ben"))
    make_plan("C02")
    ContactMessageFactory.create_batch(3)

    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["unread"] == 3 and response.context["booked"] == 2
    columns = dict(response.context["columns"])
    assert columns[dana] == [a] and columns[sam] == [b]
    html = response.content.decode()
    assert "3</span> unread messages" in html
    assert "Urgent" not in html and "awaiting signature" not in html and "triage" not in html.lower()


# --- query counts -------------------------------------------------------------------------------


def _bulk_day(n, practitioners, kind, location):
    patients = Patient.objects.bulk_create(
        Patient(first_name=f"Bulk{i}", last_name="Patient", date_of_birth=datetime.date(1990, 1, 1))
        for i in range(n)
    )
    # One live appointment per minute from 00:00 (the DB only refuses two at the same start).
    start = datetime.datetime.combine(TODAY, datetime.time(), tzinfo=NY)
    Appointment.objects.bulk_create(
        Appointment(practitioner=practitioners[i % len(practitioners)], patient=p, appointment_type=kind,
                    location=location, start=start + datetime.timedelta(minutes=i),
                    end=start + datetime.timedelta(minutes=i + 30), reason="Bulk", source=BookingSource.ONLINE,
                    intake=_clear_screen())
        for i, p in enumerate(patients)
    )
    return patients


def _bulk_records(patients, template: Plan, clinician):
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(patient=p, clinician=clinician, case=template.evaluation.case) for p in patients
    )
    Plan.objects.bulk_create(
        Plan(patient=e.patient, evaluation=e, generated=template.generated, engine_version=template.engine_version,
             knowledge_version=template.knowledge_version, triage_level=template.triage_level, created_by=clinician)
        for e in evaluations
    )
    OutcomeAssessment.objects.bulk_create(
        OutcomeAssessment(patient=p, recorded_by=clinician, assessed_on=TODAY - datetime.timedelta(days=d),
                          timepoint="review", pain_nrs=6, lefs_items=[2] * 20, lefs_total=40)
        for p in patients for d in (21, 0)
    )
    # Bulk writes bypass the services: refresh the home's stored lists as the synthetic clinic does.
    open_plans_refresh(p.pk for p in patients)
    progress_flags_refresh(p.pk for p in patients)


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.CLINIC_ADMIN, Role.FRONT_DESK])
def test_the_query_count_does_not_grow_with_rows(client, login, kind, location, role):
    user = login(role)
    clinician = user if role == Role.CLINICIAN else UserFactory(role=Role.CLINICIAN)
    practitioners = [practitioner_for(clinician, kind, location)] + [
        practitioner_for(UserFactory(role=Role.CLINICIAN), kind, location) for _ in range(3)
    ]
    template = make_plan("C02", clinician=clinician)  # urgent, unsigned
    ContactMessageFactory.create_batch(2)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    _bulk_records(_bulk_day(10, practitioners, kind, location), template, clinician)
    small, response = count()
    if role != Role.FRONT_DESK:
        assert response.context["flagged"].total == 10 and response.context["urgent"].total == 11
    _bulk_records(_bulk_day(990, practitioners[1:] + practitioners[:1], kind, location), template, clinician)
    # Worsening, last assessed a month ago: behind a thousand patients assessed today, and still first.
    worse = make_plan("C01", clinician=clinician).patient
    _series(worse, clinician, [(3, 50), (7, 50)], start=TODAY - datetime.timedelta(days=37))
    large, response = count()
    assert large == small
    if role != Role.FRONT_DESK:
        flagged = response.context["flagged"]
        assert flagged.rows[0].patient == worse and flagged.rows[0].progress.status == "worsening"
        assert (flagged.total, flagged.capped, len(flagged.rows)) == (selectors.COUNT_CAP, True, 25)
        # The count stops at COUNT_CAP (the heading says "100+"): counting further would read every row.
        urgent = response.context["urgent"]
        assert (urgent.total, urgent.capped, len(urgent.rows)) == (selectors.COUNT_CAP, True, 25)
        assert f"{selectors.COUNT_CAP}+" in response.content.decode()
