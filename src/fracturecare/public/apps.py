from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "fracturecare.public"
    label = "public"
