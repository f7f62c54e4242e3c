from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """A synthetic clinic of any size, for load tests and benchmarks (`fracturecare demo --patients N`)."""

    name = "fracturecare.synthetic"
    default_auto_field = "django.db.models.BigAutoField"
