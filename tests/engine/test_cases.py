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


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_it_plans_each_example_case_as_a_clinician_expects(kb, path):
    spec = json.loads(path.read_text())
    if "exit" in spec["expect"]:
        if "case" in spec:
            with pytest.raises(CaseError):
                make_plan(spec["case"], kb)
        return
    plan = make_plan(spec["case"], kb)
    jsonschema.validate(plan, PLAN_SCHEMA)
    assert check_cases.check(plan, spec["expect"], LIMB_POINTS) == []
    assert make_plan(spec["case"], kb) == plan


def test_the_contract_checker_passes_every_case_through_the_command():
    cli = Path(sys.executable).with_name("fracturecare")
    proc = subprocess.run(
        [sys.executable, check_cases.__file__, "--cli", str(cli), str(CASES_DIR)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(CASES)} passed, 0 failed" in proc.stdout
