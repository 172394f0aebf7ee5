"""styrkort local_login [--organisation NAME] [on|off]: local passwords for an organisation.

Off: its members log in only through single sign-on (docs/sso.md); a member of another
organisation that keeps passwords keeps hers. Without on/off it says how it stands.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.organisation.identity import organisation_set_local_login
from styrkort.organisation.selectors import sole_organisation

ACTOR = SystemActor("local_login")


class Command(BaseCommand):
    help = "Slå på eller av lokala lösenord för en organisation (av: bara enkel inloggning)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("state", nargs="?", choices=["on", "off"])
        parser.add_argument("--organisation", help="namn, kortnamn eller slug")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = sole_organisation(options["organisation"])
        except NotFound as error:
            raise CommandError(str(error)) from error
        if options["state"] is not None:
            organisation_set_local_login(
                actor=ACTOR, organisation=organisation, enabled=options["state"] == "on"
            )
        state = "på" if organisation.local_login else "av (bara enkel inloggning)"
        self.stdout.write(f"{organisation.name}: lokala lösenord {state}.")
