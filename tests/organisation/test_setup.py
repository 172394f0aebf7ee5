"""`styrkort setup FILE.toml` (issue 11, item 3): an organisation configured from a file.

What the person running it checks: the organisation, its bodies, units, statuses, periods and
users are there afterwards; running the same file again says "Inga ändringar" and writes no
audit record; a changed file lists exactly what changed; a bad file is refused naming the line
and the key, with a non-zero exit code and nothing written; and the organisation then works
with the other commands (`import_followup`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from styrkort.core.models import AuditEvent, Status, StatusScale
from styrkort.core.status import contrast_ratio, contrast_text, default_scale
from styrkort.exchange import setup_file
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.organisation.models import Body, Membership, Organisation, Unit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "setup" / "exempelkommun.toml"

MINIMAL = """\
[organisation]
name = "Region Gävleborg"
kind = "region"            # region | municipality

[[body]]
name = "Regionstyrelsen"
abbreviation = "RS"
kind = "board"             # council | board | committee | other

[[status]]
name = "Avslutat"
synonyms = ["Genomfört"]
"""

SMALL = """\
[organisation]
name = "Testkommun"
kind = "municipality"

[[body]]
name = "Kommunfullmäktige"
abbreviation = "KF"
kind = "council"

[[body]]
name = "Kommunstyrelsen"
abbreviation = "KS"
kind = "board"

[[body]]
name = "Tekniska nämnden"
abbreviation = "TN"
kind = "committee"

[[unit]]
name = "Tekniska förvaltningen"
body = "TN"

[[status]]
name = "Ej uppfyllt"
synonyms = ["Nej"]

[[status]]
name = "Uppfyllt"
synonyms = ["Ja"]

[[period]]
name = "Helår 2025"
kind = "helår"
start = 2025-01-01
end = 2025-12-31
deadline = 2026-01-31

