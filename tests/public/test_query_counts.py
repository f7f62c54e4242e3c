"""List pages run the same number of queries whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fracturecare.accounts.models import Role
from tests.factories import UserFactory
from tests.public.factories import ArticleFactory, ContactMessageFactory, PatientStoryFactory

pytestmark = pytest.mark.django_db


def _grow(kind: str, n: int) -> None:
    reader = UserFactory(role=Role.FRONT_DESK)
    for _ in range(n):
        if kind == "articles":
            ArticleFactory(author=reader)
        elif kind == "stories":
            PatientStoryFactory(published=True, approved_by=reader, consent_recorded_by=reader)
        else:
            ContactMessageFactory(read_by=reader, read_at="2026-01-01T10:00:00Z")
            ContactMessageFactory()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "kind", "role"),
    [
        ("/", "articles", None),
        ("/", "stories", None),
        ("/articles/", "articles", None),
        ("/stories/", "stories", None),
        ("/clinic/inbox/", "messages", Role.FRONT_DESK),
        ("/clinic/site/stories/", "stories", Role.CLINIC_ADMIN),
        ("/clinic/site/articles/", "articles", Role.CLINIC_ADMIN),
    ],
)
def test_list_queries_do_not_grow_with_rows(client, login, url, kind, role):
    if role:
        login(role)
    _grow(kind, 2)
    few = _queries(client, url)
    _grow(kind, 10)
    many = _queries(client, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
    # The staff inbox is the largest at 13, all constant: session, user and clinic profile reads, count and page,
    # unread count, the audit chain (savepoint, last seal, insert, release) and the session's activity stamp
    # saved by the access middleware (savepoint, update, release).
    assert many <= 14  # 13, and one more on PostgreSQL: the audit chain's advisory lock


def test_the_condition_page_needs_one_query(client, django_assert_max_num_queries):
    client.get("/conditions/stress-fracture/")  # warm the knowledge-base cache
    # The one query reads the clinic profile (name, phone, time zone), which the clinic admin edits.
    with django_assert_max_num_queries(1):
        assert client.get("/conditions/stress-fracture/").status_code == 200
