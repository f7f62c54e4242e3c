from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "fracturecare.outcomes"
    label = "outcomes"
