"""The `{% clinic_nav %}` tag: the clinic navigation for the signed-in user (see patients.navigation)."""

from __future__ import annotations

from django import template
from django.template.context import Context

from fracturecare.patients.navigation import NavLink, nav_links

register = template.Library()


@register.inclusion_tag("clinic/_nav.html", takes_context=True)
def clinic_nav(context: Context) -> dict[str, list[NavLink]]:
    """Links for the current user's role, with the current section marked."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    match = getattr(request, "resolver_match", None)
    return {"links": nav_links(request.user, match.view_name if match else None)}
