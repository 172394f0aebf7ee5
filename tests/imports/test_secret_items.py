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


def test_a_plan_sheet_finds_no_secret_item_of_the_draft_by_its_text(demo):
    """A controller who may not read a secret goal in the draft can neither learn its text by
    uploading a guess ('finns redan i utkastet') nor hang a new item under it."""
    from styrkort.imports.plan_items import import_plan_items
    from styrkort.planning.services import plan_create

    org = demo.organisation
    body = Body.objects.get(organisation=org, abbreviation="HSN")
    plan = plan_create(actor=SYSTEM, organisation=org, body=body, year=2031)
    item_create(
        actor=SYSTEM,
        version=plan.versions.get(),
        kind="goal",
        text=f"Mål {MARKER}",
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    controller = get_user_model().objects.get(username="controller")
    sheet = (
        "Typ;Text;Överordnat mål\n"
        f"mål;Mål {MARKER};\n"
        f"uppdrag;Ett uppdrag under det hemliga målet;Mål {MARKER}\n"
    )
    result = import_plan_items(
        actor=controller,
        organisation=org,
        body=body,
        year=2031,
        name="plan.csv",
        data=sheet.encode("utf-8"),
        dry_run=True,
    )
    assert not any("finns redan i utkastet" in str(p) for p in result.problems), result.problems
    assert result.ok, result.summary()

    under = f"Typ;Text;Överordnat mål\nuppdrag;Ett uppdrag;Mål {MARKER}\n"
    result = import_plan_items(
        actor=controller,
        organisation=org,
        body=body,
        year=2031,
        name="plan.csv",
        data=under.encode("utf-8"),
        dry_run=True,
    )
    assert not result.ok  # the parent is no goal the controller may see
