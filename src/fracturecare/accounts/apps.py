from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fracturecare.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Connects the sign-in receivers (session stamp, second factor, lockout audit).
        from fracturecare.accounts import signals  # noqa: F401
