"""The `fracturecare plan` command: formats, standard input, batches and bad input."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

CLI = str(Path(sys.executable).with_name("fracturecare"))
CASES = Path(__file__).parent / "cases"
C01 = json.loads((CASES / "C01-runner-posteromedial-tibia.json").read_text())["case"]
C02 = json.loads((CASES / "C02-recruit-femoral-neck.json").read_text())["case"]


def run(*args, stdin=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_it_plans_a_file_as_json(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(C01))
    proc = run("plan", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["triage"]["level"] == "proceed"


def test_text_format_puts_triage_first_then_modalities_with_sources():
    proc = run("plan", "-", "--format", "text", stdin=json.dumps(C02))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].startswith("TRIAGE: URGENT REFERRAL")
    text = proc.stdout
    assert text.index("CONVENTIONAL CARE") < text.index("ACUPUNCTURE") < text.index("DRY NEEDLING")
    assert "Deferred until medically cleared." in text
    assert "[ROB17" in text or "ROB17" in text


def test_a_batch_gives_plans_in_order():
    proc = run("plan", "-", stdin=json.dumps([C01, C02]))
    assert proc.returncode == 0, proc.stderr
    plans = json.loads(proc.stdout)
    assert [p["triage"]["level"] for p in plans] == ["proceed", "urgent_referral"]


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        ("{not json", "not JSON"),
        (json.dumps({**C01, "injury": {**C01["injury"], "pain_nrs": 14}}), "injury.pain_nrs"),
        (json.dumps({**C01, "patient": {"age": -3, "sex": "female"}}), "patient.age"),
        (json.dumps({**C01, "injury": {**C01["injury"], "bone": "skull"}}), "injury.bone"),
        (json.dumps({**C01, "history": {"bmi": "twenty"}}), "history.bmi"),
        (json.dumps({"patient": {"age": 30, "sex": "male"}}), "injury"),
        (json.dumps([C01, {**C02, "injury": {"side": "left"}}]), "case [1]: injury.bone"),
        (json.dumps("a string"), "(case)"),
    ],
)
def test_bad_input_exits_2_naming_the_field_with_nothing_on_stdout(stdin, field):
    proc = run("plan", "-", stdin=stdin)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert field in proc.stderr


def test_a_missing_file_is_bad_input(tmp_path):
    proc = run("plan", str(tmp_path / "nope.json"))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "cannot read" in proc.stderr


def test_an_unknown_format_is_a_usage_error():
    proc = run("plan", "-", "--format", "xml", stdin="{}")
    assert proc.returncode == 2 and proc.stdout == ""


def test_batch_output_is_json_that_meets_the_plan_contract():
    """`plan` does not validate its output on every call (speed); the contract is checked here."""
    schema = json.loads((Path(__file__).parents[1] / "src/fracturecare/contracts/plan.schema.json").read_text())
    proc = run("plan", "-", stdin=json.dumps([C01, C02]))
    assert proc.returncode == 0, proc.stderr
    plans = json.loads(proc.stdout)
    single = json.loads(run("plan", "-", stdin=json.dumps(C02)).stdout)
    assert plans[1] == single
    validator = jsonschema.Draft202012Validator(schema)
    for plan in plans:
        assert not list(validator.iter_errors(plan))
    assert len(plans) == 2


def test_nan_is_not_json_and_is_refused():
    case = json.dumps(C01).replace('"pain_nrs": 5', '"pain_nrs": NaN')
    assert "NaN" in case
    proc = run("plan", "-", stdin=case)
    assert proc.returncode == 2
    assert "not JSON" in proc.stderr and proc.stdout == ""
