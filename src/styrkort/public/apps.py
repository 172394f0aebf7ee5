from django.apps import AppConfig


class PublicConfig(AppConfig):
    # No models and no admin: its name never shows on a screen, so it needs no translation.
    name = "styrkort.public"
    label = "public"
