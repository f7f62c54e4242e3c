from django.apps import AppConfig


class HandoutsConfig(AppConfig):
    name = "fracturecare.handouts"
    label = "handouts"
