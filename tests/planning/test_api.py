"""POST /api/v1/plans: the same plan as the command line, 422 on bad input, 401/403."""

import json
import subprocess
import sys

import pytest

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from tests.planning.factories import CASES_DIR, EXAMPLES, example

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans"


def _post(client, body):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def _cli(case: dict, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    return subprocess.run(
        [sys.executable, "-m", "fracturecare.cli", "plan", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )


def _without_timestamp(plan: dict) -> dict:
    return {k: v for k, v in plan.items() if k != "generated_at"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_it_answers_what_the_command_line_answers(client, login, tmp_path, name):
    login(Role.CLINICIAN)
    case = example(name)["case"]
    cli = _cli(case, tmp_path)
    response = _post(client, case)
    if cli.returncode == 0:
        assert response.status_code == 200, response.content
        assert _without_timestamp(response.json()) == _without_timestamp(json.loads(cli.stdout))
    else:
        assert cli.returncode == 2 and cli.stdout == ""
        assert response.status_code == 422


def test_the_examples_are_all_there():
    assert len(list(CASES_DIR.glob("*.json"))) == 5


@pytest.mark.parametrize(
    "body, field",
    [
        ({"patient": {"age": 30, "sex": "male"}, "injury": {"bone": "tibia", "side": "left", "pain_nrs": 14}},
         "injury.pain_nrs"),
        ({"patient": {"age": -3, "sex": "male"}, "injury": {"bone": "tibia", "side": "left"}}, "patient.age"),
        ({"patient": {"age": 30, "sex": "male"}, "injury": {"bone": "skull", "side": "left"}}, "injury.bone"),
        ({"patient": {"age": "thirty", "sex": "male"}, "injury": {"bone": "tibia", "side": "left"}}, "patient.age"),
        ({"patient": {"age": 30, "sex": "male"}}, "injury"),
        # Fail closed: free text that does not resolve, a region of another bone, a contradiction.
        ({"patient": {"age": 30, "sex": "male"}, "injury": {"bone": "tibia", "side": "left"},
          "medications": ["warfrin"]}, "medications[0]"),
        ({"patient": {"age": 30, "sex": "male"}, "injury": {"bone": "femur", "region": "neck", "side": "left"}},
         "injury.region"),
        ({"patient": {"age": 30, "sex": "male", "pregnant": True}, "injury": {"bone": "tibia", "side": "left"}},
         "patient.pregnant"),
    ],
)
def test_a_case_that_breaks_the_contract_gets_422_naming_the_field(client, login, body, field):
    login(Role.CLINICIAN)
    response = _post(client, body)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f == field or f.startswith(field) for f in fields), fields


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"a string"', ""])
def test_a_body_that_is_not_one_case_gets_422(client, login, body):
    login(Role.CLINIC_ADMIN)
    response = _post(client, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"]


def test_anonymous_callers_get_401(client):
    assert _post(client, example("C01")["case"]).status_code == 401


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_other_roles_get_403(client, login, role):
    login(role)
    assert _post(client, example("C01")["case"]).status_code == 403


def test_it_stores_nothing_but_the_audit_event(client, login):
    user = login(Role.CLINICIAN)
    _post(client, example("C01")["case"])
    from fracturecare.planning.models import Plan

    assert not Plan.objects.exists()
    assert AuditEvent.objects.filter(action="plan.api_generated", actor=user).count() == 1
