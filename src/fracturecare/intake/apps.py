from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "fracturecare.intake"
    label = "intake"
    verbose_name = "Forms before and between visits"

    def ready(self) -> None:
        # A booking sends the patient their forms; the receiver lives here so scheduling
        # never needs to know this app exists (dependencies point down).
        from fracturecare.intake import receivers  # noqa: F401
