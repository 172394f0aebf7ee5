"""Mina uppgifter, the start page after login: what each person has to write, approve and
answer for, with the count in the navigation; bounded queries at two data sizes.

The demo's named users: ``hsn`` writes HSN's assessments, ``hsn_approver`` approves them,
``controller`` follows every body's progress, ``registrator`` keeps the register, ``reader``
only reads (and so has nothing to do).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.selectors import my_task_count, my_tasks
from styrkort.followup.services import (
    assessment_return,
    assessment_save,
    assessment_submit,
)
from styrkort.organisation.models import Body, Membership
from styrkort.organisation.services import membership_grant
from styrkort.planning.models import PlanItem
from styrkort.register.selectors import my_deadlines
from tests.factories import UserFactory

MAY_5 = "2025-05-05"


def _user(name):
    return get_user_model().objects.get(username=name)


def _page(client, username, day=MAY_5):
    client.force_login(_user(username))
    response = client.get(reverse("web:home"), {"datum": day})
    assert response.status_code == 200
    return response


def _text(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " "))


def _t1(demo):
    return FollowUpPeriod.objects.get(organisation=demo.organisation, name="Tertial 1 2025")


def _goal(demo):
    """The environmental goal of RS's 2025 plan, which every committee answers for."""
    return (
        PlanItem.objects.filter(
            plan_version__plan__organisation=demo.organisation,
            plan_version__plan__year=2025,
            text="Minska miljö- och klimatpåverkan.",
        )
        .order_by("-plan_version__number")
        .first()
    )


