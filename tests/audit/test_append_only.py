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
from fracturecare.intake import services as intake
from fracturecare.intake.content import FormKind
from fracturecare.intake.models import ConsentRecord, FormSubmission, IntakeResponse
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
    forms = intake.form_request_create(patient=visit.patient, forms=[FormKind.INTAKE, FormKind.CONSENT_ACUPUNCTURE])
    answers = intake.intake_submit(form_request=forms, answers={"activity": "running"})
    consent = intake.consent_sign(form_request=forms, form=FormKind.CONSENT_ACUPUNCTURE, signed_name="A Patient",
                                  agreed=True)
    return {"visit": visit, "amendment": amendment, "addendum": addendum, "version": version,
            "edit": PlanEdit.objects.get(plan=plan), "event": audit_record(action=AuditAction.AUDIT_VIEWED),
            "consent": consent, "answers": answers, "submission": FormSubmission.objects.get(form=FormKind.INTAKE)}


@pytest.mark.parametrize(("table", "key", "column"), [
    ("audit_auditevent", "event", "actor_label"),
    ("charting_visit", "visit", "notes"),
    ("charting_amendment", "amendment", "text"),
    ("charting_addendum", "addendum", "text"),
    ("planning_planversion", "version", "amendment_reason"),
    ("planning_planedit", "edit", "reason"),
    ("intake_consentrecord", "consent", "signed_name"),
    ("intake_consentrecord", "consent", "text"),
    ("intake_formsubmission", "submission", "form"),
])
def test_raw_update_and_delete_are_refused(signed_record, table, key, column):
    pk = signed_record[key].pk
    _refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["tampered", pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [pk])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        assert cursor.fetchone()[0] != "tampered"


def test_a_signed_consent_moves_with_a_merged_record_but_is_never_edited(signed_record):
    """Merging a duplicate record moves its consents and answers to the chart; nothing else about them changes."""
    consent, answers = signed_record["consent"], signed_record["answers"]
    chart = VisitFactory().patient
    assert _raw("UPDATE intake_consentrecord SET patient_id = %s WHERE id = %s", [chart.pk, consent.pk]) == 1
    assert _raw("UPDATE intake_intakeresponse SET patient_id = %s WHERE id = %s", [chart.pk, answers.pk]) == 1
    _refused("UPDATE intake_consentrecord SET patient_id = %s, decision = %s WHERE id = %s",
             [signed_record["visit"].patient_id, "withdrawn", consent.pk])
    # A NULL column becoming a value is a change too.
    _refused("UPDATE intake_consentrecord SET recorded_by_id = %s WHERE id = %s",
             [signed_record["visit"].clinician_id, consent.pk])
    stored = ConsentRecord.objects.get(pk=consent.pk)
    assert (stored.patient_id, stored.decision, stored.recorded_by_id) == (chart.pk, "given", None)
    assert IntakeResponse.objects.get(pk=answers.pk).patient_id == chart.pk


def test_intake_answers_are_kept(signed_record):
    answers = signed_record["answers"]
    _refused("UPDATE intake_intakeresponse SET request_id = NULL WHERE id = %s", [answers.pk])
    _refused("DELETE FROM intake_intakeresponse WHERE id = %s", [answers.pk])
    assert IntakeResponse.objects.get(pk=answers.pk).request_id is not None


def test_a_withdrawal_is_a_new_consent_row(signed_record):
    consent = signed_record["consent"]
    clinician = signed_record["visit"].clinician
    withdrawal = intake.consent_withdraw(patient=consent.patient, form=consent.form, actor=clinician)
    assert withdrawal.pk != consent.pk and withdrawal.decision == "withdrawn"
    assert ConsentRecord.objects.get(pk=consent.pk).decision == "given"


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
    with pytest.raises(ValueError, match="bad columns"):
        refuse_changes("t", message="no", update_allows=("patient_id; DROP TABLE y",))
    update_only = trigger_sql("sqlite", "t", message="kept", frozen=("a", "b"))
    assert any("WHEN (NEW.a IS NOT OLD.a OR NEW.b IS NOT OLD.b)" in sql for sql in update_only)
    assert any("RAISE EXCEPTION 'kept'" in sql for sql in trigger_sql("postgresql", "t", message="kept"))
