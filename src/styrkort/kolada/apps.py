from django.apps import AppConfig


class KoladaConfig(AppConfig):
    name = "styrkort.kolada"
    label = "kolada"
    default_auto_field = "django.db.models.BigAutoField"
