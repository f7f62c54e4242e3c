"""Every GET route, with hostile query strings and out-of-range ids, as each role that may open it: never a 500.

Routes come from the resolver (all of them, not only /clinic/), so a new page is walked the moment it is wired up.
Each page is opened with every common query parameter set to one hostile value at a time (dates out of range,
huge and negative numbers, junk, overlong text); a page must answer below 500 (a 400 or 404 with a message, or
the page with the input ignored or shown as an error). Integer path parameters are also tried out of range.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fracturecare.accounts.models import Role
from tests.factories import UserFactory
from tests.test_url_permissions import (
    ANON,
    OK,
    PARAM_OBJECTS,
    PARAM_OVERRIDES,
    QUERIES,
    ROLES,
    World,
    expectation_for,
    walked_routes,
)

# Every query parameter name a page of ours reads, and a few more an attacker would try.
PARAMS = (
    "date", "day", "start", "end", "week", "month", "year", "date_from", "date_to", "page", "patient", "patient_id",
    "q", "type", "practitioner", "location", "status", "action", "actor", "id", "pk", "number", "version", "next",
    "view", "kind", "token", "format", "sort", "limit", "offset",
)
HOSTILE = (
    "9999-12-30", "9999-12-31T23:59", "0001-01-01", "2026-02-30", "99999999999999999999999", "-9223372036854775809",
    "-1", "1e309", "NaN", "abc", "' OR 1=1 --", "\x00", "x" * 5000,
)
HUGE_ID = "9" * 30

_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
PUBLIC_ROUTE = {ANON: OK, Role.PATIENT: OK}


def _all_get_routes() -> list[tuple[str, str]]:
    found: dict[str, str] = {}

    def walk(patterns, prefix: str = "", namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                found.setdefault(f"{namespace}:{entry.name}" if namespace else entry.name, prefix + str(entry.pattern))

    walk(get_resolver().url_patterns)
    return sorted(found.items())


ROUTES = _all_get_routes()
WALKED = {route.name: route for route in walked_routes()}


class HostileWorld(World):
    """The role walk's objects, plus what public pages name by token or slug."""

    def make_token(self):
        from fracturecare.scheduling.links import manage_token

        return manage_token(self.get("appointment"))

    def make_type_slug(self):
        return self.get("appointment").appointment_type.slug

    def make_article_slug(self):
        return self.get("article").slug


PUBLIC_PARAMS = {"token": "token", "type_slug": "type_slug"}
PUBLIC_OVERRIDES = {("public:article_detail", "slug"): "article_slug", ("public:condition", "slug"): None}


def _kwargs(name: str, route: str, world: HostileWorld) -> dict | None:
    kwargs = {}
    for match in _PARAM.finditer(route):
        param = match.group("name")
        if (name, param) in PUBLIC_OVERRIDES:
            key = PUBLIC_OVERRIDES[(name, param)]
            if key is None:
                return None
        else:
            key = PARAM_OVERRIDES.get((name, param)) or PARAM_OBJECTS.get(param) or PUBLIC_PARAMS.get(param)
        if key is None:
            return None
        obj = world.get(key)
        kwargs[param] = getattr(obj, "pk", obj)
    return kwargs


def _roles(name: str) -> list[str]:
    expected = expectation_for(WALKED[name]) if name in WALKED else PUBLIC_ROUTE
    # A page nobody may open (the API root) is still walked, as anonymous: a refusal is fine, a 500 is not.
    return [role for role in ROLES if expected.get(role) is OK] or [ANON]


def test_the_walk_covers_public_and_clinic_pages():
    names = {name for name, _ in ROUTES}
    assert {"api:list_slots", "scheduling:schedule", "scheduling:manage", "audit:log", "public:home"} <= names
    assert len(ROUTES) > 60


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_hostile_queries_never_cause_a_server_error(name, route, client):
    world = HostileWorld()
    kwargs = _kwargs(name, route, world)
    if kwargs is None:
        pytest.skip(f"{name}: a path parameter this walk cannot fill")
    url = reverse(name, kwargs=kwargs)
    base_query = QUERIES[name](world)[1:] if name in QUERIES else ""
    roles = _roles(name)
    urls = [f"{url}?{urlencode(dict.fromkeys(PARAMS, value))}" for value in HOSTILE]
    urls += [f"{url}?{base_query}&{urlencode({key: value})}" for value in HOSTILE[:8] for key in
             ("start", "end", "date", "page", "patient")] if base_query else []
    int_params = [m.group("name") for m in _PARAM.finditer(route) if m.group("conv") == "int"]
    if int_params:
        urls.append(reverse(name, kwargs={**kwargs, **dict.fromkeys(int_params, 0)}).replace(
            "/0/", f"/{HUGE_ID}/"))
    client.raise_request_exception = False  # a 500 is collected with the others, not raised
    errors = []
    for role in roles:
        client.logout()
        if role != ANON:
            client.force_login(UserFactory(role=role))
        for hostile in urls:
            response = client.get(hostile)
            if response.status_code >= 500:
                errors.append(f"{role}: GET {hostile[:160]} -> {response.status_code}")
            elif response.status_code == 405:
                break  # a POST-only action: nothing to read
    assert not errors, "\n".join(errors[:20])
