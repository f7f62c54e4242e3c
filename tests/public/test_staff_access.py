"""Every staff page of the public app: anonymous → login, wrong role → 403, right role → 200."""

from __future__ import annotations

import pytest

from fracturecare.accounts.models import Role
from tests.public.factories import ArticleFactory, ContactMessageFactory, PatientStoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_urls():
    msg, story, article = ContactMessageFactory(), PatientStoryFactory(), ArticleFactory()
    return [
        "/clinic/inbox/",
        f"/clinic/inbox/{msg.pk}/",
        "/clinic/site/stories/",
        "/clinic/site/stories/new/",
        f"/clinic/site/stories/{story.pk}/",
        "/clinic/site/articles/",
        "/clinic/site/articles/new/",
        f"/clinic/site/articles/{article.pk}/",
    ]


@pytest.fixture
def post_urls():
    msg, story = ContactMessageFactory(), PatientStoryFactory(consented=True)
    return [
        f"/clinic/inbox/{msg.pk}/mark/",
        *(f"/clinic/site/stories/{story.pk}/{a}/" for a in ("consent", "withdraw-consent", "approve", "unpublish")),
    ]


def test_anonymous_visitors_go_to_login(client, staff_urls, post_urls):
    assert staff_urls and post_urls
    for url in staff_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    for url in post_urls:
        assert client.post(url).status_code == 302, url


def test_patients_are_forbidden_everywhere(client, login, staff_urls, post_urls):
    login(Role.PATIENT)
    assert staff_urls and post_urls
    for url in staff_urls:
        assert client.get(url).status_code == 403, url
    for url in post_urls:
        assert client.post(url).status_code == 403, url


def test_clinicians_may_read_the_inbox_but_not_run_the_website(client, login, staff_urls):
    login(Role.CLINICIAN)
    assert staff_urls
    for url in staff_urls:
        expected = 200 if url.startswith("/clinic/inbox/") else 403
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINIC_ADMIN])
def test_front_desk_and_admin_get_in(client, login, staff_urls, role):
    login(role)
    assert staff_urls
    for url in staff_urls:
        assert client.get(url).status_code == 200, url
