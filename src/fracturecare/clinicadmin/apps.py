from django.apps import AppConfig


class ClinicAdminConfig(AppConfig):
    name = "fracturecare.clinicadmin"
    label = "clinicadmin"
    verbose_name = "Clinic settings and reports"
