# created_at: auto_now_add -> default=timezone.now, so a past evaluation can be recorded with
# its own time. Both are Python-side; the column is unchanged, so this only updates Django's
# state. (A database AlterField would rebuild the table on SQLite and lose the no-update trigger.)

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_refuse_updates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="evaluation",
                    name="created_at",
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
        ),
    ]
