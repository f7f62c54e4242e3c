"""The database itself refuses UPDATE and DELETE of the record (raw SQL, no model in the way)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from fracturecare.accounts.models import Role
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.append_only import refuse_changes, trigger_sql
from fracturecare.audit.models import AuditEvent
from fracturecare.audit.services import audit_record
from fracturecare.charting import services as charting
from fracturecare.charting.models import Amendment, NeedledPoint, Visit
from fracturecare.planning import services as planning
from fracturecare.planning.models import PlanEdit, PlanVersion
from tests.charting.factories import VisitFactory
from tests.factories import UserFactory
from tests.planning.factories import make_plan

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(sql, params)


@pytest.fixture
def signed_record():
    clinician = UserFactory(role=Role.CLINICIAN)
    visit = VisitFactory(needles_in=1, needles_out=1, clinician=clinician)
    NeedledPoint.objects.create(visit=visit, code="KI3", laterality="left")
    visit = charting.visit_sign(visit=visit, actor=clinician)
    amendment = charting.visit_amend(visit=visit, author=clinician, text="Late entry.")
    addendum = charting.visit_addendum_add(visit=visit, author=UserFactory(role=Role.CLINICIAN), text="Reviewed.")
    plan = make_plan("C01", clinician=clinician)
    planning.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="KI3", reason="x")
    version = planning.plan_sign(plan=plan, actor=clinician)
    return {"visit": visit, "amendment": amendment, "addendum": addendum, "version": version,
            "edit": PlanEdit.objects.get(plan=plan), "event": audit_record(action=AuditAction.AUDIT_VIEWED)}


@pytest.mark.parametrize(("table", "key", "column"), [
    ("audit_auditevent", "event", "actor_label"),
    ("charting_visit", "visit", "notes"),
    ("charting_amendment", "amendment", "text"),
    ("charting_addendum", "addendum", "text"),
    ("planning_planversion", "version", "amendment_reason"),
    ("planning_planedit", "edit", "reason"),
])
def test_raw_update_and_delete_are_refused(signed_record, table, key, column):
    pk = signed_record[key].pk
    _refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["tampered", pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [pk])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        assert cursor.fetchone()[0] != "tampered"


def test_parts_of_a_signed_visit_cannot_be_deleted(signed_record):
    visit = signed_record["visit"]
    _refused("DELETE FROM charting_needledpoint WHERE visit_id = %s", [visit.pk])
    assert NeedledPoint.objects.filter(visit=visit).count() == 1


def test_drafts_and_pending_changes_stay_ordinary_rows(signed_record):
    draft = VisitFactory()
    NeedledPoint.objects.create(visit=draft, code="LI4", laterality="left")
    assert _raw("DELETE FROM charting_needledpoint WHERE visit_id = %s", [draft.pk]) == 1
    assert _raw("DELETE FROM charting_visit WHERE id = %s", [draft.pk]) == 1
    plan = signed_record["version"].plan
    clinician = signed_record["version"].signed_by
    planning.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="SP6", reason="y")
    pending = PlanEdit.objects.filter(plan=plan).order_by("-version").first()
    assert pending.version == 2
    assert _raw("DELETE FROM planning_planedit WHERE id = %s", [pending.pk]) == 1
    assert Amendment.objects.count() == PlanVersion.objects.count() == 1
    assert Visit.objects.filter(pk=signed_record["visit"].pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database():
    """A whole-database wipe (tests, forced restore) is not an edit of a record."""
    audit_record(action=AuditAction.AUDIT_VIEWED)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    later = audit_record(action=AuditAction.AUDIT_VIEWED)
    _refused("DELETE FROM audit_auditevent WHERE id = %s", [later.pk])


def test_the_helper_refuses_bad_names():
    with pytest.raises(ValueError, match="bad table"):
        refuse_changes("x; DROP TABLE y", message="no")
    assert trigger_sql("mysql", "t", message="m") == []
    assert any("RAISE EXCEPTION 'kept'" in sql for sql in trigger_sql("postgresql", "t", message="kept"))
