"""One list of audit actions: audit_record refuses anything else."""

from __future__ import annotations

import ast
import pathlib

import pytest

import fracturecare
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.models import AuditEvent
from fracturecare.audit.services import audit_record

SRC = pathlib.Path(fracturecare.__file__).parent


def test_values_are_namespaced_and_unique():
    values = [action.value for action in AuditAction]
    assert len(values) == len(set(values))
    assert all(value.count(".") == 1 and value == value.lower() for value in values)
    assert AuditAction.PLAN_SIGNED == "plan.signed"


@pytest.mark.django_db
def test_unknown_action_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="plan.sgined"):
        audit_record(action="plan.sgined", actor_label="x")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_member_and_its_string_are_stored_alike():
    first = audit_record(action=AuditAction.PATIENT_VIEWED, actor_label="x")
    second = audit_record(action="patient.viewed", actor_label="x")
    assert AuditEvent.objects.filter(action="patient.viewed").count() == 2
    assert first.action == second.action == "patient.viewed"


def test_no_string_literal_actions_in_the_code():
    """Every audit_record call names a member, so a search for the member finds every place it is written."""
    literals = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        literals += [
                            f"{path.relative_to(SRC)}:{node.lineno}" for sub in ast.walk(keyword.value)
                            if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
                        ]
    assert literals == []
