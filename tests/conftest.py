import pytest

from tests.factories import PASSWORD, UserFactory

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
    """Sign in a new user with the given role and return it."""

    def _login(role: str):
        user = UserFactory(role=role)
        assert client.login(username=user.username, password=PASSWORD)
        return user

    return _login
