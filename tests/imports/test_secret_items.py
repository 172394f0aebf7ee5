"""A controller who may not read secrets imports a published follow-up: the result names no
secret item of the plan by its text."""

from pathlib import Path

from django.contrib.auth import get_user_model

import styrkort
from styrkort.core.actors import SYSTEM
from styrkort.imports.followup_text import import_followup
from styrkort.organisation.models import Body
from styrkort.planning.models import Plan
from styrkort.planning.services import item_create, version_in_force

SEED = Path(styrkort.__file__).parent / "demo" / "data" / "uppfoljning_2024.txt"
MARKER = "Hemligtuppdrag9K"


def test_import_result_names_no_secret_item(demo):
    org = demo.organisation
    council = Body.objects.filter(organisation=org, kind=Body.Kind.COUNCIL).order_by("order")[0]
    plan = Plan.objects.get(body=council, year=2024)
    item_create(
        actor=SYSTEM,
        version=version_in_force(plan),
        kind="assignment",
        text=f"Uppdrag {MARKER}",
        allow_adopted=True,
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    controller = get_user_model().objects.get(username="controller")
    result = import_followup(
        actor=controller, organisation=org, data=SEED.read_bytes(), year=2024, dry_run=True
    )
    shown = repr(result.warnings) + repr(result.changes)
    assert MARKER not in shown, shown