[[user]]
username = "tn"
name = "Tove Nilsson"
email = "tove@testkommun.se"
roles = ["editor:TN"]
"""


def run_setup(tmp_path: Path, text: str, *args: str, name: str = "org.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("setup", str(path), *args, stdout=out)
    return out.getvalue()


def changes(output: str) -> list[str]:
    """The listed changes, one per line, without the heading."""
    return [line.strip() for line in output.splitlines() if line.startswith("  ")]


def counts() -> dict[str, int]:
    models = (
        Organisation, Body, Unit, StatusScale, Status, FollowUpPeriod, Membership,
        get_user_model(), AuditEvent,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def refused(tmp_path: Path, text: str, *expected: str) -> str:
    """The file is refused with every expected fragment in the message, nothing written."""
    before = counts()
    with pytest.raises(CommandError) as caught:
        run_setup(tmp_path, text, name="bad.toml")
    message = str(caught.value)
    assert "filen godtogs inte; inget sparades" in message
    for fragment in expected:
        assert fragment in message, message
    assert counts() == before
    return message


# ---------------------------------------------------------------------------------------------
# The examples load
# ---------------------------------------------------------------------------------------------


def test_the_issues_minimal_example_makes_a_region_with_its_board_and_one_status(db, tmp_path):
    output = run_setup(tmp_path, MINIMAL)

    org = Organisation.objects.get(name="Region Gävleborg")
    assert (org.kind, org.slug) == ("region", "region-gavleborg")
    assert [(b.abbreviation, b.name, b.kind, b.is_active) for b in org.bodies.all()] == [
        ("RS", "Regionstyrelsen", "board", True)
    ]
    scale = default_scale(org)
    assert scale.name == "Avslutat"
    statuses = list(scale.statuses.all())
    assert [(s.label, s.rank, s.words()) for s in statuses] == [
        ("Avslutat", 0, ["Avslutat", "Genomfört"]),
        ("Inga data", None, ["Inga data", "Ej bedömd"]),
    ]
    assert all(contrast_ratio(contrast_text(s.colour), s.colour) >= 4.5 for s in statuses)
    assert "Organisation Region Gävleborg: ny" in changes(output)
    assert "Nämnd RS: ny (Regionstyrelsen)" in changes(output)


def test_the_municipality_example_in_the_docs_loads_completely(db, tmp_path):
    output = run_setup(tmp_path, EXAMPLE.read_text(encoding="utf-8"))

    org = Organisation.objects.get(slug="exempelkommun")
    assert (org.name, org.kind, org.diary_style, org.four_eyes) == (
        "Exempelkommun", "municipality", "slash", True
    )  # fmt: skip
    bodies = {b.abbreviation: b for b in org.bodies.all()}
    assert list(bodies) == ["KF", "KS", "BUN", "SN", "TN", "MBN", "KFN"]
    assert bodies["KF"].kind == "council" and bodies["KS"].kind == "board"
    assert bodies["BUN"].names()[2:] == ["Utbildningsnämnden", "Barn och utbildning"]
    assert not bodies["KFN"].is_active
    grundskola = Unit.objects.get(organisation=org, name="Grundskola")
    assert (grundskola.parent.name, grundskola.body.abbreviation) == (
        "Barn- och utbildningsförvaltningen", "BUN"
    )  # fmt: skip
    assert grundskola.description == "Årskurs F–9 och fritidshem"
    staff = Unit.objects.filter(organisation=org, parent__name="Kommunledningsförvaltningen")
    assert [u.name for u in staff.order_by("order")] == ["Ekonomiavdelningen", "HR-avdelningen"]
    scale = default_scale(org)
    assert scale.name == "Måluppfyllelse"
    assert [(s.label, s.colour) for s in scale.statuses.all()] == [
        ("Ej uppfyllt", "#b3261e"),
        ("Delvis uppfyllt", "#f2c400"),
        ("Uppfyllt", "#1e7b34"),
        ("Ej bedömt", "#6b6b6b"),
    ]
    uppfyllt = scale.statuses.get(label="Uppfyllt")
    assert uppfyllt.words() == ["Uppfyllt", "Ja", "😊", "Grönt", "AVSLUTAT"]
    periods = {p.name: p for p in FollowUpPeriod.objects.filter(organisation=org)}
    assert periods["Helår 2024"].is_closed
    tertial = periods["Tertial 1 2025"]
    assert (tertial.kind, tertial.year, tertial.starts_on, tertial.ends_on, tertial.deadline) == (
        "tertial", 2025, dt.date(2025, 1, 1), dt.date(2025, 4, 30), dt.date(2025, 5, 15)
    )  # fmt: skip
    assert periods["Delår 2025"].kind == "interim" and periods["Helår 2025"].kind == "year"
    roles = sorted(
        (m.user.username, m.role, m.body.abbreviation if m.body else "")
        for m in Membership.objects.filter(organisation=org).select_related("user", "body")
    )
    assert roles == [
        ("bun", "editor", "BUN"),
        ("bun_chef", "approver", "BUN"),
        ("controller", "controller", ""),
        ("kommunadmin", "admin", ""),
        ("registrator", "reader", ""),
        ("registrator", "registrar", ""),
        ("sn", "approver", "SN"),
        ("sn", "editor", "SN"),
    ]
    admin = get_user_model().objects.get(username="kommunadmin")
    assert (admin.get_full_name(), admin.email) == ("Karin Lund", "karin.lund@exempelkommun.se")
    assert not admin.has_usable_password()  # no password is ever written in a setup file
    assert "Nämnd KFN: ny (Kultur- och fritidsnämnden, inaktiv)" in changes(output)
    # Every write went through the services: each new record has its audit record.
    assert AuditEvent.objects.filter(organisation=org, actor_label="system (setup)").count() > 40


# ---------------------------------------------------------------------------------------------
# Idempotent, and a changed file changes only what changed
# ---------------------------------------------------------------------------------------------


def test_second_run_with_the_same_file_says_no_changes_and_writes_no_audit_record(db, tmp_path):
    run_setup(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    before = counts()

    output = run_setup(tmp_path, EXAMPLE.read_text(encoding="utf-8"))

    assert output.strip() == "Exempelkommun: Inga ändringar."
    assert counts() == before


def test_words_written_as_one_text_or_with_commas_are_read_alike_and_rerun_cleanly(db, tmp_path):
    text = MINIMAL.replace('synonyms = ["Genomfört"]', 'synonyms = "Genomfört, Klart"').replace(
        'kind = "board"', 'kind = "board"\naliases = ["RS-gamla, Styrelsen"]'
    )
    run_setup(tmp_path, text)

    assert Status.objects.get(label="Avslutat").words() == ["Avslutat", "Genomfört", "Klart"]
    assert Body.objects.get(abbreviation="RS").names()[2:] == ["RS-gamla", "Styrelsen"]
    assert run_setup(tmp_path, text).strip() == "Region Gävleborg: Inga ändringar."


def test_a_changed_file_lists_exactly_what_changed(db, tmp_path):
    run_setup(tmp_path, SMALL)
    events = AuditEvent.objects.count()
    changed = (
        SMALL.replace('name = "Tekniska nämnden"', 'name = "Tekniska nämnden i Testkommun"')
        .replace('synonyms = ["Ja"]', 'synonyms = ["Ja", "😊"]')
        .replace("deadline = 2026-01-31", "deadline = 2026-02-15")
        .replace('roles = ["editor:TN"]', 'roles = ["editor:TN", "approver:TN"]')
    )

    output = run_setup(tmp_path, changed)

    assert changes(output) == [
        "Nämnd TN: namn 'Tekniska nämnden' → 'Tekniska nämnden i Testkommun'",
        "Status Uppfyllt: synonymer 'Ja' → 'Ja,😊'",
        "Period Helår 2025: svar senast 2026-01-31 → 2026-02-15",
        "Användare tn: roll godkännare (TN) tillagd",
    ]
    assert AuditEvent.objects.count() == events + 4
    assert Body.objects.get(abbreviation="TN").name == "Tekniska nämnden i Testkommun"
    assert run_setup(tmp_path, changed).strip() == "Testkommun: Inga ändringar."


def test_reminder_days_and_local_login_are_set_on_a_new_organisation_and_changed_later(
    db, tmp_path
):
    with_keys = MINIMAL.replace(
        'kind = "region"            # region | municipality',
        'kind = "region"\nreminder_days = 10\nlocal_login = false',
    )
    run_setup(tmp_path, with_keys)
    org = Organisation.objects.get(name="Region Gävleborg")
    assert (org.reminder_days, org.local_login) == (10, False)
    assert run_setup(tmp_path, with_keys).strip() == "Region Gävleborg: Inga ändringar."

    events = AuditEvent.objects.count()
    changed = with_keys.replace("reminder_days = 10", "reminder_days = 0").replace(
        "local_login = false", "local_login = true"
    )
    assert changes(run_setup(tmp_path, changed)) == [
        "Organisation Region Gävleborg: påminnelse (dagar före sista svarsdag) 10 → 0, "
        "lokala lösenord nej → ja"
    ]
    org.refresh_from_db()
    assert (org.reminder_days, org.local_login) == (0, True)
    assert AuditEvent.objects.count() == events + 2

    # Left out, both keep what is stored.
    assert run_setup(tmp_path, MINIMAL).strip() == "Region Gävleborg: Inga ändringar."


def test_dry_run_prints_the_changes_and_writes_nothing(db, tmp_path):
    run_setup(tmp_path, SMALL)
    before = counts()

    output = run_setup(tmp_path, SMALL.replace('"Kommunstyrelsen"', '"KS"'), "--dry-run")

    assert output.splitlines()[0] == "Provkörning: inget sparades."
    assert "Testkommun: Skulle ändras (1):" in output
    assert changes(output) == ["Nämnd KS: namn 'Kommunstyrelsen' → 'KS'"]
    assert counts() == before
    assert Body.objects.get(abbreviation="KS").name == "Kommunstyrelsen"


def test_dry_run_of_a_new_organisation_creates_nothing(db, tmp_path):
    output = run_setup(tmp_path, MINIMAL, "--dry-run")

    assert "Organisation Region Gävleborg: ny" in changes(output)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_body_left_out_stays_and_active_false_deactivates_it(db, tmp_path):
    run_setup(tmp_path, SMALL)
    without_tn = SMALL.replace(
        '[[body]]\nname = "Tekniska nämnden"\nabbreviation = "TN"\nkind = "committee"\n', ""
    ).replace("[[unit]]", "[[unit]]", 1)
    without_tn = without_tn.replace('body = "TN"', 'body = "KS"').replace("editor:TN", "editor:KS")

    run_setup(tmp_path, without_tn)
    assert Body.objects.get(abbreviation="TN").is_active

    output = run_setup(
        tmp_path, SMALL.replace('abbreviation = "TN"\n', 'abbreviation = "TN"\nactive = false\n')
    )
    assert "Nämnd TN: aktiv ja → nej" in changes(output)
    assert not Body.objects.get(abbreviation="TN").is_active


def test_a_retired_body_is_described_with_its_units(db, tmp_path):
    """A setup file describes the structure as it is: a retired body keeps its units, so
    loading one (an export of a region where TN has retired) creates them, though no screen
    gives a retired body a new unit."""
    text = SMALL.replace('abbreviation = "TN"\n', 'abbreviation = "TN"\nactive = false\n')
    run_setup(tmp_path, text.replace("editor:TN", "editor:KS"))
    unit = Unit.objects.get(name="Tekniska förvaltningen")
    assert (unit.body.abbreviation, unit.body.is_active) == ("TN", False)


def test_a_closed_period_closes_and_reopening_is_recorded_with_a_reason(db, tmp_path):
    run_setup(tmp_path, SMALL.replace("deadline = 2026-01-31", "closed = true"))
    period = FollowUpPeriod.objects.get(name="Helår 2025")
    assert period.is_closed

    output = run_setup(tmp_path, SMALL.replace("deadline = 2026-01-31", "closed = false"))

    period.refresh_from_db()
    assert not period.is_closed
    assert changes(output) == ["Period Helår 2025: öppnad igen"]
    reopen = AuditEvent.objects.get(action="reopen")
    assert "styrkort setup" in reopen.note


def test_a_status_in_use_cannot_be_removed(db, tmp_path):
    run_setup(tmp_path, SMALL)
    org = Organisation.objects.get(name="Testkommun")
    document = tmp_path / "uppfoljning.txt"
    document.write_text(
        "Laga vägarna. (TN)\nEj uppfyllt\n\nTekniska nämnden\n\nVägarna är trasiga.\n",
        encoding="utf-8",
    )
    call_command("import_followup", str(document), "--year", "2025", stdout=io.StringIO())
    assert OverallStatus.objects.filter(period__organisation=org, status__label="Ej uppfyllt")

    message = refused(
        tmp_path,
        SMALL.replace('name = "Ej uppfyllt"\nsynonyms = ["Nej"]\n\n[[status]]\n', ""),
        "Statusen 'Ej uppfyllt' används",
        "kan inte tas bort",
        "Behåll den i skalan",
    )
    assert "rad 24: [[status]] nr 1:" in message


# ---------------------------------------------------------------------------------------------
# Bad files: refused naming line and key, exit code 1, nothing written
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            MINIMAL.replace('kind = "board"', 'kind = "board'),
            ["rad 8, kolumn", "inte giltig TOML"],
            id="syntax-error",
        ),
        pytest.param(
            MINIMAL.replace('abbreviation = "RS"', 'abbreviation = "RS"\nabbrevation = "RS"'),
            ["rad 8: [[body]] nr 1: abbrevation är ingen känd nyckel", "tillåtna i [[body]]"],
            id="unknown-key",
        ),
        pytest.param(
            MINIMAL.replace('kind = "board"', 'kind = "nämnd"'),
            [
                "rad 8: [[body]] nr 1: kind 'nämnd' är inte tillåtet; "
                "välj council, board, committee eller other"
            ],
            id="bad-kind",
        ),
        pytest.param(
            MINIMAL
            + '\n[[body]]\nname = "Regionfullmäktige"\nabbreviation = "rs"\nkind = "council"\n',
            ["rad 16: [[body]] nr 2: abbreviation 'rs' finns redan", "nr 1, rad 7"],
            id="duplicate-abbreviation",
        ),
        pytest.param(
            MINIMAL.replace('abbreviation = "RS"\n', ""),
            ["rad 5: [[body]] nr 1: abbreviation saknas (obligatorisk)"],
            id="missing-required-key",
        ),
        pytest.param(
            MINIMAL.replace('name = "Avslutat"', 'synonyms2 = "x"'),
            ["rad 10: [[status]] nr 1: name saknas", "rad 11: [[status]] nr 1: synonyms2 är ingen"],
            id="status-without-name",
        ),
        pytest.param(
            MINIMAL.replace('synonyms = ["Genomfört"]', 'colour = "grön"'),
            ["rad 12: [[status]] nr 1: colour 'grön' ska skrivas #rrggbb"],
            id="colour-not-hex",
        ),
        pytest.param(
            MINIMAL.replace("[[body]]", "[body]"),
            ["rad 5: [body] ska skrivas [[body]]"],
            id="table-instead-of-list",
        ),
        pytest.param(
            MINIMAL + '\n[[period]]\nname = "T1"\nkind = "kvartal"\nstart = 2025-01-01\n'
            'end = "2025-04-30"\n',
            [
                "rad 16: [[period]] nr 1: kind 'kvartal' är inte tillåtet",
                "rad 18: [[period]] nr 1: end ska vara ett datum utan citattecken",
            ],
            id="bad-period",
        ),
        pytest.param(
            MINIMAL + '\n[[user]]\nusername = "x"\nroles = ["editor"]\n',
            ["rad 16: [[user]] nr 1: roles 'editor': editor och approver skrivs med nämndens"],
            id="editor-without-body",
        ),
        pytest.param(
            MINIMAL.replace('kind = "region" ', 'reminder_days = 120\nkind = "region" '),
            ["rad 3: [organisation]: reminder_days 120 dagar: skriv 0 (ingen påminnelse) till 90"],
            id="reminder-days-too-many",
        ),
        pytest.param(
            MINIMAL.replace('kind = "region" ', 'local_login = "nej"\nkind = "region" '),
            ["rad 3: [organisation]: local_login"],
            id="local-login-not-a-boolean",
        ),
        pytest.param(
            MINIMAL + '\n[[unit]]\nname = "Staben"\nbody = "RS"\nparent = "Ledningen"\n',
            ["rad 17: [[unit]] nr 1: parent 'Ledningen' finns inte ovanför"],
            id="unit-parent-unknown",
        ),
        pytest.param(
            MINIMAL + '\n[[unit]]\nname = "Staben"\nbody = "HSN"\n',
            ["rad 16: [[unit]] nr 1: body nämnden 'HSN' finns inte (finns: RS)"],
            id="unit-body-unknown",
        ),
        pytest.param(
            MINIMAL + '\n[[status]]\nname = "Pågår"\nsynonyms = ["genomfört"]\n',
            ["rad 16: [[status]] nr 2: synonyms 'genomfört' är redan ett ord för [[status]] nr 1"],
            id="status-word-twice",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_line_and_key_and_nothing_is_written(
    db, tmp_path, text, expected
):
    refused(tmp_path, text, *expected)


def test_a_bad_file_for_an_existing_organisation_leaves_it_as_it_was(db, tmp_path):
    """An error found while writing (an unknown body for a unit) undoes the earlier writes."""
    run_setup(tmp_path, SMALL)
    text = SMALL.replace('"Kommunstyrelsen"', '"Kommunstyrelsen ny"') + (
        '\n[[unit]]\nname = "Staben"\nbody = "XX"\n'
    )

    refused(tmp_path, text, "[[unit]] nr 2: body nämnden 'XX' finns inte")

    assert Body.objects.get(abbreviation="KS").name == "Kommunstyrelsen"


def test_a_status_colour_on_which_the_text_fails_contrast_is_refused_with_the_ratio(
    db, tmp_path, monkeypatch
):
    # styrkort prints black or white, whichever reads better, and one of them always reaches
    # 4.58:1; were the text colour fixed (white here), yellow would fail.
    monkeypatch.setattr(setup_file, "contrast_text", lambda colour: "#ffffff")

    refused(
        tmp_path,
        MINIMAL.replace('synonyms = ["Genomfört"]', 'colour = "#f2c400"'),
        "rad 12: [[status]] nr 1: colour '#f2c400': texten (#ffffff) får kontrasten 1,",
        "WCAG 2.1 AA kräver minst 4,5:1",
    )


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#ffffff", "#b3261e") == pytest.approx(6.5, abs=0.1)
    # The better of black and white never falls below 4.5:1.
    for grey in range(256):
        colour = f"#{grey:02x}{grey:02x}{grey:02x}"
        assert contrast_ratio(contrast_text(colour), colour) >= 4.5


def test_on_a_fresh_data_directory_migrate_and_setup_give_an_organisation_the_commands_accept(
    tmp_path,
):
    """The issue's test: `styrkort migrate && styrkort setup org.toml`, then import_followup
    and report followup by the organisation's name; a bad file exits 1 with the line."""
    script = Path(sys.executable).with_name("styrkort")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "STYRKORT_DEMO"}
    }
    env.update(STYRKORT_DATA_DIR=str(tmp_path / "data"), SECRET_KEY="test")
    document = tmp_path / "uppfoljning.txt"
    document.write_text(
        "Minska väntetiden till förskolan. (BUN)\nJa\n\nBarn- och utbildningsnämnden\n\n"
        "Alla barn fick plats.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace('kind = "board"', 'kind = "nämnd"'), encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args], env=env, capture_output=True, text=True, timeout=300
        )

    steps = [
        run("migrate", "-v", "0"),
        run("setup", str(EXAMPLE)),
        run("import_followup", str(document), "--year", "2025", "--organisation", "Exempelkommun"),
        run("report", "followup", "--year", "2025", "--organisation", "Exempelkommun",
            "--format", "text"),
    ]  # fmt: skip
    for step in steps:
        assert step.returncode == 0, step.stderr
    assert "Organisation Exempelkommun: ny" in steps[1].stdout
    assert "Alla barn fick plats." in steps[3].stdout

    refused_run = run("setup", str(bad))
    assert refused_run.returncode == 1
    assert "rad 8: [[body]] nr 1: kind 'nämnd' är inte tillåtet" in refused_run.stderr
    assert run("setup", str(EXAMPLE)).stdout.strip() == "Exempelkommun: Inga ändringar."


