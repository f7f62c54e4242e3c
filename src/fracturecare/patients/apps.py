from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "fracturecare.patients"
    label = "patients"
