"""The pages of the foundation: login with lockout, overview, follow-up, downloads; 404 outside."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import FollowUpPeriod
from tests.seed import SEED_BYTES, normalise, seed_items


@pytest.fixture
def period(demo):
    return FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)


def _login(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))


def test_pages_need_login(client, period):
    url = reverse("reports:followup-view", args=[period.organisation.slug, period.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_login_with_demo_password_lands_on_the_organisation(client, demo):
    response = client.post(reverse("web:login"), {"username": "hsn", "password": "demo"})
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert "Region Jämtland Härjedalen" in page.content.decode()


def test_repeated_failed_logins_lock_the_account(client, demo):
    for _ in range(5):
        client.post(reverse("web:login"), {"username": "hsn", "password": "fel"})
    response = client.post(reverse("web:login"), {"username": "hsn", "password": "demo"})
    assert response.status_code == 429
    assert "tillfälligt spärrad" in response.content.decode()


def test_follow_up_page_shows_every_item_status_and_comment(client, period):
    _login(client, "reader")
    response = client.get(
        reverse("reports:followup-view", args=[period.organisation.slug, period.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html and 'href="#main"' in html
    page = unescape(strip_tags(html))  # diary numbers are links inside the comments
    for item in seed_items():
        text = item.heading.rsplit(" (", 1)[0] if item.heading.endswith(")") else item.heading
        assert text in page
        for _, comment in item.comments:
            for paragraph in comment.split("\n\n"):
                assert paragraph in page, paragraph[:60]


def test_status_is_shown_as_text_not_only_colour(client, period):
    _login(client, "reader")
    html = client.get(
        reverse("reports:followup-view", args=[period.organisation.slug, period.pk])
    ).content
    assert html.decode().count(">Gul</span>") >= 6
    assert ">Röd</span>" in html.decode()


def test_filter_by_body_and_text(client, period):
    _login(client, "reader")
    url = reverse("reports:followup-view", args=[period.organisation.slug, period.pk])
    html = client.get(url, {"body": "KTN", "q": "åtgärdsplan"}).content.decode()
    assert "KTN/33/2023" in html
    assert "Hälso- och sjukvårdsnämnden</h3>" not in html
    assert "2 punkter" in html


def test_text_download_is_the_seed(client, period):
    _login(client, "reader")
    url = reverse("reports:followup-download", args=[period.organisation.slug, period.pk, "txt"])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    assert normalise(response.content.decode()) == normalise(SEED_BYTES.decode("utf-8"))


def test_other_region_sees_404_for_our_pages(client, period):
    from styrkort.organisation.services import membership_grant
    from tests.conftest import make_region
    from tests.factories import UserFactory

    other = make_region("Region Västernorrland")
    outsider = UserFactory(username="outsider")
    membership_grant(actor=SYSTEM, organisation=other.org, user=outsider, role="admin")
    client.force_login(outsider)
    slug = period.organisation.slug
    assert client.get(reverse("web:organisation", args=[slug])).status_code == 404
    assert client.get(reverse("reports:followup-view", args=[slug, period.pk])).status_code == 404
    assert (
        client.get(reverse("reports:followup-view", args=[other.org.slug, period.pk])).status_code
        == 404
    )
