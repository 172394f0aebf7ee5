"""The public pages over HTTP, as an anonymous visitor: what shows, what does not, and 404s."""

import csv
import io
import itertools
import json
import re
import warnings

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.planning.models import Plan, PlanVersion


@pytest.fixture
def org(demo):
    return demo.organisation


@pytest.fixture
def published(org):
    return FollowUpPeriod.objects.get(organisation=org, year=2024)


def _text(response) -> str:
    """What a person reads: the page without its tags, spaces run together."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _public_urls(org, period):
    plan = Plan.objects.filter(organisation=org, versions__state="adopted").first()
    return {
        "organisationer": reverse("public:index"),
        "start": reverse("public:organisation", args=[org.slug]),
        "uppföljning": reverse("public:followup", args=[org.slug, period.pk]),
        "planer": reverse("public:plans", args=[org.slug]),
        "plan": reverse("public:plan", args=[org.slug, plan.pk]),
        "diariet": reverse("public:cases", args=[org.slug]),
        "ärende": reverse("public:case", args=[org.slug, "RS", 516, 2024]),
        "beslut": reverse("public:decisions", args=[org.slug]),
        "sammanträden": reverse("public:meetings", args=[org.slug]),
        "öppna data": reverse("public:opendata", args=[org.slug]),
        "tillgänglighet": reverse("public:accessibility", args=[org.slug]),
        "tillgänglighet, webbplatsen": reverse("public:accessibility-site"),
    }


def test_anonymous_visitor_finds_the_2024_followup_with_all_seven_items(client, org, published):
    start = client.get(reverse("public:organisation", args=[org.slug]))
    assert start.status_code == 200
    link = reverse("public:followup", args=[org.slug, published.pk])
    assert f'href="{link}"' in start.content.decode()
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    text = _text(page)
    assert "Uppdrag 2024" in text and "Kommentar 2024" in text
    items = re.findall(r'<h3 id="punkt-\d+">(.*?)</h3>', html)
    assert len(items) == 7, items
    statuses = re.findall(r'<p class="status">Status: <span class="badge [^"]+">(\w+)</span>', html)
    assert sorted(statuses) == ["Gul"] * 6 + ["Röd"]
    assert items[0].endswith("(RS+Nämnder)")
    assert "(RS)" in items[2]
    # The goal without a receivers marker (the seed's last item) has none here either.
    assert sum(1 for i in items if not i.endswith(")")) >= 1
    # Each body's name and its comment, as in the seed.
    assert "<h4>Kollektivtrafiknämnden</h4>" in html
    assert "Arbete enligt åtgärdsplan för en ekonomi i balans pågår." in text
    # No workspace navigation, no login needed.
    assert "Logga ut" not in html and "Huvudmeny" not in html


def test_the_accessibility_statement_follows_digg_and_is_linked_from_every_page(
    client, org, published
):
    statement = reverse("public:accessibility", args=[org.slug])
    for name, url in _public_urls(org, published).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert '<html lang="sv">' in html, name
        assert '<a class="skip-link" href="#main">Gå till huvudinnehåll</a>' in html, name
        assert '<main id="main"' in html and "<footer" in html and "<header" in html, name
        assert html.count("<h1") == 1, name
        # Headings never skip a level.
        levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (name, levels)
        assert "Tillgänglighetsredogörelse</a>" in html, name
        if name != "organisationer" and not name.endswith("webbplatsen"):
            assert f'href="{statement}"' in html, name
        assert "<script" not in html, name
    text = _text(client.get(statement))
    for part in (
        "Region Jämtland Härjedalen står bakom den här webbplatsen",
        "lagen (2018:1937) om tillgänglighet till digital offentlig service",
        "Hur tillgänglig är webbplatsen?",
        "delvis förenlig",
        "Innehåll som inte är tillgängligt",
        "Rapportera brister",
        "Myndigheten för digital förvaltning",
        "Hur vi testat webbplatsen",
        "Senaste bedömningen gjordes den",
        "Redogörelsen uppdaterades senast den",
    ):
        assert part in text, part


def test_a_logged_in_member_reads_the_public_pages_as_the_public(client, org, published):
    """The pages are the public's, whoever asks: a controller sees no draft there."""
    draft = Assessment.objects.filter(period__organisation=org).exclude(state="approved").first()
    client.force_login(get_user_model().objects.get(username="controller"))
    page = client.get(reverse("public:organisation", args=[org.slug]))
    assert page.status_code == 200
    assert "Logga ut" not in page.content.decode()
    if draft is not None and draft.period.published_at is not None:
        followup = client.get(reverse("public:followup", args=[org.slug, draft.period_id]))
        assert draft.comment not in followup.content.decode()


