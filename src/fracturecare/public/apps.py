from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "fracturecare.public"
    label = "public"

    def ready(self):
        from fracturecare.public import checks  # noqa: F401  (registers the start-up check)
