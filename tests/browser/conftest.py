"""Fixtures for the browser tests: Debian's Chromium driven by Python Playwright, against
pytest-django's live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium
(installed by scripts/setup-browser). A missing browser fails the tests with a message
saying how to install it: a skipped browser test would hide a broken page.
"""

from __future__ import annotations

import os
import shutil
import urllib.request

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import REPO_ROOT

CHROMIUM = os.environ.get("FRACTURECARE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "var" / "browser-artifacts"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36"
    ),
}
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def _playwright():
    """Playwright's sync API, alive for the browser tests only.

    Its event loop runs in this thread, which makes Django refuse ORM calls here
    ("async context"); the tests' factories and assertions are plain sync code, so
    allow them while the loop exists, and restore the setting afterwards.
    """
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Run scripts/setup-browser (as root it runs `apt-get install chromium`).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_playwright):
    """One Chromium for all browser tests; each test gets its own context (fresh cookies)."""
    # launch() gives Chromium a fresh temporary profile (user data dir) and removes it on close.
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# A stylesheet, script, image or font that does not load breaks the page even when its text is
# all there: the page is unstyled, or its scripts never run.
SUBRESOURCES = frozenset({"stylesheet", "script", "image", "font"})


class PageProblems:
    """Uncaught script errors and server errors seen while a test drove a page."""

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, page):
        page.on("pageerror", lambda exc: self.errors.append(f"script error on {page.url}: {exc}"))
        page.on(
            "response",
            lambda r: (
                self.errors.append(f"HTTP {r.status} for {r.request.method} {r.url}")
                if r.status >= 500 or (r.status >= 400 and r.request.resource_type in SUBRESOURCES)
                else None
            ),
        )


def _open_page(browser, request, options: dict):
    context = browser.new_context(base_url=None, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"\nscreenshot of the failing page ({page.url}): {shot}")
        except Exception as exc:  # the page may be gone; the test's own failure matters more
            print(f"\nno screenshot: {exc}")
    context.close()
    if problems.errors and not failed:
        pytest.fail("the pages had problems:\n" + "\n".join(problems.errors), pytrace=False)


@pytest.fixture
def page(browser, request):
    """A desktop-sized page in a fresh browser context."""
    yield from _open_page(browser, request, DESKTOP)


@pytest.fixture
def phone_page(browser, request):
    """A phone-sized page (390x844, touch) in a fresh browser context."""
    yield from _open_page(browser, request, PHONE)


def _through_the_app(application):
    """The live server's "static handler": none, so /static/ reaches the app as in production."""
    return application


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with static files served by the app's WhiteNoise middleware.

    pytest-django puts Django's StaticFilesHandler in front of the app. It looks files up by
    their source names through the finders, so under the production settings (hashed names
    from collectstatic's manifest) every stylesheet and script is missing and the pages are
    tested unstyled and without their scripts. Production serves /static/ with WhiteNoise from
    STATIC_ROOT (or from the finders when the manifest is off), so the tests do the same.
    """
    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _through_the_app
    server.start()
    yield server
    server.stop()


_WARM: set[str] = set()


@pytest.fixture
def base_url(live_server):
    """The live server's address, without a trailing slash (warmed up once: see below)."""
    url = live_server.url.rstrip("/")
    if url not in _WARM:
        # The first request imports every app's views; on a busy machine that alone can
        # outlast a page's timeout, so it is made here, with a generous one.
        urllib.request.urlopen(f"{url}/accounts/login/", timeout=180).read()
        _WARM.add(url)
    return url


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The live server runs in this process, so the override reaches it; signing in through
    # the form stays real, only cheaper than the production hasher's many rounds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _clean_artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
