"""Signed consents, intake answers and form submissions: the database refuses UPDATE and DELETE of them.

A withdrawal is already a new consent row, so nothing that the clinic does needs to change a stored one. The one
UPDATE let through is a move to another patient that changes nothing else: merging a booking's duplicate record
into the existing chart carries the consents and answers the patient gave with it (the merge is audited).
"""

from django.db import migrations

from fracturecare.audit.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_forms_consents"), ("audit", "0003_append_only")]
    operations = [
        refuse_changes(
            "intake_consentrecord",
            message="signed consents are kept; record a withdrawal or a new signature",
            update_allows=("patient_id",),
        ),
        refuse_changes(
            "intake_intakeresponse",
            message="intake answers are kept; a newer answer supersedes them",
            update_allows=("patient_id",),
        ),
        refuse_changes("intake_formsubmission", message="form submissions are kept"),
    ]
