"""A secret record on the public pages, feeds and downloads: only that it exists and its legal
ground (tests/test_secrecy_channels.py sweeps every URL; this reads the redacted view itself)."""

import datetime as dt

import pytest
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.register import services as register
from styrkort.register.models import Meeting

MARKER = "Hemlig7Kx"
GROUND = "OSL 18 kap. 8 §"


@pytest.fixture
def secret_case(region):
    org = region.org
    case = register.case_register(
        actor=SYSTEM,
        organisation=org,
        series="RS",
        title=f"Ärende {MARKER}",
        opened_on=dt.date(2025, 2, 1),
        secret=True,
        secrecy_ground=GROUND,
    )
    register.decision_record(
        actor=SYSTEM,
        case=case,
        body=region.bodies["RS"],
        decided_on=dt.date(2025, 2, 11),
        title=f"Beslut {MARKER}",
        points=[register.PointSpec(text=f"Punkt {MARKER}.")],
    )
    meeting = register.meeting_create(
        actor=SYSTEM,
        organisation=org,
        body=region.bodies["RS"],
        starts_on=dt.date(2025, 3, 25),
        ends_on=dt.date(2025, 3, 26),
    )
    register.agenda_item_create(
        actor=SYSTEM, meeting=meeting, number=1, title=f"Dagordning {MARKER}", case=case
    )
    assert Meeting.objects.filter(organisation=org).exists()
    return case


def test_a_secret_case_shows_only_its_number_and_ground_everywhere(client, region, secret_case):
    slug = region.org.slug
    case = secret_case
    urls = [
        reverse("public:organisation", args=[slug]),
        reverse("public:cases", args=[slug]),
        reverse("public:case", args=[slug, case.series, case.serial, case.year]),
        reverse("public:decisions", args=[slug]),
        reverse("public:meetings", args=[slug]),
        reverse("public:ics", args=[slug]),
        reverse("public:body-ics", args=[slug, "RS"]),
        reverse("public:opendata", args=[slug]),
        *[
            reverse(f"public:data-{name}-{fmt}", args=[slug])
            for name in ("planer", "diariet", "beslut", "sammantraden")
            for fmt in ("csv", "json")
        ],
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode("utf-8-sig"), url
    page = client.get(urls[2]).content.decode()
    assert case.number in page
    assert f"Ärendet omfattas av sekretess enligt {GROUND}" in page
    assert GROUND in client.get(reverse("public:data-diariet-csv", args=[slug])).content.decode()
    decisions = client.get(reverse("public:decisions", args=[slug])).content.decode()
    assert "sekretessbelagt beslut" in decisions and GROUND in decisions


def test_a_secret_item_in_a_published_followup_shows_only_its_ground(client, region):
    """An assignment given by a secret decision: on the public follow-up, in CSV and JSON, only
    that it exists and its legal ground; not its text, status or the body's approved comment."""
    from styrkort.core.actors import SYSTEM as system
    from styrkort.followup.services import (
        assessment_approve,
        assessment_save,
        assessment_submit,
        period_publish,
    )
    from styrkort.planning.models import SECRET_ITEM
    from styrkort.planning.services import item_create, plan_version_adopt
    from tests.builders import period as make_period
    from tests.builders import plan_with_items, status

    plan, _ = plan_with_items(region, count=1)
    version = plan.versions.get()
    plan_version_adopt(actor=system, version=version, adopted_on=dt.date(2023, 12, 1))
    secret = item_create(
        actor=system,
        version=version,
        kind="assignment",
        text=f"Uppdrag {MARKER}",
        receivers=[region.bodies["HSN"]],
        allow_adopted=True,
        secret=True,
        secrecy_ground=GROUND,
    )
    period = make_period(region)
    a, _ = assessment_save(
        actor=system,
        period=period,
        item=secret,
        body=region.bodies["HSN"],
        status=status(region, "red"),
        comment=f"Kommentar {MARKER}",
    )
    assessment_submit(actor=system, assessment=a)
    assessment_approve(actor=system, assessment=a.__class__.objects.get(pk=a.pk))
    period_publish(actor=system, period=period)
    slug = region.org.slug
    page = client.get(reverse("public:followup", args=[slug, period.pk])).content.decode()
    assert MARKER not in page
    assert SECRET_ITEM in page and f"Uppgifterna omfattas av sekretess enligt {GROUND}" in page
    for name in ("public:followup-csv", "public:followup-json"):
        data = client.get(reverse(name, args=[slug, period.pk])).content.decode("utf-8-sig")
        assert MARKER not in data and GROUND in data, name
