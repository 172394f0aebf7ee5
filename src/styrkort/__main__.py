"""The `styrkort` console script: Django's management utility with our settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrkort.settings")
    # The demo is the one mode that may invent its own secret key and run with DEBUG on;
    # the settings read this flag, so it must be set before Django loads them.
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("STYRKORT_DEMO", "1")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now to report what is missing
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"styrkort: {exc}\n")
        raise SystemExit(2) from exc
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
