from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fracturecare.portal"
    label = "portal"
    verbose_name = "Patient portal"
