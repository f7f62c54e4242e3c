"""Refusing a query string we do not understand: 400 with a message naming the parameter and its value.

Views validate their query parameters with a form and call `cleaned_or_refuse(form)`; anything invalid raises
`QueryRefused`, which `QueryRefusedMiddleware` turns into a 400 page saying what was wrong (and which Django
would answer with a bare 400 even without the middleware). Out-of-range dates and huge numbers never reach the
database or date arithmetic that would fail with a server error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.functional import cached_property
from django.utils.html import escape

# The dates a clinic's pages may be asked about; outside them date arithmetic and the databases disagree.
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2199, 12, 31)
# The largest id a database row can have (64-bit signed).
LARGEST_ID = 2**63 - 1


class QueryRefused(BadRequest):
    """A query parameter was not understood; `str()` names it and its value."""


def check_day(value: datetime.date | None, field: str = "date") -> datetime.date | None:
    """Refuse a date outside EARLIEST_DAY..LATEST_DAY (a form's clean_* can call this)."""
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise forms.ValidationError(
            f"{value.isoformat()} is outside the dates this clinic can show "
            f"({EARLIEST_DAY.year} to {LATEST_DAY.year})."
        )
    return value


def cleaned_or_refuse(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or QueryRefused naming each bad parameter and the value given."""
    if form.is_valid():
        return form.cleaned_data
    problems = []
    for field, errors in form.errors.items():
        value = form.data.get(field, "") if field != "__all__" else ""
        label = f"{field}={str(value)[:40]!r}" if field != "__all__" else "query"
        problems.append(f"{label}: {' '.join(str(e) for e in errors)}")
    raise QueryRefused("; ".join(problems))


class QueryRefusedMiddleware:
    """Answer QueryRefused with a 400 page that says which parameter was wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No text a person types holds a NUL character, and PostgreSQL refuses one in a query: refuse
        # the request here, naming the parameter, before any view can pass it to the database.
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return self._refuse(QueryRefused(f"{name.replace(chr(0), '')}: a NUL character is not allowed."))
        return self.get_response(request)

    @staticmethod
    def _refuse(exception: Exception) -> HttpResponse:
        return HttpResponseBadRequest(
            "<!doctype html><title>Bad request</title><h1>This address has a value we cannot use</h1>"
            f"<p>{escape(str(exception))}</p><p>Go back and choose again.</p>",
            content_type="text/html; charset=utf-8",
        )

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, QueryRefused):
            return None
        return self._refuse(exception)


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` rows.

    Counting a table of millions (the audit log) costs a scan that grows with the table on every
    page view; counting at most `cap` rows in the list's own order is one bounded index range.
    Pages stop at the cap; a list that reaches it says so ("10,000+") and its filters narrow it.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, cap: int = 10_000) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        """Rows in the list, up to the cap (SELECT COUNT(*) over a LIMIT subquery)."""
        return cast("QuerySet[Any]", self.object_list)[: self.cap].count()

    @property
    def capped(self) -> bool:
        """Whether the list has at least `cap` rows (its count is then a lower bound)."""
        return self.count >= self.cap


class ListPage(Page):
    """A page of a list that links to its neighbours keeping the rest of the query string (the list's filters).

    `previous_url` and `next_url` are "" where there is no such page; the one pager template
    (clinic/includes/pager.html) reads them.
    """

    def __init__(self, page: Page, query: QueryDict, param: str) -> None:
        super().__init__(page.object_list, page.number, page.paginator)
        self._query = query
        self._param = param

    def url_of(self, number: int) -> str:
        """A relative link to page `number` of the same list, with the same filters."""
        query = self._query.copy()
        query[self._param] = str(number)
        return "?" + query.urlencode()

    @property
    def previous_url(self) -> str:
        return self.url_of(self.previous_page_number()) if self.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url_of(self.next_page_number()) if self.has_next() else ""


def page_of(paginator: Paginator, request: HttpRequest, param: str = "page") -> ListPage:
    """The page the query string asks for: absent is the first; junk is a 400 and a page past the end a 404.

    The page's links keep every other query parameter, so page 2 of a filtered list is still filtered.
    """
    raw = request.GET.get(param, "")
    if raw in ("", "1"):
        page = paginator.page(1) if paginator.count else paginator.get_page(1)
    elif raw == "last":
        page = paginator.page(paginator.num_pages)
    elif not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise QueryRefused(f"{param}={raw[:40]!r}: a page number is a whole number from 1.")
    else:
        try:
            page = paginator.page(int(raw))
        except EmptyPage:
            raise Http404(f"There is no page {raw}: the list has {paginator.num_pages}.") from None
    return ListPage(page, request.GET, param)
