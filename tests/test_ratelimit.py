"""The client address: X-Forwarded-For is believed only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from fracturecare.ratelimit import client_ip


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own entry on the left is not believed
    ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two proxies of ours
    ("10.0.0.2", "not-an-address", "10.0.0.2"),
    ("10.0.0.2", "", "10.0.0.2"),
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from the proxy: the header is the client's invention
])
def test_a_trusted_proxy_names_the_client(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(remote, forwarded)) == expected


def test_no_request_no_address():
    assert client_ip(None) is None
