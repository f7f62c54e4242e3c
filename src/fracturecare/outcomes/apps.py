from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "fracturecare.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        # A merge moves assessments onto another chart: the "not improving" flags follow them.
        from fracturecare.outcomes import services
        from fracturecare.patients.signals import patient_merged

        patient_merged.connect(services.progress_flags_after_merge, dispatch_uid="outcomes.progress_flags_after_merge")
