from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "fracturecare.clinic"
    label = "clinic"
    verbose_name = "Clinic profile"