# ---------------------------------------------------------------------------------------------
# Organisations stay apart, and the others' commands accept the result
# ---------------------------------------------------------------------------------------------


def test_two_organisations_configured_from_files_stay_isolated(db, tmp_path):
    run_setup(tmp_path, MINIMAL, name="a.toml")
    run_setup(tmp_path, SMALL, name="b.toml")
    gavleborg = Organisation.objects.get(name="Region Gävleborg")
    testkommun = Organisation.objects.get(name="Testkommun")

    assert [b.abbreviation for b in gavleborg.bodies.all()] == ["RS"]
    assert [b.abbreviation for b in testkommun.bodies.all()] == ["KF", "KS", "TN"]
    assert [s.label for s in default_scale(gavleborg).statuses.all()] == ["Avslutat", "Inga data"]
    assert run_setup(tmp_path, MINIMAL, name="a.toml").strip() == (
        "Region Gävleborg: Inga ändringar."
    )
    # A login of one organisation is not taken over by another's file.
    refused(
        tmp_path,
        MINIMAL + '\n[[user]]\nusername = "tn"\nname = "Någon Annan"\nroles = ["admin"]\n',
        "rad 15: [[user]] nr 1: username 'tn' är redan en användare i en annan organisation",
    )
    assert get_user_model().objects.get(username="tn").get_full_name() == "Tove Nilsson"


