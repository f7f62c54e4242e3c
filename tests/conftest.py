import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher and deliberately slow; tests that are about hashing
    # set PASSWORD_HASHERS back themselves (tests/accounts/test_passwords.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client):
    """Sign in a new user with the given role and return it.

    force_login, not client.login: the lockout backend (django-axes) needs the request that
    a real sign-in form passes to authenticate(); tests/accounts/test_lockout.py signs in
    through the form.
    """

    def _login(role: str):
        user = UserFactory(role=role)
        client.force_login(user)
        return user

    return _login
