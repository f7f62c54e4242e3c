from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "fracturecare.evaluations"
    label = "evaluations"
