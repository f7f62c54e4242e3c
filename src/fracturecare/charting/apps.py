from django.apps import AppConfig


class ChartingConfig(AppConfig):
    name = "fracturecare.charting"
    label = "charting"
