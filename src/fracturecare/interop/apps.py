from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "fracturecare.interop"
    label = "interop"
    verbose_name = "Interoperability: FHIR export and superbills"
