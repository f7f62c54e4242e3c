import pytest


@pytest.fixture(autouse=True)
def patients_have_consented():
    """Here patients start without consent: these tests are about giving and requiring it."""
    yield
