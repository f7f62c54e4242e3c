import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def login(client):
    """Sign in a new user with the given role and return it."""

    def _login(role: str):
        user = UserFactory(role=role)
        assert client.login(username=user.username, password=PASSWORD)
        return user

    return _login
