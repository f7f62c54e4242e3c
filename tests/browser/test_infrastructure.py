"""The browser machinery itself: Chromium starts, the live server answers, axe-core reports."""

import pytest

from tests.browser.helpers import BLOCKING_IMPACTS, axe, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_axe_reports_serious_violations(page):
    # The check must be able to fail: an unlabeled input and an image without alt text are
    # violations axe rates critical.
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>'
    )
    ids = {v["id"] for v in axe(page) if v["impact"] in BLOCKING_IMPACTS}
    assert {"image-alt", "label"} <= ids


def test_login_page_signs_a_clinician_in(page, base_url):
    user = UserFactory(role="clinician")
    sign_in(page, base_url, user.username, PASSWORD)
    assert "/accounts/login/" not in page.url
