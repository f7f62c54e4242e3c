"""The contract's example cases (and ours), in-process and through the real command."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from fracturecare.engine import CaseError, make_plan
from tests.contracts import check_cases

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
CASES = sorted(CASES_DIR.glob("*.json"))
PLAN_SCHEMA = json.loads((Path(check_cases.__file__).parent / "plan.schema.json").read_text())
LIMB_POINTS = set(json.loads((Path(check_cases.__file__).parent / "limb_points.json").read_text())["lower_limb"])


def _alternatives(expect: dict) -> list[dict]:
    return expect["one_of"] if "one_of" in expect else [expect]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_it_plans_each_example_case_as_a_clinician_expects(kb, path):
    spec = json.loads(path.read_text())
    alternatives = _alternatives(spec["expect"])
    if "case" not in spec:
        assert all("exit" in alt for alt in alternatives)  # raw input: only the command can be tried
        return
    try:
        plan = make_plan(spec["case"], kb)
    except CaseError:
        assert any(alt.get("exit") == 2 for alt in alternatives), "refused, but the case expects a plan"
        return
    jsonschema.validate(plan, PLAN_SCHEMA)
    planned = [alt for alt in alternatives if "exit" not in alt]
    assert planned, "planned, but the case expects a refusal"
    problems = [check_cases.check(plan, alt, LIMB_POINTS) for alt in planned]
    assert [] in problems, problems
    assert make_plan(spec["case"], kb) == plan


def test_the_contract_checker_passes_every_case_through_the_command():
    cli = Path(sys.executable).with_name("fracturecare")
    proc = subprocess.run(
        [sys.executable, check_cases.__file__, "--cli", str(cli), str(CASES_DIR)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(CASES)} passed, 0 failed" in proc.stdout
