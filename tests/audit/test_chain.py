"""The audit hash chain: verify_audit finds an edited, removed or inserted event (triggers dropped first)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.append_only import drop_sql
from fracturecare.audit.chain import GENESIS, append_many, record_key, verify_chain
from fracturecare.audit.models import AuditEvent
from fracturecare.audit.services import audit_record
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    patient = PatientFactory()
    return [
        audit_record(action=AuditAction.PATIENT_VIEWED, patient=patient, obj=patient, actor_label="dana",
                     data={"n": index, "fields": ["phone"]})
        for index in range(5)
    ]


def _sql(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def triggers_dropped():
    """What an intruder with the database would do first; the test transaction puts them back."""
    for statement in drop_sql(connection.vendor, "audit_auditevent"):
        _sql(statement)


def _verify() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_events_are_numbered_and_sealed_in_order(events):
    assert [event.seq for event in events] == [1, 2, 3, 4, 5]
    assert len({event.seal for event in events}) == 5 and all(len(event.seal) == 64 for event in events)
    report = verify_chain()
    assert report.ok and report.checked == 5 and report.head_seal == events[-1].seal


def test_verify_audit_passes_on_an_intact_log(events, capsys):
    call_command("verify_audit")
    assert "intact: 5 events" in capsys.readouterr().out


def test_an_edited_event_is_named(events, triggers_dropped):
    _sql("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["sam", events[2].pk])
    message = _verify()
    assert f"event id {events[2].pk} (number 3, patient.viewed) was changed" in message


def test_an_edited_data_field_is_named(events, triggers_dropped):
    _sql("UPDATE audit_auditevent SET data = %s WHERE id = %s",
         [json.dumps({"n": 1, "fields": ["address"]}), events[1].pk])
    assert f"event id {events[1].pk} " in _verify()


def test_a_removed_event_is_named(events, triggers_dropped):
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert f"event number 2 was removed (the chain jumps to event id {events[2].pk})" in _verify()


def test_an_event_inserted_outside_the_chain_is_named(events, triggers_dropped):
    _sql("INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, data, seal) "
         "VALUES (%s, 'x', 'patient.viewed', '', '', '{}', '')", [events[0].at])
    inserted = AuditEvent.objects.order_by("-id").first()
    assert f"event id {inserted.pk} (patient.viewed) was inserted" in _verify()


def test_a_forged_event_in_the_middle_is_named(events, triggers_dropped):
    forged = AuditEvent(action="patient.viewed", actor_label="x", seq=6, seal="f" * 64)
    AuditEvent.objects.bulk_create([forged])
    assert "was changed or inserted: its seal does not match" in _verify()


def test_another_key_does_not_verify(events, settings):
    settings.AUDIT_KEY = "another key of at least thirty-two characters"
    assert record_key() == b"another key of at least thirty-two characters"
    assert "number 1" in _verify()


def test_bulk_append_continues_the_chain(events):
    more = append_many(AuditEvent(action=AuditAction.PATIENT_CREATED, actor_label="demo", data={"i": i})
                       for i in range(3))
    assert [event.seq for event in more] == [6, 7, 8]
    assert verify_chain().checked == 8
    assert AuditEvent.objects.filter(action="patient.created").count() == 3


def test_an_empty_log_verifies():
    report = verify_chain()
    assert report.ok and report.checked == 0 and report.head_seal == GENESIS
