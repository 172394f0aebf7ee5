from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "styrkort.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks
        from django.db.backends.signals import connection_created

        from styrkort.core.sentry import sentry_installed
        from styrkort.core.sqlite import install_like

        checks.register(sentry_installed, checks.Tags.compatibility)

        connection_created.connect(install_like, dispatch_uid="styrkort-sqlite-like")
