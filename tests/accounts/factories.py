"""Factories for accounts tests: API tokens made through the service."""

from __future__ import annotations

from fracturecare.accounts.models import Role
from fracturecare.accounts.services import NewToken, token_create
from tests.factories import UserFactory


def make_token(user=None, name: str = "script") -> NewToken:
    """A live token (and its raw value) for `user`, a new clinician by default."""
    return token_create(user=user or UserFactory(role=Role.CLINICIAN), name=name)
