"""Refuse DELETE of signed plan versions and of the changes signed into them (UPDATE already is)."""

from django.db import migrations

from fracturecare.audit.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("planning", "0003_created_at_settable"), ("audit", "0003_append_only")]
    operations = [
        refuse_changes("planning_planversion", message="signed plan versions are kept", events=("DELETE",)),
        refuse_changes(
            "planning_planedit", message="a change signed into a plan version is kept", events=("DELETE",),
            when="EXISTS (SELECT 1 FROM planning_planversion WHERE plan_id = OLD.plan_id AND number >= OLD.version)",
        ),
    ]
