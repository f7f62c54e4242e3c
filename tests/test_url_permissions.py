"""Every URL under /clinic/ and /api/, requested as anonymous and as each role.

The URLs come from the resolver, so a new page is walked the moment it is wired up. What each
role may get is a table keyed by URL name (`EXPECTATIONS`); a URL missing from the table fails
`test_every_url_has_an_expectation`, so whoever adds a page decides, in one line here, who may
open it. Until then the walk applies the default rule for its prefix (clinical staff only).

Path parameters are filled with real objects (a patient with an evaluation, a signed plan,
visits, outcomes, handouts, an appointment, ...) built by each app's factories; see `World`.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fracturecare.accounts.models import Role
from tests.factories import PatientFactory, UserFactory

ANON = "anonymous"
ROLES = (ANON, Role.PATIENT, Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN)
WALKED_PREFIXES = ("clinic/", "api/", "me/")


# --------------------------------------------------------------------------------------------
# Outcomes: what a response must look like for a role.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outcome:
    name: str
    check: Callable[[object, str], str | None]  # (response, method) -> problem or None

    def __repr__(self) -> str:
        return self.name


def _location(response) -> str:
    return response.headers.get("Location", "")


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and "/accounts/login/" in _location(response)


def _check_ok(response, method: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if _is_login_redirect(response):
        return "sent to the login page"
    if status in (401, 403):
        return f"refused with {status}"
    if method == "GET":
        return None if status in (200, 301, 302, 303) else f"GET answered {status}"
    # An empty body sent to a form or an endpoint that writes may be refused as invalid,
    # but only after the caller got past the permission check.
    return None if status < 500 and status not in (404, 405) else f"{method} answered {status}"


def _check_login(response, method: str) -> str | None:
    if _is_login_redirect(response):
        return None
    return f"expected a redirect to login, got {response.status_code}"


def _check_denied(response, method: str) -> str | None:
    return None if response.status_code == 403 else f"expected 403, got {response.status_code}"


def _check_unauthenticated(response, method: str) -> str | None:
    # The API has no login page to send anyone to.
    return None if response.status_code in (401, 403) else f"expected 401/403, got {response.status_code}"


def _check_not_found(response, method: str) -> str | None:
    return None if response.status_code == 404 else f"expected 404, got {response.status_code}"


def _check_to_clinic(response, method: str) -> str | None:
    # Staff who open the patient portal are sent to their own workspace.
    if response.status_code == 302 and _location(response) == "/clinic/":
        return None
    return f"expected a redirect to /clinic/, got {response.status_code} {_location(response)}"


OK = Outcome("OK", _check_ok)
TO_CLINIC = Outcome("TO_CLINIC", _check_to_clinic)
NOT_FOUND = Outcome("NOT_FOUND", _check_not_found)
LOGIN = Outcome("LOGIN", _check_login)
DENIED = Outcome("DENIED", _check_denied)
UNAUTHENTICATED = Outcome("UNAUTHENTICATED", _check_unauthenticated)


def rule(anonymous, patient, front_desk, clinician, clinic_admin) -> dict[str, Outcome]:
    return {
        ANON: anonymous,
        Role.PATIENT: patient,
        Role.FRONT_DESK: front_desk,
        Role.CLINICIAN: clinician,
        Role.CLINIC_ADMIN: clinic_admin,
    }


# Clinical pages: evaluations, plans, visits, outcomes, handouts, patient charts.
CLINICAL = rule(LOGIN, DENIED, DENIED, OK, OK)
# Pages for everyone who works at the clinic (schedule, patient demographics, inbox).
STAFF = rule(LOGIN, DENIED, OK, OK, OK)
CLINICAL_API = rule(UNAUTHENTICATED, DENIED, DENIED, OK, OK)
STAFF_API = rule(UNAUTHENTICATED, DENIED, OK, OK, OK)
# Writing clinical records that carry a clinician's judgement or signature.
CLINICIAN_ONLY = rule(LOGIN, DENIED, DENIED, OK, DENIED)
# Running the front desk and the website: booking on behalf of patients, the outbox, stories.
DESK = rule(LOGIN, DENIED, OK, DENIED, OK)
SITE_EDITORS = DESK
# Oversight of the clinic itself: the audit log.
ADMIN_ONLY = rule(LOGIN, DENIED, DENIED, DENIED, OK)
# Public booking endpoints and the API description: anyone, signed in or not.
PUBLIC = rule(OK, OK, OK, OK, OK)
# Names that exist only to be reversed (django-ninja's API root): nothing to show anyone.
NOTHING = rule(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)

# The patient portal (/me/): a patient's own pages. The walk's patient login is linked to no
# record, so anything naming a record is a 404 for it.
PORTAL = rule(LOGIN, OK, TO_CLINIC, TO_CLINIC, TO_CLINIC)
PORTAL_RECORD = rule(LOGIN, NOT_FOUND, TO_CLINIC, TO_CLINIC, TO_CLINIC)

DEFAULT_RULES = {"clinic/": CLINICAL, "api/": CLINICAL_API, "me/": PORTAL}

# One line per URL name. Keep it sorted by name; the default rule for the prefix is the
# right answer for most clinic pages.
EXPECTATIONS: dict[str, dict[str, Outcome]] = {
    "api:api-root": NOTHING,
    "api:plans": CLINICAL_API,
    # Online booking is public by contract (contracts/booking.md).
    "api:create_booking": PUBLIC,
    "api:list_appointment_types": PUBLIC,
    "api:list_slots": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api_tokens:list": CLINICAL,
    # A clinician may revoke only their own token; the walk's token is a colleague's.
    "api_tokens:revoke": rule(LOGIN, DENIED, DENIED, NOT_FOUND, OK),
    "audit:log": ADMIN_ONLY,
    "charting:visit_amend": CLINICAL,
    "charting:visit_addendum": CLINICIAN_ONLY,
    "charting:visit_create": CLINICAL,
    "charting:visit_detail": CLINICAL,
    "charting:visit_edit": CLINICAL,
    "charting:visit_list": CLINICAL,
    "charting:visit_sign": CLINICAL,
    # Clinic settings: the clinic admin only; everyone else gets the friendly 403 page.
    "clinicadmin:booking_policy": ADMIN_ONLY,
    "clinicadmin:details": ADMIN_ONLY,
    "clinicadmin:holiday_delete": ADMIN_ONLY,
    "clinicadmin:holidays": ADMIN_ONLY,
    "clinicadmin:hours": ADMIN_ONLY,
    "clinicadmin:index": ADMIN_ONLY,
    "clinicadmin:location_edit": ADMIN_ONLY,
    "clinicadmin:location_new": ADMIN_ONLY,
    "clinicadmin:locations": ADMIN_ONLY,
    "clinicadmin:message_edit": ADMIN_ONLY,
    "clinicadmin:messages": ADMIN_ONLY,
    "clinicadmin:practitioner_edit": ADMIN_ONLY,
    "clinicadmin:report_csv": ADMIN_ONLY,
    "clinicadmin:reports": ADMIN_ONLY,
    "clinicadmin:practitioner_new": ADMIN_ONLY,
    "clinicadmin:practitioners": ADMIN_ONLY,
    "clinicadmin:shift_delete": ADMIN_ONLY,
    "clinicadmin:staff": ADMIN_ONLY,
    "clinicadmin:staff_edit": ADMIN_ONLY,
    "clinicadmin:staff_invite": ADMIN_ONLY,
    "clinicadmin:staff_resend": ADMIN_ONLY,
    "clinicadmin:time_off": ADMIN_ONLY,
    "clinicadmin:time_off_delete": ADMIN_ONLY,
    "clinicadmin:visit_type_edit": ADMIN_ONLY,
    "clinicadmin:visit_type_new": ADMIN_ONLY,
    "clinicadmin:visit_types": ADMIN_ONLY,
    "planning:evaluate": CLINICIAN_ONLY,
    "evaluations:detail": CLINICAL,
    # Demographics and registration are front-desk work; the patient page must hide clinical
    # content from them (CLINICAL_MARKERS).
    "patients:create": STAFF,
    "patients:detail": STAFF,
    "patients:edit": STAFF,
    "dashboard:home": STAFF,
    "patients:list": STAFF,
    # Merging a booking's record into a chart is front-desk work (patients.matching).
    "patients:match_dismiss": DESK,
    "patients:match_merge": DESK,
    "patients:matches": DESK,
    "handouts:plan_pdf": CLINICAL,
    "intake:consent_in_clinic": CLINICAL,
    "intake:consent_withdraw": CLINICAL,
    "intake:patient_forms": CLINICAL,
    # Sending the forms link is front-desk work too; the answers page is clinical.
    "intake:patient_forms_send": STAFF,
    "interop:patient_fhir": CLINICAL,
    "interop:superbill": CLINICAL,
    "interop:superbill_json": CLINICAL,
    "outcomes:assessment_create": CLINICAL,
    "outcomes:patient_outcomes": CLINICAL,
    "planning:change": CLINICIAN_ONLY,
    "planning:change_withdraw": CLINICIAN_ONLY,
    "planning:detail": CLINICAL,
    "planning:referral": CLINICAL,
    "planning:sign": CLINICIAN_ONLY,
    "planning:version": CLINICAL,
    "portal:handout": PORTAL_RECORD,
    "portal:home": PORTAL,
    "portal:programme": PORTAL,
    # The walk's patient login is linked to no record: its own record download is a 404.
    "portal:record_fhir": PORTAL_RECORD,
    # Giving a patient a portal login is registration work, like the patient's demographics.
    "portal:invite": STAFF,
    "programmes:override": CLINICIAN_ONLY,
    "programmes:patient_programme": CLINICAL,
    "public:article_admin_create": SITE_EDITORS,
    "public:article_admin_edit": SITE_EDITORS,
    "public:article_admin_list": SITE_EDITORS,
    "public:inbox": STAFF,
    "public:inbox_mark": STAFF,
    "public:inbox_message": STAFF,
    "public:story_admin_approve": SITE_EDITORS,
    "public:story_admin_consent": SITE_EDITORS,
    "public:story_admin_create": SITE_EDITORS,
    "public:story_admin_edit": SITE_EDITORS,
    "public:story_admin_list": SITE_EDITORS,
    "public:story_admin_unpublish": SITE_EDITORS,
    "public:story_admin_withdraw_consent": SITE_EDITORS,
    "scheduling:appointment_cancel": DESK,
    # Clinicians open a visit from the calendar and mark it in treatment or completed.
    "scheduling:appointment_detail": STAFF,
    "scheduling:appointment_move": DESK,
    "scheduling:appointment_status": STAFF,
    "scheduling:day_sheet": STAFF,
    "scheduling:desk_book": DESK,
    "scheduling:outbox": DESK,
    "scheduling:outbox_retry": DESK,
    "scheduling:schedule": STAFF,
    # Sign-in policy, lockouts and two-factor resets: the clinic admin's.
    "security:home": ADMIN_ONLY,
    "security:reset_two_factor": ADMIN_ONLY,
    "security:unlock": ADMIN_ONLY,
    "scheduling:text_sink": DESK,
    "scheduling:waitlist": DESK,
    "scheduling:waitlist_remove": DESK,
}

# Pages front desk may open must still show no clinical content: these strings are planted
# in the clinical records of the walk's patient (see World) and must not appear on them.
CLINICAL_MARKERS = ("ZZCLINICALMARKER",)


# --------------------------------------------------------------------------------------------
# URL enumeration.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the full pattern, e.g. "clinic/patients/<int:pk>/"
    params: tuple[str, ...]
    # The HTTP methods an API path answers; None for pages (found by GET, then `Allow`).
    methods: tuple[str, ...] | None = None

    @property
    def prefix(self) -> str:
        return next(p for p in WALKED_PREFIXES if self.route.startswith(p))


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<rname>\w+)>")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        piece = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + piece, ns)
        else:
            yield prefix + piece, namespace, entry


def _ninja_methods(entry: URLPattern) -> tuple[str, ...] | None:
    """The methods of a django-ninja path (its view closes over the PathView holding them)."""
    if not inspect.isfunction(entry.callback):
        return None
    path_view = inspect.getclosurevars(entry.callback).nonlocals.get("self")
    operations = getattr(path_view, "operations", None)
    if not operations:
        return None
    methods = {m.upper() for op in operations for m in op.methods}
    return tuple(sorted(methods, key=lambda m: (m != "GET", m)))


def walked_routes() -> list[Route]:
    """Every named URL under the walked prefixes, in resolver order, without duplicates."""
    routes: dict[str, Route] = {}
    unnamed = []
    for route, namespace, entry in _walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        if not route.startswith(WALKED_PREFIXES):
            continue
        if not entry.name:
            unnamed.append(route)
            continue
        name = f"{namespace}:{entry.name}" if namespace else entry.name
        params = tuple(m.group("name") or m.group("rname") for m in _PARAM.finditer(route))
        routes.setdefault(name, Route(name=name, route=route, params=params, methods=_ninja_methods(entry)))
    if unnamed:
        # reverse() and this table need names; an unnamed URL would escape the walk.
        raise AssertionError(f"URL patterns without a name: {unnamed}")
    return list(routes.values())


ROUTES = walked_routes()


# --------------------------------------------------------------------------------------------
# Objects to fill path parameters with.
# --------------------------------------------------------------------------------------------


MARKER = CLINICAL_MARKERS[0]

# A low-risk tibial stress fracture (the shared example case C01), enough for the engine.
CASE = {
    "patient": {"age": 24, "sex": "female", "activity": "running"},
    "injury": {"bone": "tibia", "region": "posteromedial_shaft", "side": "left", "onset_weeks": 4, "pain_nrs": 5},
    "findings": {"focal_bony_tenderness": True, "hop_test_pain": True},
    "imaging": {"modality": "mri", "result": "stress_fracture", "fredericson_grade": 3},
    "history": {"prior_stress_fractures": 0, "menstrual_status": "eumenorrheic", "age_at_menarche": 13, "bmi": 21.5},
}


class World:
    """One patient with a full record, built lazily (only what a URL needs) by the apps' services."""

    def __init__(self):
        self._cache: dict[str, object] = {}

    def get(self, key: str):
        if key not in self._cache:
            self._cache[key] = getattr(self, f"make_{key}")()
        return self._cache[key]

    def plant_clinical_record(self):
        """Give the patient a visit and a plan whose texts carry the clinical marker."""
        self.get("visit")
        self.get("plan_edit")

    def make_clinician(self):
        return UserFactory(role=Role.CLINICIAN)

    def make_patient(self):
        return PatientFactory()

    def make_evaluation(self):
        from fracturecare.planning.services import evaluation_submit

        return evaluation_submit(patient=self.get("patient"), clinician=self.get("clinician"), case=CASE)

    def make_plan(self):
        from fracturecare.planning.services import plan_sign

        plan = self.get("evaluation").plan
        plan_sign(plan=plan, actor=self.get("clinician"))
        return plan

    def make_plan_version(self):
        self.get("plan")
        return 1

    def make_plan_edit(self):
        from fracturecare.planning.services import plan_change

        return plan_change(
            plan=self.get("plan"), actor=self.get("clinician"), action="add", section="conventional",
            key="walk-extra-care", description=f"{MARKER} added care", reason=f"{MARKER} reason",
        )

    def make_visit(self):
        from tests.charting.factories import VisitFactory

        return VisitFactory(patient=self.get("patient"), clinician=self.get("clinician"), notes=f"{MARKER} note")

    def make_signed_visit(self):
        from tests.charting.factories import signed_visit

        return signed_visit(patient=self.get("patient"), clinician=self.get("clinician"))

    def make_appointment(self):
        import datetime

        from django.utils import timezone

        from fracturecare.scheduling.services import appointment_book
        from tests.scheduling.factories import (
            AppointmentTypeFactory,
            LocationFactory,
            PractitionerFactory,
            open_every_day,
        )

        kind = AppointmentTypeFactory()
        practitioner = PractitionerFactory(appointment_types=[kind])
        open_every_day(practitioner, LocationFactory())
        # Beyond the clinic's cancellation window, so the booking link still offers changes.
        day = timezone.localdate() + datetime.timedelta(days=3)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        return appointment_book(
            appointment_type=kind, practitioner=practitioner, start=start, reason="Shin pain when running",
            patient=self.get("patient"),
        )

    def make_programme(self):
        from django.utils import timezone

        from fracturecare.programmes.services import programme_assign

        return programme_assign(plan=self.get("plan"), programme_id="running", actor=self.get("clinician"),
                                cleared=True, start_on=timezone.localdate())

    def make_api_token(self):
        from fracturecare.accounts.services import token_create

        return token_create(user=self.get("clinician"), name="walk").token

    def make_outbox_message(self):
        return self.get("appointment").messages.first()

    def make_waitlist_entry(self):
        from fracturecare.scheduling.services import waitlist_add

        appointment = self.get("appointment")
        return waitlist_add(
            patient=self.get("patient"), appointment_type=appointment.appointment_type, practitioner=None,
            weekdays=[], earliest=None, latest=None,
        )
    def make_location(self):
        from tests.scheduling.factories import LocationFactory

        return LocationFactory()

    def make_practitioner(self):
        from tests.scheduling.factories import PractitionerFactory

        return PractitionerFactory()

    def make_shift(self):
        from tests.scheduling.factories import open_every_day

        practitioner = self.get("practitioner")
        open_every_day(practitioner, self.get("location"))
        return practitioner.availability_rules.first()

    def make_time_off(self):
        import datetime

        from fracturecare.scheduling.models import AvailabilityException

        return AvailabilityException.objects.create(practitioner=self.get("practitioner"),
                                                    date=datetime.date(2026, 12, 24), available=False)

    def make_holiday(self):
        import datetime

        from fracturecare.scheduling.models import ClinicClosure

        return ClinicClosure.objects.create(date=datetime.date(2026, 12, 25), name="Christmas Day")

    def make_visit_type(self):
        from tests.scheduling.factories import AppointmentTypeFactory

        return AppointmentTypeFactory()

    def make_staff_member(self):
        return UserFactory(role=Role.FRONT_DESK)

    def make_report_kind(self):
        return "visits"

    def make_message_kind(self):
        return "confirmation"

    def make_message_channel(self):
        return "email"

    def make_contact_message(self):
        from tests.public.factories import ContactMessageFactory

        return ContactMessageFactory()

    def make_story(self):
        from tests.public.factories import PatientStoryFactory

        return PatientStoryFactory(consented=True)

    def make_article(self):
        from tests.public.factories import ArticleFactory

        return ArticleFactory()

    def make_patient_match(self):
        from fracturecare.patients.models import PatientMatch

        existing = self.get("patient")
        return PatientMatch.objects.create(new=PatientFactory(date_of_birth=existing.date_of_birth),
                                           existing=existing, reasons=["date_of_birth"])


