"""Template helpers for the public pages: absolute URLs, JSON-LD, phone links."""

from __future__ import annotations

import json
import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# The same escapes as django.utils.html.json_script: "</script>" inside a string cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    """The public address of `path`, from the configured base URL (never from the Host header)."""
    return settings.CLINIC["base_url"].rstrip("/") + path


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """Absolute URL of the current page, without its query string."""
    request = context.get("request")
    return absolute_url(request.path if request is not None else "/")


@register.filter
def ld_json(data) -> SafeString:
    """Render a dict as a `<script type="application/ld+json">` block."""
    if not data:
        return SafeString("")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


@register.filter
def dial(number: str) -> str:
    """A phone number as a tel:/sms: target: digits with a leading + kept."""
    number = (number or "").strip()
    digits = re.sub(r"\D", "", number)
    return ("+" + digits) if number.startswith("+") else digits
