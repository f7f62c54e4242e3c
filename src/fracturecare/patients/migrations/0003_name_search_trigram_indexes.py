"""Trigram indexes for the patient search box on PostgreSQL.

The search matches each word anywhere in a first or last name (`icontains`, which PostgreSQL runs as
`UPPER(name::text) LIKE UPPER('%word%')`). A B-tree cannot serve a leading wildcard, so at 100,000
patients every search read the whole table. A GIN index of trigrams on the same expression serves
it. `pg_trgm` ships with PostgreSQL and is a trusted extension (a database owner may create it).
SQLite, the embedded single-clinic database, keeps the scan.
"""

from django.db import migrations

_INDEXES = {
    "patients_patient_first_name_trgm": "first_name",
    "patients_patient_last_name_trgm": "last_name",
}


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in _INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_booking_matches")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
