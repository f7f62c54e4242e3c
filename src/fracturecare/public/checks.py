"""Start-up check: the public condition pages agree with the knowledge base.

A page that names a site, differential, red-flag rule or point the engine no longer has (or
cites a source its entry does not) would otherwise fail only when someone opens it.
"""

from __future__ import annotations

from django.core.checks import Error, register

from fracturecare.knowledge import KnowledgeError, load_knowledge
from fracturecare.public.condition import PatientEducationError, check_patient_education


@register()
def condition_pages_match_knowledge(app_configs, **kwargs):

    try:
        check_patient_education(load_knowledge())
    except (KnowledgeError, PatientEducationError) as exc:
        return [
            Error(
                f"Public condition pages do not match the knowledge base: {exc}",
                hint="Fix knowledge/data/patient_education.yaml (or the entry it names).",
                id="public.E001",
            )
        ]
    return []
