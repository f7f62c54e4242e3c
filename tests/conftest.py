import pytest

from tests.consent import patients_have_consented  # noqa: F401  (autouse for every test)
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher and deliberately slow; tests that are about hashing
    # set PASSWORD_HASHERS back themselves (tests/accounts/test_passwords.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _clinic_profile_without_db(request, monkeypatch):
    """Tests that use no database see the first-run clinic profile (what an empty database gives).

    Every request reads the clinic profile once (ClinicMiddleware); a test with no database access
    would fail on that read, although an empty database would answer with exactly these defaults.
    """
    if request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames):
        return
    from fracturecare.clinic import selectors
    from fracturecare.clinic.models import ClinicProfile

    monkeypatch.setattr(selectors, "_load", lambda: ClinicProfile(**selectors.profile_defaults()))


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
