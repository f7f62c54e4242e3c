import pytest

from fracturecare.knowledge import load_knowledge


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()
