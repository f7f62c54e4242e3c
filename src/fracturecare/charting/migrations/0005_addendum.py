"""Signed addenda by another clinician; the database refuses UPDATE and DELETE of them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from fracturecare.audit.append_only import refuse_changes


class Migration(migrations.Migration):

    dependencies = [
        ('charting', '0004_merge_20261207_1528'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('audit', '0003_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='Addendum',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('signed_at', models.DateTimeField()),
                ('seal', models.CharField(max_length=64)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('visit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='addenda', to='charting.visit')),
            ],
            options={
                'verbose_name_plural': 'addenda',
                'ordering': ['signed_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='addendum_text_present'), models.CheckConstraint(condition=models.Q(('seal', ''), _negated=True), name='addendum_seal_present')],
            },
        ),
        refuse_changes('charting_addendum', message='signed addenda are kept; add another addendum'),
    ]
