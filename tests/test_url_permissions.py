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
import json
import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fracturecare.accounts.models import Role
from tests.factories import PASSWORD, PatientFactory, UserFactory

ANON = "anonymous"
ROLES = (ANON, Role.PATIENT, Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN)
WALKED_PREFIXES = ("clinic/", "api/")


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


OK = Outcome("OK", _check_ok)
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
# The website's stories and articles: the front desk and the clinic admin run them.
SITE_EDITORS = rule(LOGIN, DENIED, OK, DENIED, OK)
CLINICAL_API = rule(UNAUTHENTICATED, DENIED, DENIED, OK, OK)
STAFF_API = rule(UNAUTHENTICATED, DENIED, OK, OK, OK)
# Public booking endpoints and the API description: anyone, signed in or not.
PUBLIC = rule(OK, OK, OK, OK, OK)
# Names that exist only to be reversed (django-ninja's API root): nothing to show anyone.
NOTHING = rule(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)

DEFAULT_RULES = {"clinic/": CLINICAL, "api/": CLINICAL_API}

# One line per URL name. Keep it sorted by name; the default rule for the prefix is the
# right answer for most clinic pages.
EXPECTATIONS: dict[str, dict[str, Outcome]] = {
    "api:api-root": NOTHING,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    # Demographics and registration are front-desk work; the patient page must hide clinical
    # content from them (CLINICAL_MARKERS).
    "patients:create": STAFF,
    "patients:detail": STAFF,
    "patients:edit": STAFF,
    "patients:home": STAFF,
    "patients:list": STAFF,
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
        routes.setdefault(name, Route(name=name, route=route, params=params))
    if unnamed:
        # reverse() and this table need names; an unnamed URL would escape the walk.
        raise AssertionError(f"URL patterns without a name: {unnamed}")
    return list(routes.values())


ROUTES = walked_routes()


# --------------------------------------------------------------------------------------------
# Objects to fill path parameters with.
# --------------------------------------------------------------------------------------------


class World:
    """One patient with a full record, built lazily from each app's own factories."""

    def __init__(self):
        self._cache: dict[str, object] = {}

    def get(self, key: str):
        if key not in self._cache:
            self._cache[key] = getattr(self, f"make_{key}")()
        return self._cache[key]

    def make_patient(self):
        return PatientFactory()

    def make_inbox(self):
        from tests.public.factories import ContactMessageFactory

        return ContactMessageFactory()

    def make_story(self):
        from tests.public.factories import PatientStoryFactory

        return PatientStoryFactory()

    def make_article(self):
        from tests.public.factories import ArticleFactory

        return ArticleFactory()


# Path parameter name -> World object (its pk is used). A URL name + parameter pair can
# override the generic meaning, e.g. {("patients:detail", "pk"): "patient"}.
PARAM_OBJECTS: dict[str, str] = {
    "patient_id": "patient",
    "patient_pk": "patient",
}
PARAM_OVERRIDES: dict[tuple[str, str], str] = {}


def url_for(route: Route, world: World) -> str:
    kwargs = {}
    for param in route.params:
        key = PARAM_OVERRIDES.get((route.name, param)) or PARAM_OBJECTS.get(param)
        if key is None and param == "pk":
            # "patients:detail" with <pk> means a patient, "charting:visit" a visit, ...
            key = route.name.split(":")[-1].split("_")[0]
        if key is None or not hasattr(world, f"make_{key}"):
            pytest.fail(
                f"{route.name} ({route.route}): no object for path parameter {param!r}. "
                f"Add it to PARAM_OBJECTS/PARAM_OVERRIDES and a World.make_* in {__name__}.",
                pytrace=False,
            )
        obj = world.get(key)
        kwargs[param] = getattr(obj, "pk", obj)
    return reverse(route.name, kwargs=kwargs)


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


def test_the_walk_sees_the_api():
    # Guards the enumeration itself: if it found nothing, every other test here would pass.
    assert {"api:openapi-json", "api:openapi-view"} <= {r.name for r in ROUTES}


def _request(client, url: str, *, is_api: bool):
    """GET the URL; when only other methods are allowed, send the first of them with no body."""
    response = client.get(url)
    method = "GET"
    if response.status_code == 405:
        allowed = [m.strip().upper() for m in response.headers.get("Allow", "").split(",") if m.strip()]
        for candidate in ("POST", "PUT", "PATCH", "DELETE"):
            if candidate in allowed:
                method = candidate
                break
        else:
            return response, "GET"
        send = getattr(client, method.lower())
        if is_api:
            response = send(url, data=json.dumps({}), content_type="application/json")
        else:
            response = send(url, data={})
    return response, method


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_role_gets_what_it_should(route, client):
    expected = expectation_for(route)
    world = World()
    url = url_for(route, world)
    is_api = route.prefix == "api/"
    problems = []
    # Roles that may write go last, so a POST that changes something cannot hide a refusal.
    order = sorted(ROLES, key=lambda role: expected[role] is OK)
    for role in order:
        client.logout()
        if role != ANON:
            user = UserFactory(role=role)
            assert client.login(username=user.username, password=PASSWORD)
        response, method = _request(client, url, is_api=is_api)
        problem = expected[role].check(response, method)
        if problem:
            problems.append(f"{role}: {method} {url} -> {problem} (expected {expected[role]!r})")
            continue
        if role == Role.FRONT_DESK and expected[role] is OK and response.status_code == 200:
            body = response.content.decode("utf-8", "replace")
            leaked = [m for m in CLINICAL_MARKERS if m in body]
            if leaked:
                problems.append(f"front_desk: {url} shows clinical content {leaked}")
    assert not problems, f"{route.name} (/{route.route}):\n" + "\n".join(problems)
