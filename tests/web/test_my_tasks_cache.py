"""Mina uppgifter kept per person (organisation/cache.py, web.views.home): served from the
cache until the organisation's next change, never to another person, never with anything of
the request in it."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import period_versions
from styrkort.followup.services import assessment_save
from styrkort.organisation.models import Body
from styrkort.organisation.services import membership_grant
from styrkort.planning.models import PlanItem, PlanVersion
from styrkort.planning.services import item_create

MAY_5 = "2025-05-05"
MARKER = "Uppgiftscachemarkor3K"


def _user(name):
    return get_user_model().objects.get(username=name)


def _page(client, username, day=MAY_5):
    client.force_login(_user(username))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:home"), {"datum": day})
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def _text(html):
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&nbsp;", " "))


def _t1(demo):
    return FollowUpPeriod.objects.get(organisation=demo.organisation, name="Tertial 1 2025")


def test_the_second_request_is_kept_and_a_change_shows_on_the_next(client, demo, monkeypatch):
    org, period = demo.organisation, _t1(demo)
    first, built = _page(client, "hsn")
    again, kept = _page(client, "hsn")
    assert again == first.replace(_csrf(first), _csrf(again))
    assert kept < built - 5  # the generation instead of the tasks' own queries
    assert "Minska miljö- och klimatpåverkan. HSN Saknas" in _text(first)
    assert "Mina uppgifter 1 att göra" in _text(first)

    goal = PlanItem.objects.get(
        pk=int(re.search(rf"/perioder/{period.pk}/punkter/(\d+)/HSN/", first).group(1))
    )
    hsn = Body.objects.get(organisation=org, abbreviation="HSN")
    assessment_save(
        actor=_user("hsn"),
        period=period,
        item=goal,
        body=hsn,
        status=org.status_scales.get().statuses.get(code="yellow"),
        comment="Arbetet pågår.",
    )
    changed = _text(_page(client, "hsn")[0])
    assert "Minska miljö- och klimatpåverkan. HSN Utkast" in changed
    assert "HSN Saknas" not in changed
    monkeypatch.setenv("STYRKORT_PAGE_CACHE", "0")
    assert _text(_page(client, "hsn")[0]) == changed


def _csrf(html):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else "\x00no token\x00"


def test_editors_of_different_bodies_do_not_share(client, demo):
    org, period = demo.organisation, _t1(demo)
    hsn, _ = _page(client, "hsn")
    run, _ = _page(client, "run")
    base = f"/o/{org.slug}/perioder/{period.pk}/punkter/"
    assert re.search(rf"{base}\d+/HSN/", hsn) and not re.search(rf"{base}\d+/RUN/", hsn)
    assert re.search(rf"{base}\d+/RUN/", run) and not re.search(rf"{base}\d+/HSN/", run)
    # The first again, after the second was kept: still only its own.
    assert not re.search(rf"{base}\d+/RUN/", _page(client, "hsn")[0])


def test_a_page_built_for_a_registrar_never_reaches_an_editor_of_the_same_body(client, demo):
    org, period = demo.organisation, _t1(demo)
    hsn = Body.objects.get(organisation=org, abbreviation="HSN")
    version = PlanVersion.objects.get(pk=period_versions(viewer=SYSTEM, period=period)[0])
    item_create(
        actor=SYSTEM,
        version=version,
        kind=PlanItem.Kind.ASSIGNMENT,
        text=f"Uppdrag {MARKER}.",
        receivers=[hsn],
        allow_adopted=True,
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    # The registrar who also writes for HSN: the same body's tasks, the secret text in full.
    both = _user("registrator")
    membership_grant(actor=SYSTEM, organisation=org, user=both, role="editor", body=hsn)
    registrar, _ = _page(client, "registrator")
    assert MARKER in registrar  # the positive control: the marker is there to leak
    editor, _ = _page(client, "hsn")
    assert MARKER not in editor
    rows = re.compile(r"Att skriva \((\d+)\)")
    assert rows.search(_text(editor)).group(1) == rows.search(_text(registrar)).group(1)
    for username in ("hsn_approver", "controller", "reader"):
        assert MARKER not in _page(client, username)[0], username