# Path parameter name -> World object (its pk is used); a (URL name, parameter) pair overrides
# the generic meaning, e.g. <pk> is a visit on charting pages and an appointment on the schedule.
PARAM_OBJECTS: dict[str, str] = {
    "patient_id": "patient",
    "evaluation_id": "evaluation",
    "plan_id": "plan",
    "edit_id": "plan_edit",
    "number": "plan_version",
    "programme_id": "programme",
}
PARAM_OVERRIDES: dict[tuple[str, str], str] = {
    **{
        (f"charting:{n}", "pk"): "visit"
        for n in ("visit_detail", "visit_edit", "visit_sign", "visit_amend", "visit_addendum")
    },
    **{(f"interop:{n}", "pk"): "signed_visit" for n in ("superbill", "superbill_json")},
    ("scheduling:appointment_move", "pk"): "appointment",
    ("scheduling:appointment_cancel", "pk"): "appointment",
    ("scheduling:appointment_detail", "pk"): "appointment",
    ("scheduling:appointment_status", "pk"): "appointment",
    ("scheduling:waitlist_remove", "pk"): "waitlist_entry",
    ("scheduling:outbox_retry", "pk"): "outbox_message",
    ("api_tokens:revoke", "pk"): "api_token",
    ("security:reset_two_factor", "pk"): "clinician",
    ("public:inbox_message", "pk"): "contact_message",
    ("public:inbox_mark", "pk"): "contact_message",
    **{
        (f"public:story_admin_{n}", "pk"): "story"
        for n in ("edit", "consent", "withdraw_consent", "approve", "unpublish")
    },
    ("public:article_admin_edit", "pk"): "article",
    ("patients:match_merge", "pk"): "patient_match",
    ("patients:match_dismiss", "pk"): "patient_match",
    ("clinicadmin:location_edit", "pk"): "location",
    **{(f"clinicadmin:{n}", "pk"): "practitioner" for n in ("practitioner_edit", "hours", "time_off")},
    ("clinicadmin:shift_delete", "pk"): "shift",
    ("clinicadmin:time_off_delete", "pk"): "time_off",
    ("clinicadmin:holiday_delete", "pk"): "holiday",
    ("clinicadmin:visit_type_edit", "pk"): "visit_type",
    **{(f"clinicadmin:{n}", "pk"): "staff_member" for n in ("staff_edit", "staff_resend")},
    ("clinicadmin:message_edit", "kind"): "message_kind",
    ("clinicadmin:message_edit", "channel"): "message_channel",
    ("clinicadmin:report_csv", "kind"): "report_kind",
}


