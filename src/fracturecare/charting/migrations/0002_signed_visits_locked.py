"""Lock signed visits in the database itself.

The models and services already refuse to change a signed visit; these triggers make sure a
raw UPDATE or a careless shell session cannot either: no UPDATE of a signed visit row, no
INSERT or UPDATE of its rows (points, dry needling, electrode pairs, adverse events), and
no UPDATE of an amendment. DELETE stays possible at the database level because test-database
flushes use it; the models refuse it and the amendment foreign key PROTECTs signed visits.
"""

from django.db import migrations

PARTS = ["charting_needledpoint", "charting_dryneedlingtarget", "charting_electrodepair", "charting_adverseevent"]
MESSAGE = "signed visits are locked; add an amendment"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "sqlite":
        run(
            "CREATE TRIGGER charting_visit_locked BEFORE UPDATE ON charting_visit "
            f"WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
        for table in PARTS:
            for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD")):
                run(
                    f"CREATE TRIGGER {table}_locked_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN (SELECT signed_at FROM charting_visit WHERE id = {row}.visit_id) IS NOT NULL "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                )
        run(
            "CREATE TRIGGER charting_amendment_no_update BEFORE UPDATE ON charting_amendment "
            "BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;"
        )
    elif vendor == "postgresql":
        run(
            "CREATE OR REPLACE FUNCTION charting_refuse_signed() RETURNS trigger AS $$ "
            "DECLARE vid bigint; BEGIN "
            "IF TG_TABLE_NAME = 'charting_visit' THEN vid := OLD.id; "
            "ELSIF TG_OP = 'INSERT' THEN vid := NEW.visit_id; ELSE vid := OLD.visit_id; END IF; "
            "IF EXISTS (SELECT 1 FROM charting_visit WHERE id = vid AND signed_at IS NOT NULL) THEN "
            f"RAISE EXCEPTION '{MESSAGE}'; END IF; "
            "IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN RETURN NEW; END IF; RETURN OLD; END; "
            "$$ LANGUAGE plpgsql;"
        )
        run(
            "CREATE TRIGGER charting_visit_locked BEFORE UPDATE ON charting_visit "
            "FOR EACH ROW EXECUTE FUNCTION charting_refuse_signed();"
        )
        for table in PARTS:
            run(
                f"CREATE TRIGGER {table}_locked BEFORE INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION charting_refuse_signed();"
            )
        run(
            "CREATE OR REPLACE FUNCTION charting_refuse_amendment_update() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'amendments are append-only'; END; $$ LANGUAGE plpgsql;"
        )
        run(
            "CREATE TRIGGER charting_amendment_no_update BEFORE UPDATE ON charting_amendment "
            "FOR EACH ROW EXECUTE FUNCTION charting_refuse_amendment_update();"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "sqlite":
        run("DROP TRIGGER IF EXISTS charting_visit_locked;")
        run("DROP TRIGGER IF EXISTS charting_amendment_no_update;")
        for table in PARTS:
            run(f"DROP TRIGGER IF EXISTS {table}_locked_insert;")
            run(f"DROP TRIGGER IF EXISTS {table}_locked_update;")
    elif vendor == "postgresql":
        run("DROP TRIGGER IF EXISTS charting_visit_locked ON charting_visit;")
        run("DROP TRIGGER IF EXISTS charting_amendment_no_update ON charting_amendment;")
        for table in PARTS:
            run(f"DROP TRIGGER IF EXISTS {table}_locked ON {table};")
        run("DROP FUNCTION IF EXISTS charting_refuse_signed();")
        run("DROP FUNCTION IF EXISTS charting_refuse_amendment_update();")


class Migration(migrations.Migration):
    dependencies = [("charting", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
