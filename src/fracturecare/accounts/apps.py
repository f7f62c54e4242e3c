from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fracturecare.accounts"
    label = "accounts"
