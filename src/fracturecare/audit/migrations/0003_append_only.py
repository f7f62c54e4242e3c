"""Seal the events written before the chain existed, then make audit events append-only in the database."""

from django.db import migrations

from fracturecare.audit.append_only import refuse_changes
from fracturecare.audit.chain import FIELDS, GENESIS, record_key, seal_of


def seal_existing(apps, schema_editor) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    key, prev = record_key(), GENESIS
    for seq, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=2000), start=1):
        event.seq = seq
        values = {name: getattr(event, name) for name in FIELDS}
        event.seal = prev = seal_of(prev, values, key)
        event.save(update_fields=["seq", "seal"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_hash_chain")]
    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        refuse_changes("audit_auditevent", message="audit events are append-only"),
    ]
