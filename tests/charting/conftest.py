import types

import pytest

# The knowledge base is being written; until it loads, charting tests run against this
# small subset of it (real WHO codes and muscle ids from the project's reference).
STUB_POINTS = ["KI3", "ST36", "SP6", "LR3", "LI4", "BL57", "GB34", "GB39", "BL11", "ST41"]
STUB_MUSCLES = {"gastrocnemius": "Gastrocnemius", "soleus": "Soleus", "tibialis_posterior": "Tibialis posterior"}


@pytest.fixture(autouse=True)
def knowledge(monkeypatch):
    kb = types.SimpleNamespace(
        points={code: {"code": code} for code in STUB_POINTS},
        muscles={mid: {"id": mid, "name": name} for mid, name in STUB_MUSCLES.items()},
    )
    monkeypatch.setattr("fracturecare.charting.knowledge.load_knowledge", lambda: kb)
    return kb
