"""Mina uppgifter's task rows are built in Python (web/tasks_html.py): every value escaped, the
links the URL patterns give, at most a hundred rows a table."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse

from styrkort.followup.selectors import TASK_MISSING, AssessmentTask, PeriodTasks
from styrkort.web import tasks_html


def _tasks(n, state=TASK_MISSING, reason=""):
    period = SimpleNamespace(pk=7, deadline=dt.date(2025, 5, 12))
    org = SimpleNamespace(slug="region-x")
    rows = [
        AssessmentTask(
            period,  # type: ignore[arg-type]
            SimpleNamespace(pk=100 + i, text="<script>x</script> " + "å" * 200),  # type: ignore[arg-type]
            SimpleNamespace(abbreviation="H&S N"),  # type: ignore[arg-type]
            state,
            reason,
        )
        for i in range(n)
    ]
    return org, PeriodTasks(period, rows, rows, [])  # type: ignore[arg-type]


def test_rows_escape_every_value_and_link_where_the_work_is_done():
    org, tasks = _tasks(2, state="returned", reason="<b>Ange siffror</b>")
    html = tasks_html.write_rows(org, tasks)  # type: ignore[arg-type]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Ange" not in html and "&lt;b&gt;Ange siffror&lt;/b&gt;" in html
    assert "H&amp;S N" in html and "Skickad tillbaka" in html
    edit = reverse("followup:edit", args=["region-x", 7, 101, "H&S N"])
    assert f'href="{edit.replace("&", "&amp;")}"' in html
    approve = tasks_html.approve_rows(org, tasks)  # type: ignore[arg-type]
    assert f'href="{reverse("followup:item", args=["region-x", 7, 100])}"' in approve
    assert "<script>" not in approve


def test_a_hundred_rows_at_most_and_texts_shortened():
    org, tasks = _tasks(150)
    html = tasks_html.write_rows(org, tasks)  # type: ignore[arg-type]
    assert html.count("<tr>") == tasks_html.SHOWN == 100
    # 19 characters of markup, 120 of the rest and the ellipsis: 140.
    assert "å" * 120 in html and "å" * 121 not in html and "…" in html
    assert 'class="missing">Saknas' in html
