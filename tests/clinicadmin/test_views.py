"""/clinic/settings/: every form refuses bad input field by field, saves good input, audits it,
and the public booking pages follow at once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from fracturecare.accounts.models import Role, User
from fracturecare.audit.models import AuditEvent
from fracturecare.clinic.models import ClinicProfile, MessageTemplate
from fracturecare.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    ClinicClosure,
    Location,
    Practitioner,
)
from tests.clinic.factories import ClinicProfileFactory
from tests.factories import PASSWORD, UserFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = UserFactory(role=Role.CLINIC_ADMIN)
    client.force_login(user)
    return user


def _audited(action: str, actor) -> bool:
    return AuditEvent.objects.filter(action=action, actor=actor).exists()


# --- who may open the settings ------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK, Role.PATIENT])
def test_other_roles_get_the_friendly_403(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get("/clinic/settings/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is not open to your login" in html
    assert 'href="/clinic/"' in html or 'href="/"' in html
    # A refused POST changes nothing.
    assert client.post("/clinic/settings/locations/new/", {"name": "X", "address": "Y"}).status_code == 403
    assert not Location.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/clinic/settings/visit-types/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_settings_home_shows_what_is_left_to_do(client, admin):
    html = client.get("/clinic/settings/").content.decode()
    assert "Add a location" in html and "(to do)" in html


# --- clinic details and booking policy ----------------------------------------------------


def test_details_saved_audited_and_shown_at_once(client, admin):
    ClinicProfileFactory()
    data = {"name": "Harbour Sports Clinic", "address": "1 Quay St", "phone": "+1 555 010 0777",
            "sms": "", "email": "hello@harbour.example.test", "time_zone": "America/Chicago"}
    response = client.post("/clinic/settings/details/", data)
    assert response.status_code == 302
    assert ClinicProfile.objects.get().name == "Harbour Sports Clinic"
    event = AuditEvent.objects.get(action="clinic.profile_updated", actor=admin)
    assert "name" in event.data["fields"] and "time_zone" in event.data["fields"]
    assert "Harbour Sports Clinic" in client.get("/book/").content.decode()


@pytest.mark.parametrize(("field", "value"), [("time_zone", "Atlantis/Capital"), ("phone", "12"),
                                              ("email", "nope"), ("name", "")])
def test_details_bad_input(client, admin, field, value):
    ClinicProfileFactory()
    data = {"name": "Harbour", "address": "", "phone": "+1 555 010 0777", "sms": "",
            "email": "a@example.test", "time_zone": "America/Chicago", field: value}
    response = client.post("/clinic/settings/details/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert ClinicProfile.objects.get().name == "Riverside Bone Clinic"
    assert not AuditEvent.objects.filter(action="clinic.profile_updated").exists()


def test_booking_policy_applies_to_online_slots(client, admin):
    kind = AppointmentTypeFactory(min_notice_minutes=None, max_advance_days=None)
    practitioner = PractitionerFactory(appointment_types=[kind])
    open_every_day(practitioner, LocationFactory())
    response = client.post("/clinic/settings/booking-policy/",
                           {"min_notice_minutes": 0, "max_advance_days": 1, "cancellation_window_hours": 48})
    assert response.status_code == 302
    assert _audited("clinic.booking_policy_updated", admin)
    profile = ClinicProfile.objects.get()
    assert (profile.max_advance_days, profile.cancellation_window_hours) == (1, 48)
    # The booking horizon is one day: the day picker offers today and tomorrow only.
    html = client.get(f"/book/{kind.slug}/").content.decode()
    later = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert later not in html


@pytest.mark.parametrize(("field", "value"), [("max_advance_days", 0), ("max_advance_days", 9999),
                                              ("min_notice_minutes", -5), ("cancellation_window_hours", 5000),
                                              ("min_notice_minutes", "soon")])
def test_booking_policy_bad_input(client, admin, field, value):
    data = {"min_notice_minutes": 60, "max_advance_days": 30, "cancellation_window_hours": 24, field: value}
    response = client.post("/clinic/settings/booking-policy/", data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not ClinicProfile.objects.exists()


# --- locations, practitioners, hours, time off, holidays ----------------------------------


def test_location_create_and_bad_input(client, admin):
    assert client.post("/clinic/settings/locations/new/", {"name": "", "address": "1 Road"}).status_code == 400
    assert not Location.objects.exists()
    response = client.post("/clinic/settings/locations/new/",
                           {"name": "Uptown", "address": "9 Hill Rd", "directions": "", "active": "on"})
    assert response.status_code == 302
    assert Location.objects.get().name == "Uptown"
    assert _audited("clinic.location_created", admin)


def test_practitioner_needs_a_clinician_login(client, admin):
    desk = UserFactory(role=Role.FRONT_DESK)
    response = client.post("/clinic/settings/practitioners/new/", {"user": desk.pk, "colour": "#112233"})
    assert response.status_code == 400 and "user" in response.context["form"].errors
    clinician = UserFactory(role=Role.CLINICIAN)
    bad_colour = client.post("/clinic/settings/practitioners/new/", {"user": clinician.pk, "colour": "red"})
    assert bad_colour.status_code == 400 and "colour" in bad_colour.context["form"].errors
    assert not Practitioner.objects.exists()
    kind = AppointmentTypeFactory()
    ok = client.post("/clinic/settings/practitioners/new/",
                     {"user": clinician.pk, "colour": "#aa3300", "title": "Physio", "active": "on",
                      "appointment_types": [kind.pk]})
    assert ok.status_code == 302
    practitioner = Practitioner.objects.get()
    assert practitioner.colour == "#aa3300" and list(practitioner.appointment_types.all()) == [kind]
    assert _audited("clinic.practitioner_created", admin)


def _shift(location, **over):
    return {"location": location.pk, "weekday": 0, "start_time": "09:00", "end_time": "12:00",
            "valid_from": "", "valid_until": "", **over}


@pytest.mark.parametrize(("over", "field"), [
    ({"end_time": "08:00"}, "end_time"),
    ({"start_time": "09:07"}, "start_time"),
    ({"weekday": 9}, "weekday"),
    ({"start_time": "nine"}, "start_time"),
    ({"valid_from": "2026-05-02", "valid_until": "2026-05-01"}, "valid_until"),
])
def test_hours_bad_input(client, admin, over, field):
    practitioner = PractitionerFactory()
    location = LocationFactory()
    response = client.post(f"/clinic/settings/practitioners/{practitioner.pk}/hours/", _shift(location, **over))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not AvailabilityRule.objects.exists()


def test_hours_added_refuse_overlap_and_can_be_removed(client, admin):
    practitioner = PractitionerFactory()
    location = LocationFactory()
    url = f"/clinic/settings/practitioners/{practitioner.pk}/hours/"
    assert client.post(url, _shift(location)).status_code == 302
    rule = AvailabilityRule.objects.get()
    assert (rule.practitioner, rule.start_time) == (practitioner, datetime.time(9))
    assert _audited("clinic.availabilityrule_created", admin)
    overlap = client.post(url, _shift(location, start_time="11:00", end_time="13:00"))
    assert overlap.status_code == 400 and "overlaps" in overlap.content.decode()
    assert AvailabilityRule.objects.count() == 1
    assert client.post(f"/clinic/settings/shifts/{rule.pk}/delete/").status_code == 302
    assert not AvailabilityRule.objects.exists()
    assert _audited("clinic.availabilityrule_deleted", admin)


def test_time_off_rules(client, admin):
    practitioner = PractitionerFactory()
    url = f"/clinic/settings/practitioners/{practitioner.pk}/time-off/"
    extra_without_place = client.post(url, {"date": "2026-12-01", "available": "on", "start_time": "09:00",
                                            "end_time": "10:00"})
    assert extra_without_place.status_code == 400 and "location" in extra_without_place.context["form"].errors
    half = client.post(url, {"date": "2026-12-01", "start_time": "09:00"})
    assert half.status_code == 400 and "end_time" in half.context["form"].errors
    assert not AvailabilityException.objects.exists()
    assert client.post(url, {"date": "2026-12-01", "note": "Conference"}).status_code == 302
    entry = AvailabilityException.objects.get()
    assert entry.start_time is None and not entry.available
    assert _audited("clinic.availabilityexception_created", admin)
    assert client.post(f"/clinic/settings/time-off/{entry.pk}/delete/").status_code == 302
    assert _audited("clinic.availabilityexception_deleted", admin)


def test_a_holiday_closes_the_day_for_booking(client, admin):
    kind = AppointmentTypeFactory(min_notice_minutes=0)
    practitioner = PractitionerFactory(appointment_types=[kind])
    open_every_day(practitioner, LocationFactory())
    day = timezone.localdate() + datetime.timedelta(days=2)
    assert client.post("/clinic/settings/holidays/", {"date": "not a date", "name": "X"}).status_code == 400
    assert client.post("/clinic/settings/holidays/", {"date": day.isoformat(), "name": ""}).status_code == 400
    assert not ClinicClosure.objects.exists()
    day_link = f"?date={day.isoformat()}\""
    assert day_link in client.get(f"/book/{kind.slug}/").content.decode()
    saved = client.post("/clinic/settings/holidays/", {"date": day.isoformat(), "name": "Founders Day"})
    assert saved.status_code == 302
    assert _audited("clinic.clinicclosure_created", admin)
    assert day_link not in client.get(f"/book/{kind.slug}/").content.decode()
    dup = client.post("/clinic/settings/holidays/", {"date": day.isoformat(), "name": "Again"})
    assert dup.status_code == 400 and "date" in dup.context["form"].errors


# --- visit types --------------------------------------------------------------------------


def _type(**over):
    return {"name": "Shockwave therapy", "description": "", "minutes": 30, "price": "85.00",
            "bookable_online": "on", "active": "on", "buffer_before_minutes": 0, "buffer_after_minutes": 5,
            "slot_step_minutes": 15, "min_notice_minutes": "", "max_advance_days": "", **over}


@pytest.mark.parametrize(("over", "field"), [
    ({"minutes": 33}, "minutes"),
    ({"minutes": 0}, "minutes"),
    ({"price": "-1"}, "price"),
    ({"price": "free"}, "price"),
    ({"buffer_after_minutes": 7}, "buffer_after_minutes"),
    ({"name": ""}, "name"),
    ({"max_advance_days": 0}, "max_advance_days"),
    ({"practitioners": [999999]}, "practitioners"),
])
def test_visit_type_bad_input(client, admin, over, field):
    response = client.post("/clinic/settings/visit-types/new/", _type(**over))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not AppointmentType.objects.exists()


def test_a_new_visit_type_is_bookable_online_at_once(client, admin):
    practitioner = PractitionerFactory()
    open_every_day(practitioner, LocationFactory())
    response = client.post("/clinic/settings/visit-types/new/", _type(practitioners=[practitioner.pk]))
    assert response.status_code == 302
    kind = AppointmentType.objects.get()
    assert kind.slug == "shockwave-therapy" and str(kind.price) == "85.00"
    assert list(kind.practitioners.all()) == [practitioner]
    assert _audited("clinic.appointmenttype_created", admin)
    client.logout()
    types = client.get("/book/").content.decode()
    assert "Shockwave therapy" in types and "$85.00" in types
    slots = client.get(f"/book/{kind.slug}/").content.decode()
    assert "No free times" not in slots and "Dana Reyes" in slots


def test_visit_type_edit_keeps_its_slug_and_changes_practitioners(client, admin):
    kind = AppointmentTypeFactory()
    dana = PractitionerFactory(appointment_types=[kind])
    sam = PractitionerFactory(user__first_name="Sam")
    response = client.post(f"/clinic/settings/visit-types/{kind.pk}/",
                           _type(name="New patient, long", practitioners=[sam.pk]))
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.slug == "new-patient-consultation" and kind.name == "New patient, long"
    assert list(kind.practitioners.all()) == [sam] and dana not in kind.practitioners.all()
    assert _audited("clinic.appointmenttype_updated", admin)


# --- staff --------------------------------------------------------------------------------


def test_invite_sends_a_single_use_link(client, admin):
    ClinicProfileFactory()
    bad = client.post("/clinic/settings/staff/invite/", {"first_name": "Kim", "last_name": "Lee", "email": "nope",
                                                         "username": "kim", "role": "clinician"})
    assert bad.status_code == 400 and "email" in bad.context["form"].errors
    wrong_role = client.post("/clinic/settings/staff/invite/", {"first_name": "Kim", "last_name": "Lee",
                                                                "email": "kim@example.test", "username": "kim",
                                                                "role": "patient"})
    assert wrong_role.status_code == 400 and "role" in wrong_role.context["form"].errors
    assert not User.objects.filter(username="kim").exists()
    response = client.post("/clinic/settings/staff/invite/", {"first_name": "Kim", "last_name": "Lee",
                                                              "email": "Kim@Example.test", "username": "kim",
                                                              "role": "front_desk"})
    assert response.status_code == 200
    kim = User.objects.get(username="kim")
    assert kim.role == Role.FRONT_DESK and not kim.has_usable_password() and kim.email == "kim@example.test"
    assert _audited("clinic.staff_invited", admin)
    [message] = mail.outbox
    assert "Riverside Bone Clinic" in message.subject
    link = re.search(r"https?://\S+/accounts/set-password/\S+", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
                       {"new_password1": PASSWORD + "x", "new_password2": PASSWORD + "x"})
    assert done.status_code == 302
    kim.refresh_from_db()
    assert kim.has_usable_password()
    # The link is spent.
    again = client.get(path, follow=True)
    assert "new_password1" not in again.content.decode()


def test_a_deactivated_clinician_cannot_sign_in_or_be_booked(client, admin):
    practitioner = PractitionerFactory()
    member = practitioner.user
    response = client.post(f"/clinic/settings/staff/{member.pk}/",
                           {"first_name": "Dana", "last_name": "Reyes", "email": member.email, "role": "clinician"})
    assert response.status_code == 302
    member.refresh_from_db()
    practitioner.refresh_from_db()
    assert not member.is_active and not practitioner.active
    event = AuditEvent.objects.get(action="clinic.staff_updated")
    assert event.data["active"] is False and "is_active" in event.data["fields"]
    client.logout()
    client.post("/accounts/login/", {"username": member.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_an_admin_cannot_lock_themself_out(client, admin):
    response = client.post(f"/clinic/settings/staff/{admin.pk}/",
                           {"first_name": "A", "last_name": "B", "email": admin.email, "role": "front_desk"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "role" in errors and "is_active" in errors
    admin.refresh_from_db()
    assert admin.role == Role.CLINIC_ADMIN and admin.is_active


def test_patients_are_not_staff(client, admin):
    patient = UserFactory(role=Role.PATIENT)
    assert client.get(f"/clinic/settings/staff/{patient.pk}/").status_code == 404


# --- message templates --------------------------------------------------------------------


def test_message_template_save_reset_and_bad_input(client, admin):
    url = "/clinic/settings/messages/reminder/sms/"
    assert "reminder of your appointment" in client.get(url).content.decode()
    bad = client.post(url, {"body": "Your {diagnosis} visit"})
    assert bad.status_code == 400 and "{diagnosis} is not a placeholder" in bad.context["form"].errors["body"][0]
    assert "{diagnosis} is not a placeholder" in bad.content.decode()  # shown on the page, by the field
    assert not MessageTemplate.objects.exists()
    assert client.post(url, {"body": "See you {when}, {first_name}!"}).status_code == 302
    assert MessageTemplate.objects.get().body == "See you {when}, {first_name}!"
    assert _audited("clinic.message_template_saved", admin)
    assert client.post(url, {"reset": "1"}).status_code == 302
    assert not MessageTemplate.objects.exists()
    assert _audited("clinic.message_template_reset", admin)
    assert client.get("/clinic/settings/messages/invoice/sms/").status_code == 404


# --- list pages do not grow in queries -----------------------------------------------------


def _count(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/clinic/settings/practitioners/", "/clinic/settings/visit-types/",
                                 "/clinic/settings/staff/", "/clinic/settings/locations/",
                                 "/clinic/settings/holidays/"])
def test_list_pages_run_the_same_queries_for_more_rows(client, admin, url, django_assert_max_num_queries):
    def grow(n):
        for i in range(n):
            kind = AppointmentTypeFactory(slug=f"type-{url[-8:]}-{AppointmentType.objects.count()}-{i}")
            practitioner = PractitionerFactory(appointment_types=[kind])
            open_every_day(practitioner, LocationFactory())
            offset = datetime.timedelta(days=ClinicClosure.objects.count())
            ClinicClosure.objects.create(date=datetime.date(2030, 1, 1) + offset, name="Day")

    grow(1)
    few = _count(client, url, django_assert_max_num_queries)
    grow(4)
    many = _count(client, url, django_assert_max_num_queries)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
