from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "fracturecare.planning"
    label = "planning"
