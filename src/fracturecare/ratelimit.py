"""Shared pieces of the public forms' rate limits (contact form, online booking)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


class RateLimited(Exception):
    """One client has used up a public form's allowance; `args[0]` says what to do instead."""


def client_key_for(ip_address: str | None) -> str:
    """Return a keyed hash of a client address, so the raw address is never stored."""
    if not ip_address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ip_address.encode(), hashlib.sha256).hexdigest()


@functools.cache
def _trusted(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For when the connection comes from a trusted proxy.

    Only proxies listed in FRACTURECARE_TRUSTED_PROXIES are believed; the header is read from the right (the entry
    the trusted proxy added) and the first address not itself a trusted proxy is the client. A malformed entry stops
    the walk at the last address we can vouch for, so a client cannot choose the address we record.
    """
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    trusted = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    client = remote
    if trusted and is_trusted(remote):
        for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = _address(entry)
            if hop is None:
                break
            client = hop
            if not is_trusted(hop):
                break
    return str(client)
