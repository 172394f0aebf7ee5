"""The report view's list, built in Python (reports/page.py): each item of the page with its
link, receivers, kind and overall status, and each body's status, state and text."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.selectors import followup_page
from styrkort.planning.models import PlanItem


def test_each_item_of_the_page_shows_with_its_bodies_texts(client, demo):
    reader = get_user_model().objects.get(username="reader")
    client.force_login(reader)
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    url = reverse("reports:followup-view", args=[demo.organisation.slug, period.pk])
    html = client.get(url).content.decode()
    items = re.findall(r"\n    <li>\n(.*?)\n    </li>", html, re.S)
    rows = followup_page(viewer=reader, period=period, number=1, per_page=50).rows
    assert len(items) == len(rows) > 3
    states = dict(Assessment.State.choices)
    for shown, row in zip(items, rows, strict=True):
        link = reverse("followup:item", args=[demo.organisation.slug, period.pk, row.item.pk])
        assert f'<a href="{link}">{escape(row.item.text)}</a>' in shown
        if row.item.kind == PlanItem.Kind.ASSIGNMENT and row.receivers:
            names = ", ".join(b.abbreviation for b in row.receivers)
            assert f'<span class="muted">({names})</span></h2>' in shown
        label = str(dict(PlanItem.Kind.choices)[row.item.kind]).capitalize()
        assert f'<span class="muted">{label} · Samlad status:</span>' in shown
        overall = row.overall.status if row.overall else None
        badge = f'class="badge s-{overall.code}">{escape(overall.label)}<' if overall else "none"
        assert badge in shown.split("</p>")[0]
        headings = re.findall(r"<h3>(.*?)</h3>", shown)
        assert len(headings) == len(row.assessments)
        for heading, a in zip(headings, row.assessments, strict=True):
            assert heading.startswith(escape(a.body.name) + " ")
            assert heading.endswith(f'<span class="state">({states[a.state]})</span>')
            if a.status:
                assert f'<span class="badge s-{a.status.code}">' in heading
        assert ("Inga kommentarer ännu." in shown) == (not row.assessments)
