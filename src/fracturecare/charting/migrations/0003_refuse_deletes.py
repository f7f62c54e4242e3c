"""Refuse DELETE of signed visits, their parts and amendments in the database itself (UPDATE already is)."""

from django.db import migrations

from fracturecare.audit.append_only import refuse_changes

PARTS = ["charting_needledpoint", "charting_dryneedlingtarget", "charting_electrodepair", "charting_adverseevent"]
MESSAGE = "signed visits are kept; add an amendment"


class Migration(migrations.Migration):
    dependencies = [("charting", "0002_signed_visits_locked"), ("audit", "0003_append_only")]
    operations = [
        refuse_changes("charting_visit", when="OLD.signed_at IS NOT NULL", message=MESSAGE, events=("DELETE",)),
        *(
            refuse_changes(
                table, message=MESSAGE, events=("DELETE",),
                when="(SELECT signed_at FROM charting_visit WHERE id = OLD.visit_id) IS NOT NULL",
            )
            for table in PARTS
        ),
        refuse_changes("charting_amendment", message="amendments are append-only", events=("DELETE",)),
    ]
