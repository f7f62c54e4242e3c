"""A clinic admin turns on two-factor sign-in in the browser and signs in with a code; no page they
pass through breaks the Content-Security-Policy, and axe (injected by the test) still runs."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from fracturecare.accounts.models import Role
from tests.accounts.factories import totp_code
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrol_then_sign_in_with_a_code(page, base_url):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    sign_in(page, base_url, admin.username, PASSWORD)

    page.goto(f"{base_url}/accounts/two-factor/")
    assert page.locator("figure.qr svg").is_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.locator("#backup-codes li").count() == 10

    page.context.clear_cookies()  # a new browser session
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/verify/" in page.url
    device.refresh_from_db()
    # The next time step's code: the one used to enrol cannot be replayed.
    next_step = (device.last_t + 1) * device.step + device.t0 + 1
    page.get_by_role("textbox", name="Code").fill(totp_code(device, at=next_step))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/clinic")
    page.goto(f"{base_url}/clinic/security/")
    assert page.get_by_role("heading", name="Security", level=1).is_visible()
    page.goto(f"{base_url}/")
    assert not violations, violations
