"""The follow-up selector: what it returns, its filters, and a query count that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrkort.core.actors import SYSTEM
from styrkort.core.errors import NotFound
from styrkort.followup.selectors import followup_rows
from styrkort.followup.services import assessment_save, overall_status_set
from styrkort.planning.models import PlanItem
from styrkort.planning.services import item_create
from tests.builders import period, plan_with_items, status


def _fill(region, count):
    plan, items = plan_with_items(region, count=count, receivers=("RS", "HSN", "RUN", "KTN"))
    per = period(region)
    _assess(region, per, items)
    return plan, items, per


def _assess(region, per, items):
    for item in items:
        for abbr in ("HSN", "RUN"):
            body = region.bodies[abbr]
            assessment_save(
                actor=SYSTEM,
                period=per,
                item=item,
                body=body,
                status=status(region, "green"),
                comment=f"{abbr} om {item.text}",
            )
        overall_status_set(actor=SYSTEM, period=per, item=item, status=status(region, "yellow"))


def _queries(region, per):
    reader = type(region.reader).objects.get(pk=region.reader.pk)  # no cached memberships
    with CaptureQueriesContext(connection) as ctx:
        rows = followup_rows(viewer=reader, period=per)
        for row in rows:
            [a.status.label for a in row.assessments]
            [b.abbreviation for b in row.receivers]
            _ = row.overall.status.label
    return len(ctx.captured_queries), len(rows)


def test_query_count_is_the_same_at_10_and_500_items(region):
    _, _, per = _fill(region, 10)
    small, n_small = _queries(region, per)
    plan = per.organisation.plans.get()
    version = plan.versions.get()
    more = [
        item_create(
            actor=SYSTEM,
            version=version,
            kind="goal",
            text=f"Mål {n}",
            receivers=[region.bodies["HSN"], region.bodies["RUN"]],
        )
        for n in range(490)
    ]
    _assess(region, per, more)
    large, n_large = _queries(region, per)
    assert (n_small, n_large) == (10, 500)
    assert small == large
    assert small <= 8


def test_rows_hold_assessments_in_body_order_and_the_overall_status(region):
    _, items, per = _fill(region, 2)
    rows = followup_rows(viewer=region.reader, period=per)
    assert [r.item for r in rows] == items
    assert [a.body.abbreviation for a in rows[0].assessments] == ["HSN", "RUN"]
    assert rows[0].overall.status.label == "Gul"


def test_filters_by_body_kind_text_and_status(region):
    _, items, per = _fill(region, 3)
    version = items[0].plan_version
    goal = item_create(actor=SYSTEM, version=version, kind="goal", text="Minska klimatpåverkan.")
    assert [r.item for r in followup_rows(viewer=SYSTEM, period=per, kind="goal")] == [goal]
    rows = followup_rows(viewer=SYSTEM, period=per, body=region.bodies["RUN"])
    assert all([a.body.abbreviation for a in r.assessments] == ["RUN"] for r in rows)
    assert [r.item for r in followup_rows(viewer=SYSTEM, period=per, text="uppdrag 2")] == [
        items[1]
    ]
    rows = followup_rows(viewer=SYSTEM, period=per, status=status(region, "yellow"))
    assert {r.item.kind for r in rows} == {PlanItem.Kind.ASSIGNMENT}
    assert followup_rows(viewer=SYSTEM, period=per, status=status(region, "red")) == []


def test_a_page_holds_the_whole_follow_ups_rows_for_its_items(region):
    from styrkort.followup.selectors import followup_page

    _, _, per = _fill(region, 7)
    whole = followup_rows(viewer=region.reader, period=per)
    pages = [
        followup_page(viewer=region.reader, period=per, number=str(n), per_page=3)
        for n in (1, 2, 3)
    ]
    assert [(p.total, p.page.number, p.page.paginator.num_pages) for p in pages] == [
        (7, 1, 3),
        (7, 2, 3),
        (7, 3, 3),
    ]
    paged = [row for p in pages for row in p.rows]
    assert [r.item for r in paged] == [r.item for r in whole]
    assert [[a.pk for a in r.assessments] for r in paged] == [
        [a.pk for a in r.assessments] for r in whole
    ]
    assert [r.overall.pk for r in paged] == [r.overall.pk for r in whole]
    assert all(len(r.assessments) == 2 for r in paged)
    # A number past the end gives the last page, a wrong or missing one the first.
    last = followup_page(viewer=region.reader, period=per, number="99", per_page=3)
    assert [r.item for r in last.rows] == [whole[6].item]
    assert followup_page(viewer=region.reader, period=per, number="x", per_page=3).page.number == 1
    assert followup_page(viewer=region.reader, period=per, number=None, per_page=3).page.number == 1
    # Filtered by body, a page holds that body's assessments only.
    run = followup_page(
        viewer=region.reader, period=per, number=1, per_page=3, body=region.bodies["RUN"]
    )
    assert [[a.body.abbreviation for a in r.assessments] for r in run.rows] == [["RUN"]] * 3


def test_a_pages_queries_do_not_grow_with_the_page_or_the_period(region):
    from styrkort.followup.selectors import followup_page

    _, _, per = _fill(region, 12)

    def count(per_page):
        reader = type(region.reader).objects.get(pk=region.reader.pk)
        with CaptureQueriesContext(connection) as ctx:
            found = followup_page(viewer=reader, period=per, number=1, per_page=per_page)
            for row in found.rows:
                [a.status.label for a in row.assessments]
                [b.abbreviation for b in row.receivers]
                _ = row.overall.status.label
        return len(ctx.captured_queries), len(found.rows)

    small, large = count(2), count(12)
    assert (small[1], large[1]) == (2, 12)
    assert small[0] == large[0] <= 9


def test_user_of_another_region_gets_not_found(region):
    _, _, per = _fill(region, 1)
    with pytest.raises(NotFound):
        followup_rows(viewer=region.other_region_admin, period=per)


def test_matrix_cells_counts_and_change_since_previous_period(region):
    from styrkort.followup.selectors import MISSING, NOT_ASKED, Change, MatrixCell, matrix

    _, items = plan_with_items(region, count=3, receivers=("HSN", "RUN"))
    t1 = period(region, name="Tertial 1 2024")
    t2 = period(region, name="Tertial 2 2024", start=(5, 1), end=(8, 31))
    red, yellow, green = (status(region, c) for c in ("red", "yellow", "green"))
    for item, before, now in zip(items, [yellow, yellow, None], [green, red, yellow], strict=True):
        if before:
            overall_status_set(actor=SYSTEM, period=t1, item=item, status=before)
        overall_status_set(actor=SYSTEM, period=t2, item=item, status=now)
    assessment_save(
        actor=SYSTEM,
        period=t2,
        item=items[0],
        body=region.bodies["HSN"],
        status=green,
        comment="Ok.",
    )
    assessment_save(
        actor=SYSTEM,
        period=t2,
        item=items[0],
        body=region.bodies["KTN"],
        status=red,
        comment="Extra.",
    )

    data = matrix(viewer=region.reader, period=t2)
    assert data.previous == t1
    assert [b.abbreviation for b in data.bodies] == ["HSN", "RUN", "KTN"]
    assert [r.change for r in data.rows] == [Change.BETTER, Change.WORSE, Change.UNKNOWN]
    first = dict((b.abbreviation, c) for b, c in data.rows[0].cells)
    assert first["HSN"] == MatrixCell(green, "draft")
    assert first["RUN"] == MISSING
    assert first["KTN"] == MatrixCell(red, "draft")
    assert dict((b.abbreviation, c) for b, c in data.rows[1].cells)["KTN"] == NOT_ASKED
    assert [(s.label if s else None, n) for s, n in data.counts] == [
        ("Röd", 1),
        ("Gul", 1),
        ("Grön", 1),
        (None, 0),
    ]
    only_red = matrix(viewer=region.reader, period=t2, status=red)
    assert [r.item for r in only_red.rows] == [items[1]]
    only_ktn = matrix(viewer=region.reader, period=t2, body=region.bodies["KTN"])
    assert [b.abbreviation for b in only_ktn.bodies] == ["KTN"]
    assert [r.item for r in only_ktn.rows] == [items[0]]


def test_not_assessed_filter_matches_the_not_assessed_count(region):
    from styrkort.followup.selectors import matrix

    _, items = plan_with_items(region, count=3)
    per = period(region)
    overall_status_set(actor=SYSTEM, period=per, item=items[0], status=status(region, "no-data"))
    overall_status_set(actor=SYSTEM, period=per, item=items[1], status=status(region, "red"))
    data = matrix(viewer=SYSTEM, period=per)
    assert data.counts[-1] == (None, 2)
    filtered = matrix(viewer=SYSTEM, period=per, status=status(region, "no-data"))
    assert [r.item for r in filtered.rows] == [items[0], items[2]]


def test_text_filter_with_a_body_searches_only_that_bodys_comments(region):
    from styrkort.followup.selectors import matrix

    _, items = plan_with_items(region, count=2)
    per = period(region)
    assessment_save(
        actor=SYSTEM,
        period=per,
        item=items[0],
        body=region.bodies["RUN"],
        status=None,
        comment="Vi bygger om busshallen.",
    )
    both = matrix(viewer=SYSTEM, period=per, text="busshallen")
    assert [r.item for r in both.rows] == [items[0]]
    assert (
        matrix(viewer=SYSTEM, period=per, text="busshallen", body=region.bodies["HSN"]).rows == []
    )


def test_item_page_history_shows_only_earlier_periods_of_the_organisation(region):
    from styrkort.followup.selectors import item_detail

    _, items = plan_with_items(region, count=1)
    t1 = period(region, name="Tertial 1 2024")
    t2 = period(region, name="Tertial 2 2024", start=(5, 1), end=(8, 31))
    for per, text in ((t1, "Först."), (t2, "Sedan.")):
        assessment_save(
            actor=SYSTEM,
            period=per,
            item=items[0],
            body=region.bodies["HSN"],
            status=None,
            comment=text,
        )
    assert [h.period for h in item_detail(viewer=SYSTEM, period=t2, pk=items[0].pk).history] == [t1]
    assert item_detail(viewer=SYSTEM, period=t1, pk=items[0].pk).history == []


def test_items_of_a_version_not_in_force_are_not_found(region):
    import datetime as dt

    from styrkort.planning.models import PlanVersion
    from styrkort.planning.services import item_create, plan_version_adopt

    plan, items = plan_with_items(region, count=1)
    plan_version_adopt(actor=SYSTEM, version=plan.versions.get(), adopted_on=dt.date(2023, 11, 1))
    draft = PlanVersion.objects.create(plan=plan, number=2, label="Revidering")
    hidden = item_create(actor=SYSTEM, version=draft, kind="goal", text="Ännu inte beslutat.")
    per = period(region)
    from styrkort.followup.selectors import item_get

    assert item_get(viewer=SYSTEM, period=per, pk=items[0].pk) == items[0]
    with pytest.raises(NotFound):
        item_get(viewer=SYSTEM, period=per, pk=hidden.pk)
