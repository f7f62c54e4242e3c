"""Every page the walk can open, checked with the W3C Nu Html Checker (vnu.jar, from npm).

Pages are rendered through the test client as the first role allowed to open them (the same
World and URL table as the role walk), plus the public pages, and checked in one run of the
checker. Errors fail the test with the page and the checker's message; warnings are left to
the checker's own judgement of style.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from tests.factories import UserFactory
from tests.test_url_permissions import OK, ROUTES, World, expectation_for, url_for

REPO_ROOT = Path(__file__).resolve().parents[1]
VNU = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
STAFF_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN, Role.FRONT_DESK)
PUBLIC_PAGES = (
    ("public:home", {}), ("public:condition", {"slug": "stress-fracture"}), ("public:article_list", {}),
    ("public:story_list", {}), ("public:contact", {}), ("scheduling:book", {}),
)


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("The Nu Html Checker needs Java (apt-get install default-jre-headless); not found here.")
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run scripts/setup-browser (npm ci installs vnu-jar).", pytrace=False)
    return [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only", "--exit-zero-always"]


def _render_pages(client) -> dict[str, str]:
    """URL -> HTML for every page a staff role may open, and the public pages."""
    world = World()
    pages: dict[str, str] = {}
    users = {role: UserFactory(role=role) for role in STAFF_ROLES}
    for route in ROUTES:
        if route.prefix != "clinic/":
            continue
        expected = expectation_for(route)
        role = next((r for r in STAFF_ROLES if expected[r] is OK), None)
        if role is None:
            continue
        url = url_for(route, world)
        client.force_login(users[role])
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[url] = response.content.decode()
    client.logout()
    for name, kwargs in PUBLIC_PAGES:
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    pages[reverse("accounts:login")] = client.get(reverse("accounts:login")).content.decode()
    return pages


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_pages_have_no_html_errors(client, tmp_path):
    command = _checker()
    pages = _render_pages(client)
    assert len(pages) >= 20  # the walk found the clinic's pages, not just a handful
    files = {}
    for i, (url, body) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page-{i:03d}.html"
        path.write_text(body, encoding="utf-8")
        files[path.name] = url
    result = subprocess.run(command + [str(p) for p in sorted(tmp_path.iterdir())], capture_output=True,
                            text=True, timeout=300, check=False)
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))} line {m.get('lastLine')}: {m.get('message')}"
        f" [{(m.get('extract') or '').strip()[:80]}]"
        for m in report["messages"]
        if m.get("type") == "error"
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
