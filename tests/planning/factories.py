"""Evaluations and plans built through the real services and engine."""

from __future__ import annotations

import json
from pathlib import Path

from fracturecare.accounts.models import Role
from fracturecare.planning.services import evaluation_submit
from tests.factories import PatientFactory, UserFactory

CASES_DIR = Path(__file__).resolve().parents[2] / "src" / "fracturecare" / "planning" / "example_cases"
EXAMPLES = sorted(p.stem for p in CASES_DIR.glob("*.json"))


def example(name: str) -> dict:
    """The example file (id, about, case, expect) whose name starts with `name`."""
    (path,) = [p for p in CASES_DIR.glob("*.json") if p.stem.startswith(name)]
    return json.loads(path.read_text())


def example_case(name: str) -> dict:
    return example(name)["case"]


def make_plan(case_name: str = "C01", *, patient=None, clinician=None):
    """An evaluation of an example case with its generated plan; returns the Plan."""
    clinician = clinician or UserFactory(role=Role.CLINICIAN)
    patient = patient or PatientFactory()
    evaluation = evaluation_submit(patient=patient, clinician=clinician, case=example_case(case_name))
    return evaluation.plan
