import pytest

from fracturecare.engine.conditions import holds, paths_in

FACTS = {"findings.fever": True, "findings.night_pain": False, "history.bmi": 17.5, "injury.bone": "tibia",
         "conditions": ["pacemaker"], "patient.age": 17}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"path": "findings.fever", "is": True}, True),
        ({"path": "findings.night_pain", "is": True}, False),
        ({"path": "findings.swelling", "is": True}, False),  # not assessed never triggers
        ({"path": "findings.swelling", "is": False}, False),
        ({"path": "findings.swelling", "missing": True}, True),
        ({"path": "history.bmi", "lte": 17.5}, True),
        ({"path": "history.bmi", "lt": 17.5}, False),
        ({"path": "history.bmd_z_score", "lt": 0}, False),  # missing number never compares
        ({"path": "injury.bone", "in": ["tibia", "fibula"]}, True),
        ({"path": "conditions", "contains": "pacemaker"}, True),
        ({"path": "conditions", "contains_any": ["epilepsy", "diabetes"]}, False),
        ({"path": "findings.fever", "is": 1}, False),  # booleans are not numbers
        ({"all": [{"path": "findings.fever", "is": True}, {"path": "patient.age", "lt": 18}]}, True),
        ({"any": [{"path": "findings.night_pain", "is": True}, {"path": "patient.age", "gte": 18}]}, False),
        ({"not": {"path": "findings.night_pain", "is": True}}, True),
        ({"always": True}, True),
    ],
)
def test_it_evaluates_conditions(condition, expected):
    assert holds(condition, FACTS) is expected


def test_it_lists_the_paths_a_condition_reads():
    condition = {"all": [{"path": "a.b", "is": 1}, {"not": {"any": [{"path": "c.d", "is": 2}, {"always": True}]}}]}
    assert paths_in(condition) == {"a.b", "c.d"}
