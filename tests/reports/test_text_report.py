"""Seed 004 -> import -> text report: every item, status and comment verbatim, in order, once."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import FollowUpPeriod
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers.text import render_followup_text
from tests.seed import SEED_BYTES, normalise, seed_items


def _report_text(demo) -> str:
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return render_followup_text(build_followup_report(viewer=SYSTEM, period=period))


def test_seed_has_seven_items_and_nineteen_comments():
    items = seed_items()
    assert len(items) == 7
    assert sum(len(i.comments) for i in items) == 19


def test_report_reproduces_the_seed_document(demo):
    assert normalise(_report_text(demo)) == normalise(SEED_BYTES.decode("utf-8"))


def test_report_has_every_item_and_comment_once_in_seed_order(demo):
    text = _report_text(demo)
    position = 0
    for item in seed_items():
        for piece in [item.heading, *(c for _, c in item.comments)]:
            assert text.count(piece) == 1, piece[:60]
            found = text.index(piece)
            assert found >= position, f"out of order: {piece[:60]}"
            position = found


def test_report_command_writes_text_to_a_file(demo, tmp_path):
    out = tmp_path / "uppfoljning.txt"
    call_command("report", "followup", "--year", "2024", "--format", "text", "-o", str(out))
    assert normalise(out.read_text(encoding="utf-8")) == normalise(SEED_BYTES.decode("utf-8"))


def test_report_filters_by_body_keep_only_that_bodys_comments(demo, capsys):
    call_command("report", "followup", "--year", "2024", "--body", "KTN")
    text = capsys.readouterr().out
    assert "Kollektivtrafiknämnden" in text
    assert "Regionstyrelsen" not in text
    assert "KTN/33/2023" in text


def test_demo_then_report_from_the_command_line_prints_the_seed(tmp_path):
    """The acceptance check of the foundation, exactly as a user types it."""
    styrkort = Path(sys.executable).with_name("styrkort")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(STYRKORT_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="styrkort.settings")
    demo = subprocess.run(
        [styrkort, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    assert "hsn" in demo.stdout and "lösenord" in demo.stdout
    again = subprocess.run(
        [styrkort, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert "inget lades till" in again.stdout
    report = subprocess.run(
        [styrkort, "report", "followup", "--year", "2024", "--format", "text"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.returncode == 0, report.stderr
    assert normalise(report.stdout) == normalise(SEED_BYTES.decode("utf-8"))
