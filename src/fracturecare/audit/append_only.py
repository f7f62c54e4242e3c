"""Database triggers that make a table append-only, written once for SQLite and PostgreSQL.

Use in a migration of any app whose signed rows must never change::

    from fracturecare.audit.append_only import refuse_changes

    operations = [refuse_changes("myapp_signedthing", message="signed things are kept")]
    # only rows that are signed:
    operations = [refuse_changes("myapp_consent", when="OLD.signed_at IS NOT NULL", message="...")]

`when` is an SQL condition on `OLD` that both databases understand; without it every UPDATE and DELETE is refused.

`update_allows` names columns an UPDATE may still change when it changes nothing else, for a row that can move
between records but never be edited (signed consents follow a duplicate patient record merged into the chart)::

    operations = [refuse_changes("myapp_consent", message="...", update_allows=("patient_id",))]

The other columns are read from the table when the migration runs; a column added later is protected once a
later migration installs the triggers again.
The models refuse these writes too; the triggers make sure a raw UPDATE, a shell session or another program cannot.

Two deliberate exceptions, both "empty the whole database" rather than "change a record":
- PostgreSQL `TRUNCATE` (row triggers do not fire; Django's `flush` and a forced restore use it);
- on SQLite, Django's `flush` (which deletes row by row) runs inside `flush_allowed()`, which puts a row in the
  `fracturecare_flush_allowed` table for the length of the flush. The `flush` command of the audit app does this.

On SQLite a table rebuilt by a later migration loses its triggers: re-add them in that migration (the tests that run
raw UPDATE and DELETE against every protected table catch a forgotten one).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from django.db import connections, migrations

FLUSH_TABLE = "fracturecare_flush_allowed"
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _sqlite_sql(
    table: str, when: str | None, message: str, events: tuple[str, ...], frozen: tuple[str, ...] | None
) -> list[str]:
    statements = [f"CREATE TABLE IF NOT EXISTS {FLUSH_TABLE} (id INTEGER PRIMARY KEY);"]
    for event in events:
        conditions = [f"({when})"] if when else []
        if event == "DELETE":
            conditions.append(f"NOT EXISTS (SELECT 1 FROM {FLUSH_TABLE})")
        elif frozen is not None:
            # SQLite's IS NOT compares NULLs as values, so a NULL becoming a value counts as a change.
            conditions.append("(" + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen) + ")")
        where = f"WHEN {' AND '.join(conditions)} " if conditions else ""
        statements.append(
            f"CREATE TRIGGER {table}_refuse_{event.lower()} BEFORE {event} ON {table} FOR EACH ROW "
            f"{where}BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )
    return statements


def _sqlite_drop(table: str, events: tuple[str, ...]) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_refuse_{event.lower()};" for event in events]


def _postgresql_sql(
    table: str, when: str | None, message: str, events: tuple[str, ...], frozen: tuple[str, ...] | None
) -> list[str]:
    check = f"IF {when} THEN RAISE EXCEPTION '{message}'; END IF;" if when else f"RAISE EXCEPTION '{message}';"
    if frozen is not None:
        # An UPDATE that leaves every frozen column as it was is let through before the check.
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in frozen)
        check = f"IF TG_OP = 'UPDATE' AND {same} THEN RETURN NEW; END IF; {check}"
    return [
        f"CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger AS $$ BEGIN {check} "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;",
        f"DROP TRIGGER IF EXISTS {table}_refuse ON {table};",
        f"CREATE TRIGGER {table}_refuse BEFORE {' OR '.join(events)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse();",
    ]


def _postgresql_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_refuse ON {table};", f"DROP FUNCTION IF EXISTS {table}_refuse();"]


def trigger_sql(
    vendor: str,
    table: str,
    *,
    message: str,
    when: str | None = None,
    events: tuple[str, ...] = ("UPDATE", "DELETE"),
    frozen: tuple[str, ...] | None = None,
) -> list[str]:
    """The statements that install the triggers on `vendor` ("sqlite" or "postgresql"; others get none).

    With `frozen`, an UPDATE is refused only when it changes one of those columns.
    """
    if not _NAME.match(table) or "'" in message or not set(events) <= {"UPDATE", "DELETE"}:
        raise ValueError(f"refuse_changes: bad table {table!r}, message or events {events!r}")
    if frozen is not None and (not frozen or not all(_NAME.match(c) for c in frozen)):
        raise ValueError(f"refuse_changes: bad columns {frozen!r}")
    if vendor == "sqlite":
        return _sqlite_sql(table, when, message, events, frozen)
    if vendor == "postgresql":
        return _postgresql_sql(table, when, message, events, frozen)
    return []


def drop_sql(vendor: str, table: str, *, events: tuple[str, ...] = ("UPDATE", "DELETE")) -> list[str]:
    """The statements that remove what `trigger_sql` installed."""
    if vendor == "sqlite":
        return _sqlite_drop(table, events)
    if vendor == "postgresql":
        return _postgresql_drop(table)
    return []


def refuse_changes(
    table: str,
    *,
    message: str,
    when: str | None = None,
    events: tuple[str, ...] = ("UPDATE", "DELETE"),
    update_allows: tuple[str, ...] = (),
) -> migrations.RunPython:
    """A migration operation installing (and, reversed, removing) triggers that refuse UPDATE and DELETE.

    `update_allows`: columns an UPDATE may change as long as it changes no other column.
    """
    # Refuse bad arguments at load time.
    trigger_sql("sqlite", table, message=message, when=when, events=events, frozen=update_allows or None)

    def forward(apps, schema_editor) -> None:
        connection = schema_editor.connection
        frozen = None
        if update_allows:
            with connection.cursor() as cursor:
                columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            if not set(update_allows) <= set(columns):
                raise ValueError(f"refuse_changes: {table} has no column among {update_allows!r}")
            frozen = tuple(c for c in columns if c not in update_allows)
        for statement in trigger_sql(connection.vendor, table, message=message, when=when, events=events,
                                     frozen=frozen):
            schema_editor.execute(statement, params=None)

    def backward(apps, schema_editor) -> None:
        for statement in drop_sql(schema_editor.connection.vendor, table, events=events):
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forward, backward, elidable=False)


@contextlib.contextmanager
def flush_allowed(using: str = "default") -> Iterator[None]:
    """Let a whole-database flush delete rows on SQLite (PostgreSQL's flush truncates, which row triggers allow)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {FLUSH_TABLE} (id INTEGER PRIMARY KEY)")
        cursor.execute(f"INSERT OR IGNORE INTO {FLUSH_TABLE} (id) VALUES (1)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FLUSH_TABLE}")
