"""The one paginator: `queryparams.page_of` and the links of the page it returns."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.http import Http404
from django.test import RequestFactory

from fracturecare.queryparams import QueryRefused, page_of

ITEMS = list(range(10))


def _page(query: str):
    return page_of(Paginator(ITEMS, 3), RequestFactory().get("/list/" + query))


def test_the_links_keep_every_other_parameter_in_order():
    page = _page("?q=smith&page=2&sort=name")
    assert list(page.object_list) == [3, 4, 5]
    assert page.previous_url == "?q=smith&page=1&sort=name"
    assert page.next_url == "?q=smith&page=3&sort=name"


def test_the_first_page_links_forward_only_and_adds_the_page_parameter():
    page = _page("?q=smith")
    assert page.number == 1 and page.previous_url == ""
    assert page.next_url == "?q=smith&page=2"


def test_last_is_the_last_page_and_it_links_back_only():
    page = _page("?page=last")
    assert page.number == 4 and page.next_url == "" and page.previous_url == "?page=3"


def test_junk_is_refused_naming_the_parameter_and_a_page_past_the_end_is_not_found():
    with pytest.raises(QueryRefused, match="page="):
        _page("?page=two")
    with pytest.raises(Http404):
        _page("?page=5")


@pytest.mark.django_db
def test_a_capped_paginator_counts_at_most_its_cap_with_a_bounded_query():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fracturecare.audit.models import AuditEvent
    from fracturecare.audit.services import audit_record
    from fracturecare.queryparams import CappedPaginator

    for _ in range(5):
        audit_record(action="audit.viewed", actor_label="test", data={})
    events = AuditEvent.objects.order_by("-at", "-id")
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(events, 2, cap=3)
        assert paginator.count == 3 and paginator.capped and paginator.num_pages == 2
    (count_sql,) = [q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"].upper()]
    assert "LIMIT 3" in count_sql.upper()
    roomy = CappedPaginator(events, 2, cap=100)
    assert roomy.count == 5 and not roomy.capped