def _slot_query(world: World) -> str:
    kind = world.get("appointment").appointment_type
    day = world.get("appointment").start.date()
    return f"?type={kind.slug}&start={day}&end={day}"


# Query strings for URLs that answer only with them, built from the World's objects.
QUERIES: dict[str, Callable[[World], str]] = {"api:list_slots": _slot_query}


def url_for(route: Route, world: World) -> str:
    kwargs = {}
    for param in route.params:
        key = PARAM_OVERRIDES.get((route.name, param)) or PARAM_OBJECTS.get(param)
        if key is None or not hasattr(world, f"make_{key}"):
            pytest.fail(
                f"{route.name} ({route.route}): no object for path parameter {param!r}. "
                f"Add it to PARAM_OBJECTS/PARAM_OVERRIDES and a World.make_* in {__name__}.",
                pytrace=False,
            )
        obj = world.get(key)
        kwargs[param] = getattr(obj, "pk", obj)
    query = QUERIES[route.name](world) if route.name in QUERIES else ""
    return reverse(route.name, kwargs=kwargs) + query


# --------------------------------------------------------------------------------------------
# The tests.
# --------------------------------------------------------------------------------------------


def expectation_for(route: Route) -> dict[str, Outcome]:
    return EXPECTATIONS.get(route.name) or DEFAULT_RULES[route.prefix]


