"""The clinic navigation: one list of sections, each shown only to roles its page lets in.

Who may open a page is decided once, by the `role_required` decorator on its view; the
navigation reads that decision (`allowed_roles`) instead of keeping a second copy, so a link
can never be offered to someone its page would refuse. A URL name that is not wired up (an app
whose page is not mounted in this deployment) is left out rather than breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from fracturecare.accounts.models import User


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    # View names (fnmatch patterns) of the pages that belong to this section, for aria-current.
    pages: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section("Home", "dashboard:home"),
    Section(
        "Patients",
        "patients:list",
        (
            "patients:list",
            "patients:create",
            "patients:detail",
            "patients:edit",
            "portal:invite",
            "evaluations:*",
            "planning:*",
            "charting:*",
            "outcomes:*",
            "interop:*",
            "intake:*",
            "programmes:*",
        ),
    ),
    Section("Schedule", "scheduling:schedule", ("scheduling:desk_book", "scheduling:appointment_*")),
    Section("Patient emails", "scheduling:outbox", ("scheduling:outbox_*",)),
    Section("Inbox", "public:inbox", ("public:inbox_*",)),
    Section("Website stories", "public:story_admin_list", ("public:story_admin_*",)),
    Section("Website articles", "public:article_admin_list", ("public:article_admin_*",)),
    Section("API tokens", "api_tokens:list", ("api_tokens:*",)),
    Section("Audit log", "audit:log", ("audit:*",)),
    Section("Security", "security:home", ("security:*",)),
    Section("Reports", "clinicadmin:reports", ("clinicadmin:report*",)),
    Section("Settings", "clinicadmin:index", ("clinicadmin:[!r]*",)),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    # "page" on the section's own page, "true" on a page inside it, "" elsewhere.
    current: str


def _allowed_roles(path: str) -> tuple[str, ...]:
    try:
        view = resolve(path).func
    except Resolver404:
        return ()
    # A view without role_required is not a clinic page; offer it to nobody.
    return tuple(getattr(view, "allowed_roles", ()))


def nav_links(user: User | AnonymousUser | None, current_view_name: str | None = None) -> list[NavLink]:
    """The sections `user` may open, in menu order, marking the one `current_view_name` is in."""
    if user is None or not user.is_authenticated:
        return []
    links = []
    for section in SECTIONS:
        try:
            href = reverse(section.url_name)
        except NoReverseMatch:
            continue
        if user.role not in _allowed_roles(href):
            continue
        current = ""
        if current_view_name == section.url_name:
            current = "page"
        elif current_view_name and any(fnmatchcase(current_view_name, p) for p in section.pages):
            current = "true"
        links.append(NavLink(section.label, href, current))
    return links
