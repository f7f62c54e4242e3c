import io

import pytest

from fracturecare.accounts import demo as accounts_demo
from fracturecare.charting import demo as charting_demo
from fracturecare.charting.models import Visit
from fracturecare.outcomes import demo as outcomes_demo
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.selectors import outcome_summary
from fracturecare.planning import demo as planning_demo

pytestmark = pytest.mark.django_db


def test_demo_visits_and_outcomes_load_once():
    out = io.StringIO()
    for module in (accounts_demo, planning_demo, charting_demo, outcomes_demo):
        module.load(out)
    visits, assessments = Visit.objects.count(), OutcomeAssessment.objects.count()
    assert visits >= 4 and assessments >= 4
    assert Visit.objects.filter(signed_at__isnull=False).exists() and Visit.objects.filter(signed_at=None).exists()
    statuses = {outcome_summary(p).progress.status for p in {a.patient for a in OutcomeAssessment.objects.all()}}
    assert {"improving", "not_improving"} <= statuses

    charting_demo.load(out)
    outcomes_demo.load(out)
    assert (Visit.objects.count(), OutcomeAssessment.objects.count()) == (visits, assessments)