def test_every_url_has_an_expectation():
    names = {r.name for r in ROUTES}
    missing = sorted(names - EXPECTATIONS.keys())
    stale = sorted(EXPECTATIONS.keys() - names)
    message = []
    if missing:
        routes = {r.name: r.route for r in ROUTES}
        message.append(
            "New URLs with no line in EXPECTATIONS (tests/test_url_permissions.py); say who may "
            "open each (CLINICAL, STAFF, CLINICAL_API, STAFF_API, PUBLIC):\n"
            + "\n".join(f"    {n!r}: ...,  # /{routes[n]}" for n in missing)
        )
    if stale:
        message.append(f"EXPECTATIONS names URLs that no longer exist: {stale}")
    assert not message, "\n".join(message)


# Namespaces whose every page is clinical content, and clinical API operations: never for the
# front desk or a patient.
CLINICAL_NAMESPACES = ("evaluations", "planning", "charting", "outcomes", "handouts", "interop")
CLINICAL_API_NAMES = ("api:plans",)


def test_the_table_keeps_clinical_content_from_front_desk_and_patients():
    # A policy check on the table itself, so a careless line cannot open a clinical page.
    wrong = []
    for route in ROUTES:
        expected = expectation_for(route)
        if route.prefix == "clinic/" and expected[Role.PATIENT] is not DENIED:
            wrong.append(f"{route.name}: a patient may open a /clinic/ page")
        clinical = route.name.split(":")[0] in CLINICAL_NAMESPACES or route.name in CLINICAL_API_NAMES
        if clinical and (expected[Role.FRONT_DESK] is OK or expected[Role.PATIENT] is OK):
            wrong.append(f"{route.name}: clinical content open to the front desk or a patient")
    assert not wrong, "\n".join(wrong)


