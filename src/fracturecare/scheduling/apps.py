from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "fracturecare.scheduling"
    label = "scheduling"
