"""A plan from a spreadsheet: goals, key figures and assignments into a body's draft plan.

- ``controller``, ``admin_user``: may read a plan in; the page is theirs.
- ``reader``, ``hsn_editor``, ``other_region_admin``: get 404 and change nothing.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.imports.plan_items import COLUMNS, import_plan_items
from styrkort.planning.models import Plan, PlanItem, PlanVersion
from styrkort.planning.services import plan_create, plan_version_adopt

HEADER = [
    "Typ",
    "Nummer",
    "Text",
    "Mottagare",
    "Överordnat mål",
    "Enhet",
    "Riktning",
    "Målvärde",
    "Sista datum",
]
GOOD = [
    ["mål", "1", "Nöjda invånare", "HSN, RUN", None, None, None, None, None],
    ["nyckeltal", None, "Andel nöjda patienter", "HSN", "1", "%", "högre", 85.5, None],
    [
        "uppdrag",
        None,
        "Ta fram en lokalplan",
        "rs",
        "Nöjda invånare",
        None,
        None,
        None,
        dt.datetime(2025, 10, 31),
    ],
]


def sheet(rows, header=HEADER):
    book = Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(region, rows, *, body="HSN", year=2025, actor=SYSTEM, **kwargs):
    return import_plan_items(
        actor=actor,
        organisation=region.org,
        body=region.bodies[body],
        year=year,
        name="plan.xlsx",
        data=sheet(rows, **kwargs),
    )


def test_a_sheet_becomes_the_bodys_draft_plan_with_parents_receivers_targets(region):
    result = run(region, GOOD)

    assert result.ok, result.summary()
    plan = Plan.objects.get(body=region.bodies["HSN"], year=2025)
    (version,) = plan.versions.all()
    assert version.state == PlanVersion.State.DRAFT
    goal, figure, task = version.items.order_by("order")
    assert (goal.kind, goal.number, goal.text) == ("goal", "1", "Nöjda invånare")
    assert sorted(b.abbreviation for b in goal.receivers.all()) == ["HSN", "RUN"]
    assert (figure.parent, figure.measure_unit, figure.direction) == (goal, "%", "higher")
    assert figure.targets.get(year=2025).value == Decimal("85.5")
    assert (task.parent, task.deadline) == (goal, dt.date(2025, 10, 31))
    assert [b.abbreviation for b in task.receivers.all()] == ["RS"]
    assert AuditEvent.objects.filter(organisation=region.org, model__icontains="planitem").count()


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(region):
    bad = [
        ["mål", "1", "Nöjda invånare", "HSN", None, None, None, None, None],
        ["nyckeltal", None, "Väntetider", "XYZ", None, "dagar", "lägre", "många", None],
        ["projekt", None, "Något", None, None, None, None, None, None],
        ["uppdrag", None, "", None, "Inget sådant mål", "%", None, None, "i höst"],
    ]
    result = run(region, bad)

    assert not result.ok
    found = {(p.row, p.column) for p in result.problems}
    assert {
        (3, "Mottagare"),
        (3, "Målvärde"),
        (4, "Typ"),
        (5, "Text"),
        (5, "Överordnat mål"),
        (5, "Enhet"),
        (5, "Sista datum"),
    } <= found
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "'XYZ' är ingen nämnd här" in messages[(3, "Mottagare")]
    assert "'många' är inget tal" in messages[(3, "Målvärde")]
    assert "Rad 3, kolumn Målvärde" in result.summary()
    assert not Plan.objects.filter(body=region.bodies["HSN"], year=2025).exists()
    assert not PlanItem.objects.filter(plan_version__plan__organisation=region.org).exists()


def test_a_missing_column_or_an_unknown_one_is_named_in_the_header(region):
    result = run(region, [["mål", "Ett mål"]], header=["Typ", "Rubrik"])
    assert {(p.row, p.column) for p in result.problems} == {(1, "Rubrik"), (1, "Text")}


def test_an_adopted_plan_is_refused_until_revised(region):
    plan = plan_create(actor=SYSTEM, organisation=region.org, body=region.bodies["HSN"], year=2025)
    plan_version_adopt(actor=SYSTEM, version=plan.versions.get(), adopted_on=dt.date(2025, 1, 1))

    result = run(region, GOOD)

    assert "revidera den först" in result.summary()
    assert not PlanItem.objects.filter(plan_version__plan=plan).exists()


def test_a_parent_may_be_a_goal_already_in_the_draft(region):
    assert run(region, GOOD[:1]).ok
    result = run(region, [["uppdrag", None, "Följ upp", "HSN", "1", None, None, None, None]])
    assert result.ok, result.summary()
    version = Plan.objects.get(body=region.bodies["HSN"], year=2025).versions.get()
    assert version.items.get(text="Följ upp").parent.text == "Nöjda invånare"


def url(region, name):
    return reverse(f"imports:{name}", args=[region.org.slug])


def upload(client, region, rows, **extra):
    data = {
        "body": region.bodies["HSN"].pk,
        "year": 2025,
        "file": io.BytesIO(sheet(rows)),
        **extra,
    }
    data["file"].name = "plan.xlsx"
    return client.post(url(region, "plan"), data)


@pytest.mark.parametrize("username", ["controller", "admin_user"])
def test_controller_or_admin_uploads_and_lands_on_the_plan(region, username):
    client = Client()
    client.force_login(region.users[username])
    assert client.get(url(region, "plan")).status_code == 200

    response = upload(client, region, GOOD)

    plan = Plan.objects.get(body=region.bodies["HSN"], year=2025)
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:plan", args=[region.org.slug, plan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3 punkter är inlästa" in page
    assert "Andel nöjda patienter" in page


def test_the_page_shows_errors_by_row_and_the_check_saves_nothing(region):
    client = Client()
    client.force_login(region.users["controller"])
    page = upload(client, region, [["mål", None, "X", "NOPE"] + [None] * 5]).content.decode()
    assert "Inget lästes in" in page
    assert "&#x27;NOPE&#x27; är ingen nämnd här" in page

    checked = upload(client, region, GOOD, dry_run="on").content.decode()
    assert "3 punkter skulle läsas in" in checked
    assert not Plan.objects.filter(body=region.bodies["HSN"], year=2025).exists()


def test_the_template_has_the_columns(region):
    client = Client()
    client.force_login(region.users["controller"])
    response = client.get(url(region, "plan-template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == list(COLUMNS.values())


@pytest.mark.parametrize("username", ["reader", "hsn_editor", "other_region_admin"])
def test_others_get_404_and_nothing_changes(region, username):
    client = Client()
    client.force_login(region.users[username])
    assert client.get(url(region, "plan")).status_code == 404
    assert client.get(url(region, "plan-template")).status_code == 404
    assert upload(client, region, GOOD).status_code == 404
    assert not Plan.objects.filter(organisation=region.org).exists()


def test_a_csv_with_semicolons_reads_like_the_sheet(region):
    text = (
        "Typ;Text;Mottagare;Överordnat mål;Målvärde\n"
        "mål;Trygg vård;HSN;;\n"
        "nyckeltal;Väntetid i dagar;HSN;Trygg vård;12,5\n"
    )
    result = import_plan_items(
        actor=SYSTEM,
        organisation=region.org,
        body=region.bodies["HSN"],
        year=2025,
        name="plan.csv",
        data=text.encode("utf-8"),
    )
    assert result.ok, result.summary()
    figure = PlanItem.objects.get(text="Väntetid i dagar")
    assert figure.parent.text == "Trygg vård"
    assert figure.targets.get().value == Decimal("12.5")


def test_the_same_sheet_twice_or_a_row_repeated_is_refused_and_adds_nothing(region):
    assert run(region, GOOD).ok
    again = run(region, GOOD)
    assert not again.ok
    assert {(p.row, p.column) for p in again.problems} == {(2, "Text"), (3, "Text"), (4, "Text")}
    assert "finns redan i utkastet" in again.problems[0].message
    version = Plan.objects.get(body=region.bodies["HSN"], year=2025).versions.get()
    assert version.items.count() == 3

    twice = run(region, [GOOD[0], GOOD[0]], body="RUN")
    assert [(p.row, p.message) for p in twice.problems] == [(3, "finns redan på rad 2")]