def test_the_walk_sees_the_api():
    # Guards the enumeration itself: if it found nothing, every other test here would pass.
    assert {"api:openapi-json", "api:openapi-view"} <= {r.name for r in ROUTES}


def _send(client, method: str, url: str, *, is_api: bool):
    send = getattr(client, method.lower())
    if method == "GET":
        return send(url)
    if is_api:
        return send(url, data=json.dumps({}), content_type="application/json")
    return send(url, data={})


@pytest.mark.django_db
def test_the_planted_clinical_marker_shows_on_clinical_pages(client):
    # Without this, a marker that never renders anywhere would make the front-desk check vacuous.
    world = World()
    world.plant_clinical_record()
    client.force_login(UserFactory(role=Role.CLINICIAN))
    visit = client.get(reverse("charting:visit_detail", kwargs={"pk": world.get("visit").pk}))
    plan = client.get(reverse("planning:detail", kwargs={"plan_id": world.get("plan").pk}))
    assert MARKER in visit.content.decode()
    assert MARKER in plan.content.decode()


def _requests(client, route: Route, url: str) -> Iterator[tuple[str, object]]:
    """Each method of an API path; for a page, GET, or (for POST-only views) what `Allow` names."""
    is_api = route.prefix == "api/"
    if route.methods:
        for method in route.methods:
            yield method, _send(client, method, url, is_api=is_api)
        return
    response = _send(client, "GET", url, is_api=is_api)
    if response.status_code == 405:
        allowed = [m.strip().upper() for m in response.headers.get("Allow", "").split(",")]
        method = next((m for m in ("POST", "PUT", "PATCH", "DELETE") if m in allowed), None)
        if method:
            yield method, _send(client, method, url, is_api=is_api)
            return
    yield "GET", response


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Fifty URLs times five users: the production hasher would make the walk take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_role_gets_what_it_should(route, client):
    expected = expectation_for(route)
    world = World()
    url = url_for(route, world)
    if expected[Role.FRONT_DESK] is OK:
        world.plant_clinical_record()
    problems = []
    # Roles that may write go last, so a POST that changes something cannot hide a refusal.
    order = sorted(ROLES, key=lambda role: expected[role] is OK)
    for role in order:
        client.logout()
        if role != ANON:
            client.force_login(UserFactory(role=role))
        for method, response in _requests(client, route, url):
            problem = expected[role].check(response, method)
            if problem:
                problems.append(f"{role}: {method} {url} -> {problem} (expected {expected[role]!r})")
                continue
            if role == Role.FRONT_DESK and expected[role] is OK and response.status_code == 200:
                body = response.content.decode("utf-8", "replace")
                leaked = [m for m in CLINICAL_MARKERS if m in body]
                if leaked:
                    problems.append(f"front_desk: {method} {url} shows clinical content {leaked}")
    assert not problems, f"{route.name} (/{route.route}):\n" + "\n".join(problems)
