import datetime

import factory

from fracturecare.outcomes.models import OutcomeAssessment
from tests.factories import PatientFactory, UserFactory


class OutcomeAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeAssessment

    patient = factory.SubFactory(PatientFactory)
    recorded_by = factory.SubFactory(UserFactory)
    assessed_on = datetime.date(2025, 3, 1)
    timepoint = "review"
    pain_nrs = 5
    lefs_items = factory.LazyFunction(lambda: [2] * 20)
    lefs_total = 40