def test_unpublished_periods_forged_ids_and_other_slugs_answer_404(client, org, published):
    from tests.conftest import make_region

    other = make_region("Region Västernorrland").org
    unpublished = FollowUpPeriod.objects.filter(organisation=org, published_at__isnull=True)
    assert unpublished.exists()
    for period in unpublished:
        for name in ("public:followup", "public:followup-csv", "public:followup-json"):
            assert client.get(reverse(name, args=[org.slug, period.pk])).status_code == 404
    for name in ("public:followup", "public:followup-csv", "public:followup-json"):
        assert client.get(reverse(name, args=[org.slug, 999_999])).status_code == 404
        # Our published period under another organisation's slug.
        assert client.get(reverse(name, args=[other.slug, published.pk])).status_code == 404
        assert client.get(reverse(name, args=["finns-inte", published.pk])).status_code == 404
    assert client.get(reverse("public:organisation", args=["finns-inte"])).status_code == 404
    assert client.get(reverse("public:case", args=[org.slug, "RS", 99999, 2024])).status_code == 404
    assert client.get(reverse("public:case", args=[other.slug, "RS", 516, 2024])).status_code == 404
    assert client.get(reverse("public:plan", args=[org.slug, 999_999])).status_code == 404
    our_plan = Plan.objects.filter(organisation=org).first()
    assert client.get(reverse("public:plan", args=[other.slug, our_plan.pk])).status_code == 404
    assert client.get(reverse("public:body-ics", args=[org.slug, "XYZ"])).status_code == 404
    assert client.get(reverse("public:cases", args=[org.slug]), {"sida": "x"}).status_code == 200
    # Any text in a URL makes a valid cache key (no warning about spaces or length).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        odd = f"/o/{org.slug}/offentligt/diariet/{'R S' * 120}/1/2024/"
        assert client.get(odd).status_code == 404


def test_a_plan_never_adopted_is_not_public(client, org):
    draft = Plan.objects.filter(organisation=org).exclude(versions__state="adopted").first()
    if draft is None:
        from styrkort.core.actors import SYSTEM
        from styrkort.planning.services import plan_create

        draft = plan_create(
            actor=SYSTEM, organisation=org, body=org.bodies.get(abbreviation="HSN"), year=2030
        )
    assert not draft.versions.filter(state=PlanVersion.State.ADOPTED).exists()
    assert client.get(reverse("public:plan", args=[org.slug, draft.pk])).status_code == 404
    plans = client.get(reverse("public:plans", args=[org.slug])).content.decode()
    assert reverse("public:plan", args=[org.slug, draft.pk]) not in plans


def test_adopted_plan_shows_goals_key_figures_with_targets_and_assignments(client, org):
    plan = Plan.objects.get(organisation=org, year=2025)
    page = client.get(reverse("public:plan", args=[org.slug, plan.pk]))
    assert page.status_code == 200
    text = _text(page)
    for heading in ("Mål", "Nyckeltal", "Uppdrag", "Version i kraft"):
        assert heading in text
    assert "Målvärde 2025" in text


def test_open_data_csv_is_semicolon_utf8_with_bom_and_json_parses(client, org, published):
    csv_response = client.get(reverse("public:followup-csv", args=[org.slug, published.pk]))
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    body = csv_response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["period", "typ", "punkt"]
    assert {r[4] for r in rows[1:]} == {"Röd", "Gul"}
    assert len({r[2] for r in rows[1:]}) == 7
    data = json.loads(
        client.get(reverse("public:followup-json", args=[org.slug, published.pk])).content
    )
    assert data["period"] == published.name and len(data["rader"]) == len(rows) - 1
    for name in ("planer", "diariet", "beslut", "sammantraden"):
        for fmt in ("csv", "json"):
            response = client.get(reverse(f"public:data-{name}-{fmt}", args=[org.slug]))
            assert response.status_code == 200, (name, fmt)
            if fmt == "csv":
                assert response.content.startswith(b"\xef\xbb\xbf")
                assert b";" in response.content.splitlines()[0]
            else:
                assert json.loads(response.content)["rader"], name
    cases = client.get(reverse("public:data-diariet-csv", args=[org.slug])).content.decode()
    assert "RS/516/2024" in cases


def test_calendar_feed_needs_no_login_and_sets_no_cookie(client, org):
    response = client.get(reverse("public:ics", args=[org.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content and b"BEGIN:VEVENT" in response.content
    assert not response.cookies
    body = client.get(reverse("public:body-ics", args=[org.slug, "RF"]))
    assert body.status_code == 200 and b"BEGIN:VCALENDAR" in body.content


def test_public_pages_work_under_the_content_security_policy(client, org, published):
    """Colours come in a <style> carrying the request's nonce, also from the cache."""
    url = reverse("public:followup", args=[org.slug, published.pk])
    nonces = []
    for _ in range(2):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert f'<style nonce="{nonce}">' in response.content.decode()
        assert "<script" not in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