def test_login_lands_on_my_tasks(client, demo):
    from styrkort.demo.loader import region_data

    response = client.post(
        reverse("web:login"),
        {"username": "hsn", "password": region_data()["demo_password"]},
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    page = client.get(response["Location"])
    assert "<h1>Mina uppgifter</h1>" in page.content.decode()


def test_hsn_start_page_lists_hsns_open_assessments(client, demo):
    period, goal = _t1(demo), _goal(demo)
    assert period.deadline == dt.date(2025, 5, 12)
    response = _page(client, "hsn")
    text = _text(response)
    assert "Tertial 1 2025: svar senast 12 maj 2025 Snart" in text
    assert "Minska miljö- och klimatpåverkan. HSN Saknas" in text
    # The row links to where HSN writes it, and the navigation counts it.
    edit = reverse("followup:edit", args=[demo.organisation.slug, period.pk, goal.pk, "HSN"])
    assert f'href="{edit}"' in response.content.decode()
    assert "Mina uppgifter 1 att göra" in text
    # Only HSN's: RS's items of the same period are not hers.
    assert "Energianvändning" not in text


def test_after_the_deadline_the_period_shows_late(client, demo):
    assert "svar senast 12 maj 2025 Försenad" in _text(_page(client, "hsn", day="2025-05-13"))


def test_returned_text_shows_its_reason_and_the_approver_sees_what_waits(client, demo):
    period, goal = _t1(demo), _goal(demo)
    hsn = Body.objects.get(organisation=demo.organisation, abbreviation="HSN")
    scale = demo.organisation.status_scales.get()
    a, _ = assessment_save(
        actor=_user("hsn"),
        period=period,
        item=goal,
        body=hsn,
        status=scale.statuses.get(code="yellow"),
        comment="Arbetet pågår.",
    )
    a = assessment_submit(actor=_user("hsn"), assessment=a)
    # Submitted: nothing left for the editor, one for the approver (and her count).
    assert "Minska miljö" not in _text(_page(client, "hsn")).split("Att skriva")[-1]
    approver = _text(_page(client, "hsn_approver"))
    assert "Att godkänna (1) Punkt Nämnd Läge Minska miljö- och klimatpåverkan. HSN" in approver
    assert "Mina uppgifter 1 att göra" in approver
    assessment_return(actor=_user("hsn_approver"), assessment=a, reason="Ange siffror.")
    text = _text(_page(client, "hsn"))
    assert "Minska miljö- och klimatpåverkan. HSN Skickad tillbaka : Ange siffror." in text
    assert "Att godkänna (" not in _text(_page(client, "hsn_approver"))


def test_four_eyes_an_approver_is_not_asked_to_approve_her_own_text(demo):
    org, period, goal = demo.organisation, _t1(demo), _goal(demo)
    hsn = Body.objects.get(organisation=org, abbreviation="HSN")
    both = _user("hsn_approver")
    membership_grant(actor=SYSTEM, organisation=org, user=both, role="editor", body=hsn)
    both = _user("hsn_approver")  # memberships are cached on the user object
    a, _ = assessment_save(
        actor=both,
        period=period,
        item=goal,
        body=hsn,
        status=org.status_scales.get().statuses.get(code="green"),
        comment="Klart.",
    )
    assessment_submit(actor=both, assessment=a)
    tasks = my_tasks(viewer=both, organisation=org, today=dt.date(2025, 5, 5))
    assert all(not p.to_approve for p in tasks.periods)
    assert my_task_count(viewer=both) == 0
    assert org.four_eyes


def test_controller_sees_each_bodys_progress_and_who_has_not_started(client, demo):
    text = _text(_page(client, "controller"))
    assert "Framsteg per nämnd" in text
    assert "HSN 0 av 1 (0 %) 1 0 0 0" in text
    assert "Inte påbörjat: Regionstyrelsen (RS), Hälso- och sjukvårdsnämnden (HSN)" in text
    # The year 2024 is all approved: one line, not a table.
    assert "Alla nämnders bedömningar är godkända" in text
    # Overdue register deadlines: the audit's answer and RS's assignment due in April.
    assert "Svara på mindre avvikelse: Extern miljörevision 2024 Revision – Försenad" in text


def test_deadlines_follow_the_role(demo):
    org, day = demo.organisation, dt.date(2025, 5, 5)
    kinds = {
        name: {
            m.deadline.kind for m in my_deadlines(viewer=_user(name), organisation=org, today=day)
        }
        for name in ("hsn", "rs", "registrator", "controller", "reader")
    }
    assert kinds == {
        "hsn": set(),
        "rs": {"Uppdrag"},
        "registrator": {"Revision"},
        "controller": {"Uppdrag", "Revision"},
        "reader": set(),
    }


def test_reader_has_nothing_to_do(client, demo):
    text = _text(_page(client, "reader"))
    assert "Inget att göra just nu." in text
    assert "att göra" not in text.split("Mina uppgifter")[1]  # no count in the navigation


def test_anonymous_is_sent_to_login_and_nothing_changes(client, demo):
    before = list(Assessment.objects.order_by("pk").values_list("pk", "state", "version"))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    # The page only reads: a POST is refused and changes nothing either.
    client.force_login(_user("hsn"))
    assert client.post(reverse("web:home")).status_code in (403, 405)
    assert list(Assessment.objects.order_by("pk").values_list("pk", "state", "version")) == before


def test_another_regions_member_sees_nothing_of_ours(client, demo):
    from styrkort.core.errors import NotFound
    from styrkort.organisation.services import organisation_create

    other_org = organisation_create(actor=SYSTEM, name="Annan region")
    stranger = UserFactory(username="other_admin")
    membership_grant(actor=SYSTEM, organisation=other_org, user=stranger, role="admin")
    text = _text(_page(client, "other_admin"))
    assert "Annan region" in text and "Jämtland" not in text
    with pytest.raises(NotFound):
        my_tasks(viewer=stranger, organisation=demo.organisation, today=dt.date(2025, 5, 5))
    assert my_task_count(viewer=stranger) == 0


# --- bounded queries, and the count agrees with the page --------------------------------------


@pytest.fixture
def regions(db):
    from styrkort.demo.synthetic import build_synthetic_region

    made = []
    for items, name in ((10, "Liten region"), (300, "Stor region")):
        region = build_synthetic_region(items=items, bodies=6, periods=2, name=name)
        n01 = region.bodies[0]
        for username, role, body in (
            ("editor", "editor", n01),
            ("approver", "approver", n01),
            ("controller", "controller", None),
        ):
            user = UserFactory(username=f"{username}-{region.organisation.slug}")
            Membership.objects.create(
                user=user, organisation=region.organisation, role=role, body=body
            )
            setattr(region, username, user)
        made.append(region)
    return made


def _count(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_query_counts_do_not_grow_from_10_to_300_items(client, regions):
    counts = [
        {who: _count(client, getattr(r, who)) for who in ("editor", "approver", "controller")}
        for r in regions
    ]
    assert counts[0] == counts[1], counts
    assert max(counts[1].values()) <= 20, counts


def test_the_navigation_count_is_the_pages(regions):
    for region in regions:
        org, day = region.organisation, dt.date(2025, 5, 5)
        for who in ("editor", "approver", "controller"):
            user = getattr(region, who)
            tasks = my_tasks(viewer=user, organisation=org, today=day)
            assert my_task_count(viewer=user) == tasks.count, (org, who)
        editor = my_tasks(viewer=region.editor, organisation=org, today=day)
        drafts = Assessment.objects.filter(
            period__organisation=org, body=region.bodies[0], state__in=["draft", "returned"]
        ).count()
        assert editor.count == drafts > 0
    # Progress agrees with the progress page's selector.
    from styrkort.followup.selectors import progress

    region = regions[1]
    tasks = my_tasks(viewer=region.controller, organisation=region.organisation, today=day)
    for period_tasks in tasks.periods:
        expected = progress(viewer=region.controller, period=period_tasks.period)
        got = period_tasks.progress
        assert [(p.body, p.missing, p.draft, p.submitted, p.approved) for p in got] == [
            (p.body, len(p.missing), p.draft, p.submitted, p.approved) for p in expected
        ]


def test_missing_counts_follow_the_plan_version_in_force(demo):
    """RS's 2025 plan was revised on 21 January: Tertial 1 2025 follows the revision (with the
    added lease assignment), and the SQL count agrees with the page."""
    rs = _user("rs")
    tasks = my_tasks(viewer=rs, organisation=demo.organisation, today=dt.date(2025, 5, 5))
    (t1,) = [p for p in tasks.periods if p.period.name == "Tertial 1 2025"]
    texts = [t.item.text for t in t1.to_write]
    assert any(t.startswith("Gå igenom hyreskontrakt") for t in texts)
    assert len(texts) == len(set(texts)) == 7
    assert my_task_count(viewer=rs) == tasks.count == 7


def test_a_demo_loaded_before_answer_deadlines_gets_its_deadline(demo):
    from styrkort.demo.loader import load_demo

    period = _t1(demo)
    FollowUpPeriod.objects.filter(pk=period.pk).update(deadline=None)
    load_demo()
    period.refresh_from_db()
    assert period.deadline == dt.date(2025, 5, 12)
    load_demo()  # and a second load changes nothing
    period.refresh_from_db()
    assert period.deadline == dt.date(2025, 5, 12)
