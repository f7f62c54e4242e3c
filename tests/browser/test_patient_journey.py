"""The patient's side, on a phone (390x844): forms before the visit, the programme between visits.

And the clinician's side of the same: the intake prefills the evaluation, needling without consent
is refused, and logged sessions (adherence and pain) appear on the outcomes page.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.intake.content import BEFORE_FIRST_VISIT
from fracturecare.intake.services import form_request_create
from fracturecare.intake.tokens import forms_path
from fracturecare.planning.services import plan_sign
from fracturecare.programmes.models import Programme
from fracturecare.programmes.services import programme_assign
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD, PatientFactory, UserFactory
from tests.planning.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_intake_link_completed_on_a_phone_prefills_the_evaluation(phone_page, page, base_url):
    patient = PatientFactory(first_name="Lena", last_name="Okafor", sex="female")
    request = form_request_create(patient=patient, forms=BEFORE_FIRST_VISIT)
    phone = phone_page
    phone.goto(base_url + forms_path(request))
    phone.get_by_role("heading", name="Hello Lena").wait_for()
    assert_accessible(phone)
    phone.get_by_role("link", name="Health questionnaire").click()
    phone.get_by_label("Your main sport or activity").fill("running")
    phone.locator("#id_side_0").check()  # left
    phone.get_by_label("How many weeks ago did the pain start?").fill("3")
    phone.get_by_label(re.compile("Your pain at its worst this week")).fill("6")
    for name in ("pain_at_rest", "night_pain", "unable_to_bear_weight", "fever", "unexplained_weight_loss"):
        phone.locator(f"#id_{name}_1").check()  # no
    phone.get_by_label("How many stress fractures have you had before?").fill("0")
    phone.get_by_label("Height (cm)").fill("168")
    phone.get_by_label("Weight (kg)").fill("58")
    phone.locator("#id_pregnant_0").check()  # no
    phone.locator("#id_menstrual_status_0").check()  # regular
    phone.get_by_label("None of these").first.check()
    phone.get_by_label("None of these").last.check()
    for name in ("acupuncture", "dry_needling", "electroacupuncture"):
        phone.locator(f"#id_{name}_0").check()  # yes
    # Fits the phone's width: nothing to scroll sideways.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_text("“Health questionnaire” is sent").wait_for()
    phone.get_by_role("link", name="Consent to acupuncture").click()
    phone.get_by_label(re.compile("I agree to acupuncture")).check()
    phone.get_by_label("Type your full name to sign").fill("Lena Okafor")
    phone.get_by_role("button", name="Sign").click()
    phone.get_by_text("“Consent to acupuncture” is sent").wait_for()
    assert phone.get_by_role("link", name="Health questionnaire").count() == 0  # each form works once

    clinician = UserFactory(role=Role.CLINICIAN)
    sign_in(page, base_url, clinician.username, PASSWORD, next_path=f"/clinic/patients/{patient.pk}/evaluations/new/")
    assert page.locator("#id_patient__activity").input_value() == "running"
    assert page.locator("#id_injury__onset_weeks").input_value() == "3"
    assert page.locator("#id_injury__pain_nrs").input_value() == "6"


@pytest.fixture
def patients_have_consented():
    """These patients start without consent (the global test default gives every patient one)."""
    yield


def test_needling_cannot_be_charted_without_consent(page, base_url):
    clinician = UserFactory(role=Role.CLINICIAN)
    plan = make_plan("C01", clinician=clinician)
    plan_sign(plan=plan, actor=clinician)
    sign_in(page, base_url, clinician.username, PASSWORD, next_path=f"/clinic/patients/{plan.patient_id}/visits/new/")
    page.get_by_label("Pain NRS before treatment (0–10)").fill("5")
    # The signed plan prefills points and muscles; record how each muscle was needled, as a clinician would.
    muscles = page.get_by_role("table", name="Muscles dry-needled")
    n = 1
    while (row := muscles.get_by_label(f"Muscle {n}: Muscle")).count() and row.input_value():
        muscles.get_by_label(f"Muscle {n}: Technique").select_option(index=1)
        muscles.get_by_label(f"Muscle {n}: Response").select_option(index=1)
        n += 1
    assert n > 1, "the plan should prefill dry-needling rows"
    # The needle count follows the charted points and muscles; the clinician confirms removal.
    assert int(page.locator("#needle-count").inner_text()) > 0, "needling is being charted"
    page.get_by_label("None of these today").check()
    page.get_by_label("All needles removed and counted").check()
    page.get_by_role("button", name="Save and sign").click()
    refusal = re.compile("Needling cannot be charted without the patient's current written consent")
    page.get_by_text(refusal).first.wait_for()
    assert "consent to acupuncture (not signed)" in page.inner_text("main")
    assert not plan.patient.visits.exists()


def _log(phone, *, on: datetime.date, during: int, next_day: int) -> None:
    phone.get_by_label("Day of the session").fill(on.isoformat())
    phone.locator("#id_done_0").check()
    phone.locator(f"#id_pain_during_{during}").check()
    phone.locator(f"#id_pain_next_day_{next_day}").check()
    phone.get_by_role("button", name="Log session").click()


def test_a_patient_logs_two_sessions_on_a_phone_and_the_clinician_sees_them(phone_page, page, base_url):
    clinician = UserFactory(role=Role.CLINICIAN)
    login = UserFactory(role=Role.PATIENT)
    patient = PatientFactory(user=login, first_name="Sam")
    plan = make_plan("C01", clinician=clinician, patient=patient)
    plan_sign(plan=plan, actor=clinician)
    today = timezone.localdate()
    programme = programme_assign(plan=plan, programme_id="running", actor=clinician, cleared=True, start_on=today)
    Programme.objects.filter(pk=programme.pk).update(next_session_on=today - datetime.timedelta(days=3))

    phone = phone_page
    sign_in(phone, base_url, login.username, PASSWORD, next_path="/me/programme/")
    phone.get_by_text("Brisk walk 10 min").first.wait_for()
    assert_accessible(phone)
    _log(phone, on=today - datetime.timedelta(days=3), during=0, next_day=0)
    phone.get_by_role("status").filter(has_text="move on to the next step").first.wait_for()
    assert "Step 2 of 18" in phone.inner_text("main")
    _log(phone, on=today - datetime.timedelta(days=2), during=4, next_day=3)
    phone.get_by_role("status").filter(has_text="restart at the previous step").first.wait_for()
    assert "Step 1 of 18" in phone.inner_text("main")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390

    sign_in(page, base_url, clinician.username, PASSWORD, next_path=f"/clinic/patients/{patient.pk}/outcomes/")
    main = page.get_by_role("main")
    assert "adherence 2 of 2" in main.inner_text()
    chart = main.get_by_role("img", name=re.compile("^Programme: sessions, pain and step"))
    assert chart.is_visible()
    desc = page.locator("#programme-desc").text_content()
    assert "advance" in desc and "step back" in desc
