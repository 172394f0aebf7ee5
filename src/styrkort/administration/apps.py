from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    # No models: its name never shows on a screen, so it needs no translation.
    name = "styrkort.administration"
    label = "administration"
