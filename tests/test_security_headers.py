"""Security headers on every page: a Content-Security-Policy with no inline script, and no-store on
every page that can show health data; templates carry no inline script for the policy to break.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fracturecare.accounts.models import Role
from fracturecare.accounts.recovery import set_password_link
from fracturecare.scheduling.links import manage_token
from tests.factories import UserFactory
from tests.test_url_permissions import ROUTES, World, url_for

SRC = Path(__file__).resolve().parents[1] / "src" / "fracturecare"


def _all_routes(patterns=None, prefix: str = "", namespace: str = ""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        piece = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from _all_routes(entry.url_patterns, prefix + piece, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), prefix + piece


WALKED = {route.name: route for route in ROUTES}
ALL = dict(_all_routes())


def _public_url(name: str, world: World) -> str:
    """A real URL for a named route outside the permission walk (public site, booking, accounts)."""
    appointment = world.get("appointment")
    kwargs_for = {
        "public:condition": {"slug": "stress-fracture"},
        "public:article_detail": {"slug": world.get("article").slug},
        "scheduling:manage": {"token": manage_token(appointment)},
        "scheduling:manage_cancel": {"token": manage_token(appointment)},
        "scheduling:manage_reschedule": {"token": manage_token(appointment)},
        "scheduling:book_done": {"token": manage_token(appointment)},
        "scheduling:book_slots": {"type_slug": appointment.appointment_type.slug},
        "scheduling:book_details": {"type_slug": appointment.appointment_type.slug},
        "accounts:email_confirm": {"token": "not-a-real-token"},
    }
    if name == "accounts:set_password":
        return "/" + set_password_link(world.get("patient_login")).split("://", 1)[1].split("/", 1)[1]
    return reverse(name, kwargs=kwargs_for.get(name, {}))


class HeaderWorld(World):
    def make_patient_login(self):
        return UserFactory(role=Role.PATIENT)


def _every_url(world: World) -> list[str]:
    urls = []
    for name in ALL:
        if name in WALKED:
            urls.append(url_for(WALKED[name], world))
        else:
            urls.append(_public_url(name, world))
    return urls


def test_the_walk_covers_the_public_site_the_clinic_and_the_portal():
    assert {"public:home", "scheduling:manage", "accounts:login", "portal:home", "patients:list"} <= ALL.keys()
    assert len(ALL) > 60


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.CLINIC_ADMIN, Role.PATIENT])
def test_every_page_sends_a_policy_without_inline_script(client, role):
    world = HeaderWorld()
    if role:
        client.force_login(UserFactory(role=role))
    missing = []
    checked = 0
    for url in _every_url(world):
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        script_src = re.search(r"script-src ([^;]*)", policy)
        if not script_src or "'unsafe-inline'" in script_src.group(1) or "'unsafe-eval'" in script_src.group(1):
            missing.append(f"{url} ({response.status_code}): {policy or 'no policy'}")
        checked += 1
    assert checked == len(ALL)
    assert not missing, "\n".join(missing)


def test_the_policy_allows_only_this_site():
    from django.conf import settings

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    # JSON-LD (<script type="application/ld+json">) is data the browser never runs, so CSP does
    # not apply to it; every other script must come from a static file.
    found = []
    templates = list(SRC.rglob("templates/**/*.html"))
    for path in templates:
        text = path.read_text()
        for pattern in (_INLINE_SCRIPT, _HANDLER):
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(SRC)}: {match.group(0)}")
    assert len(templates) > 50
    assert not found, "\n".join(found)


def test_the_scan_would_catch_an_inline_script():
    assert _INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert _HANDLER.search('<button onclick="x()">')
    assert not _INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert not _INLINE_SCRIPT.search('<script type="application/ld+json">{}</script>')


@pytest.mark.django_db
def test_pages_with_health_data_are_not_stored(client):
    world = HeaderWorld()
    patient = world.get("patient")
    appointment = world.get("appointment")
    client.force_login(UserFactory(role=Role.CLINIC_ADMIN))
    staff_pages = [reverse("patients:detail", args=[patient.pk]), reverse("patients:list"),
                   reverse("scheduling:schedule"), reverse("audit:log"), "/api/v1/openapi.json",
                   reverse("accounts:account")]
    for url in staff_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
    client.logout()

    token = manage_token(appointment)
    for url in (reverse("scheduling:manage", args=[token]), reverse("scheduling:book_done", args=[token])):
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", url

    client.force_login(UserFactory(role=Role.PATIENT))
    assert client.get(reverse("portal:home"))["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_public_pages_may_be_cached(client):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    # A form's answer may echo what was sent: never stored.
    assert client.post(reverse("public:contact"), {})["Cache-Control"] == "no-store"
