"""The keyed hash chain over audit events, and its verification.

Each event's `seal` is HMAC-SHA256(key, previous seal + this event's fields, `seq` included). Without the key
nobody can make a changed, removed or inserted event fit the chain again. The key is `FRACTURECARE_AUDIT_KEY`, or,
when that is not set, one derived from the secret key (so keep the secret key, or set the audit key, for as long
as the log is kept).

Writers take a lock for the length of their transaction so two of them never chain onto the same event:
`pg_advisory_xact_lock` on PostgreSQL; on SQLite every transaction already starts with the write lock
(`transaction_mode=IMMEDIATE` in settings). The cost per event is one indexed lookup of the last event and one HMAC.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from fracturecare.audit.models import AuditEvent

GENESIS = "0" * 64
# A fixed number: every writer of the audit chain takes this PostgreSQL advisory lock.
CHAIN_LOCK_ID = 0x0FC_A0D17
FIELDS = (
    "seq", "at", "actor_id", "actor_label", "action", "patient_id", "object_type", "object_id", "ip_address", "data"
)


def record_key() -> bytes:
    """The key sealing audit events and signed visits: FRACTURECARE_AUDIT_KEY or one derived from SECRET_KEY."""
    configured = getattr(settings, "AUDIT_KEY", "") or ""
    if configured:
        return configured.encode()
    return salted_hmac("fracturecare.audit.record-key", "", algorithm="sha256").digest()


def keyed_hash(payload: bytes, key: bytes | None = None) -> str:
    """HMAC-SHA256 of `payload` under the record key, as hex."""
    return hmac.new(key or record_key(), payload, hashlib.sha256).hexdigest()


def _canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def payload(values: dict[str, Any]) -> bytes:
    """The bytes sealed for one event (a dict holding FIELDS, as stored)."""
    row = [values[name] for name in FIELDS]
    row[1] = _canonical_time(row[1])
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def seal_of(prev_seal: str, values: dict[str, Any], key: bytes) -> str:
    """The seal of an event following `prev_seal`."""
    return keyed_hash(prev_seal.encode() + b"\n" + payload(values), key)


def _event_values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in FIELDS}


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])


def _head() -> tuple[int, str]:
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "seal").first()
    if last is None:
        return 0, GENESIS
    seq, seal = last
    if seq is None:  # excluded by the filter; the column itself is nullable
        raise RuntimeError("audit chain head has no sequence number")
    return seq, seal


def _prepare(events: Sequence[AuditEvent], seq: int, prev: str, key: bytes) -> None:
    for event in events:
        seq += 1
        event.seq = seq
        # Sealed as the database will give it back: IPv6 normalised, data as plain JSON.
        event.ip_address = AuditEvent._meta.get_field("ip_address").get_prep_value(event.ip_address) or None
        event.data = json.loads(json.dumps(event.data or {}, default=str))
        event.seal = prev = seal_of(prev, _event_values(event), key)


def append(event: AuditEvent) -> AuditEvent:
    """Chain and save one new event (inside the caller's transaction, holding the chain lock until it ends)."""
    with transaction.atomic():
        _lock()
        seq, prev = _head()
        _prepare([event], seq, prev, record_key())
        event.save(force_insert=True)
    return event


def append_many(events: Iterable[AuditEvent], *, batch_size: int = 2000) -> list[AuditEvent]:
    """Chain and bulk-insert many new events in order (for generators and imports); one lock, one head lookup."""
    events = list(events)
    key = record_key()
    with transaction.atomic():
        _lock()
        seq, prev = _head()
        _prepare(events, seq, prev, key)
        AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return events


@dataclass(frozen=True)
class ChainReport:
    """The outcome of `verify_chain`: `problem` names the first event that breaks the chain, or is empty."""

    checked: int
    head_seq: int
    head_seal: str
    problem: str = ""
    event_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_chain(*, key: bytes | None = None, chunk_size: int = 5000, using: str = "default") -> ChainReport:
    """Recompute every seal in order and report the first event that was changed, removed or inserted."""
    key = key or record_key()
    events = AuditEvent.objects.using(using)
    outside = events.filter(seq__isnull=True).order_by("id").values_list("id", "action").first()
    expected, prev, checked, last_seal = 1, GENESIS, 0, GENESIS
    rows = events.order_by("seq", "id").filter(seq__isnull=False).values_list("id", "seal", *FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        event_id, seal, values = row[0], row[1], dict(zip(FIELDS, row[2:], strict=True))
        seq = values["seq"]
        if seq > expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            return ChainReport(checked, expected - 1, prev,
                               f"event number {missing} was removed (the chain jumps to event id {event_id})",
                               event_id)
        if seq < expected:
            return ChainReport(checked, expected - 1, prev,
                               f"event id {event_id} was inserted (it repeats chain number {seq})", event_id)
        if seal_of(prev, values, key) != seal:
            return ChainReport(checked, expected - 1, prev,
                               f"event id {event_id} (number {seq}, {values['action']}) was changed or inserted: "
                               "its seal does not match", event_id)
        prev = last_seal = seal
        expected += 1
        checked += 1
    if outside is not None:
        return ChainReport(checked, expected - 1, last_seal,
                           f"event id {outside[0]} ({outside[1]}) was inserted outside the chain", outside[0])
    return ChainReport(checked, expected - 1, last_seal)
