from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fracturecare.audit"
    label = "audit"
