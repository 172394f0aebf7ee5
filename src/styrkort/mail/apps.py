from __future__ import annotations

import os
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "styrkort.mail"
    label = "mail"
    verbose_name = _("E-mail")

    def ready(self) -> None:
        checks.register(base_url_check, checks.Tags.compatibility, deploy=True)


def base_url_check(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Links in e-mails are built from STYRKORT_BASE_URL: unset, they point at localhost."""
    if os.environ.get("STYRKORT_BASE_URL", "").strip() or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "STYRKORT_BASE_URL är inte satt: länkarna i påminnelser och aviseringar går till "
            f"{settings.STYRKORT_BASE_URL}.",
            hint="Sätt STYRKORT_BASE_URL till adressen användarna når styrkort på, "
            "t.ex. https://styrkort.region.se.",
            id="styrkort.W010",
        )
    ]