def test_organisation_option_renames_an_existing_organisation(db, tmp_path):
    run_setup(tmp_path, MINIMAL)

    output = run_setup(
        tmp_path,
        MINIMAL.replace('"Region Gävleborg"', '"Region Gävleborg (test)"'),
        "--organisation",
        "region-gavleborg",
    )

    assert changes(output) == [
        "Organisation Region Gävleborg: namn 'Region Gävleborg' → 'Region Gävleborg (test)'"
    ]
    assert Organisation.objects.get().name == "Region Gävleborg (test)"


def test_import_followup_works_on_an_organisation_configured_by_file(db, tmp_path):
    run_setup(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    run_setup(tmp_path, MINIMAL, name="other.toml")  # a second organisation: it must be named
    document = tmp_path / "uppfoljning.txt"
    document.write_text(
        "\n".join(
            [
                "Uppdrag 2025 Kommentar 2025",
                "Minska väntetiden till förskolan. (BUN)",
                "Ja",
                "",
                "Utbildningsnämnden",
                "",
                "Alla barn fick plats inom fyra månader.",
                "",
                "Sänk kostnaderna för försörjningsstöd. (SN)",
                "😐",
                "",
                "Socialnämnden",
                "",
                "Kostnaderna minskade med 3 procent.",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()

    call_command(
        "import_followup",
        str(document),
        "--year",
        "2025",
        "--organisation",
        "Exempelkommun",
        stdout=out,
    )

    org = Organisation.objects.get(name="Exempelkommun")
    overall = sorted(
        (o.item.text, o.status.label, o.period.name)
        for o in OverallStatus.objects.filter(period__organisation=org).select_related(
            "item", "status", "period"
        )
    )
    assert overall == [
        ("Minska väntetiden till förskolan.", "Uppfyllt", "Helår 2025"),
        ("Sänk kostnaderna för försörjningsstöd.", "Delvis uppfyllt", "Helår 2025"),
    ]
    comments = sorted(
        (a.body.abbreviation, a.comment)
        for a in Assessment.objects.filter(period__organisation=org).select_related("body")
    )
    assert comments == [
        ("BUN", "Alla barn fick plats inom fyra månader."),
        ("SN", "Kostnaderna minskade med 3 procent."),
    ]
    assert not Assessment.objects.filter(period__organisation__name="Region Gävleborg").exists()


# ---------------------------------------------------------------------------------------------
# The services behind it: only the organisation's admin (or the system) configures
# ---------------------------------------------------------------------------------------------


def test_only_the_admin_changes_bodies_and_the_status_scale(region):
    from styrkort.organisation.services import StatusStep, body_update, status_scale_set

    hsn = region.bodies["HSN"]
    before = counts()
    with pytest.raises(PermissionDenied):
        body_update(actor=region.users["controller"], body=hsn, name="Vårdnämnden")
    with pytest.raises(PermissionDenied):
        status_scale_set(
            actor=region.users["hsn_editor"],
            scale=default_scale(region.org),
            steps=[StatusStep("Klart", "#1e7b34")],
            no_data=StatusStep("Inga data", "#6b6b6b", code="no-data"),
        )
    with pytest.raises(PermissionDenied):
        body_update(actor=region.users["other_region_admin"], body=hsn, is_active=False)
    assert counts() == before
    hsn.refresh_from_db()
    assert (hsn.name, hsn.is_active) == ("Hälso- och sjukvårdsnämnden", True)

    assert body_update(actor=region.users["admin_user"], body=hsn, is_active=False) == {
        "is_active": [True, False]
    }


def test_a_closed_period_is_not_changed_until_it_is_reopened(region):
    from styrkort.followup.services import period_close, period_create, period_update

    controller = region.users["controller"]
    period = period_create(
        actor=controller,
        organisation=region.org,
        year=2025,
        kind="tertial",
        name="T1 2025",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 4, 30),
    )
    assert period_update(actor=controller, period=period, deadline=dt.date(2025, 5, 15)) == {
        "deadline": [None, "2025-05-15"]
    }
    period_close(actor=controller, period=period)

    with pytest.raises(ValidationError, match="är stängd; öppna den först"):
        period_update(actor=controller, period=period, ends_on=dt.date(2025, 5, 31))
    # Saying what it already is changes nothing and is allowed.
    assert period_update(actor=controller, period=period, ends_on=dt.date(2025, 4, 30)) == {}
    with pytest.raises(PermissionDenied):
        period_update(actor=region.users["hsn_editor"], period=period, year=2026)


def test_export_all_takes_an_organisation_configured_by_file_by_its_name(db, tmp_path):
    import json

    run_setup(tmp_path, MINIMAL, name="a.toml")
    run_setup(tmp_path, SMALL, name="b.toml")
    out = tmp_path / "export.json"

    call_command(
        "export_all", "-o", str(out), "--organisation", "Region Gävleborg", stdout=io.StringIO()
    )

    assert json.loads(out.read_text(encoding="utf-8"))["organisations"] == ["region-gavleborg"]
