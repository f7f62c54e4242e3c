from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "fracturecare.programmes"
    label = "programmes"
    verbose_name = "Return-to-activity programmes"
