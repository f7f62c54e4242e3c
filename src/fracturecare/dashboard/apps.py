from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "fracturecare.dashboard"
    label = "dashboard"
    verbose_name = "Clinic home"
