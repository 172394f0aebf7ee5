"""The public follow-up a page at a time (docs/performance.md, "Huge periods"): every item on
exactly one page, pages cut by items and by the characters of their comments, page numbers in
links and in the cache key, bad numbers answered as the matrix answers them."""

import itertools
import re

import pytest
from django.urls import reverse

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.selectors import published_pages, published_rows
from styrkort.organisation.audience import Audience
from styrkort.planning.models import PlanItem
from styrkort.public import views

GROUND = "OSL 18 kap. 8 §"


@pytest.fixture
def published(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    assert period.published_at is not None
    return demo.organisation, period


def _items(html: str) -> list[tuple[str, str]]:
    """(anchor, heading) of each item on a page."""
    return re.findall(r'<h3 id="(punkt-\d+)">(.*?)</h3>', html)


def _chars(org, period, ids):
    rows = published_rows(viewer=Audience.public(org), period=period, item_ids=ids)
    return sum(len(c.comment) for r in rows for c in r.comments)


def test_the_demo_follow_up_is_one_page_without_page_links(client, published):
    org, period = published
    html = client.get(reverse("public:followup", args=[org.slug, period.pk])).content.decode()
    assert len(_items(html)) == 7
    assert 'class="pages"' not in html and "sida 1 av" not in html
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title.startswith(f"Uppföljning {period.name} ") and "sida" not in title


def test_every_item_is_on_exactly_one_page_in_order(client, published, monkeypatch):
    org, period = published
    url = reverse("public:followup", args=[org.slug, period.pk])
    whole = _items(client.get(url).content.decode())
    monkeypatch.setattr(views, "FOLLOWUP_PAGE_SIZE", 3)
    seen = []
    for n in (1, 2, 3):
        html = client.get(f"{url}?sida={n}").content.decode()
        assert f"Uppföljning {period.name}, sida {n} av 3</h1>" in html
        assert f"sida {n} av 3 –" in re.search(r"<title>(.*?)</title>", html).group(1)
        nav = re.search(r'<nav class="pages" aria-label="Uppföljningens sidor">.*?</nav>', html)
        assert nav and f'<span aria-current="page">{n}</span>' in nav.group(0)
        assert all(f'href="?sida={m}"' in nav.group(0) for m in (1, 2, 3) if m != n)
        seen += _items(html)
    # The same items, headings and numbering as the one page, each once.
    assert seen == whole and len(whole) == 7


def test_page_two_is_never_page_one_from_the_cache(client, published, monkeypatch):
    org, period = published
    url = reverse("public:followup", args=[org.slug, period.pk])
    monkeypatch.setattr(views, "FOLLOWUP_PAGE_SIZE", 4)
    first = _items(client.get(url).content.decode())
    second = _items(client.get(f"{url}?sida=2").content.decode())
    again = _items(client.get(url).content.decode())
    assert [a for a, _ in first] == [f"punkt-{n}" for n in range(1, 5)]
    assert [a for a, _ in second] == [f"punkt-{n}" for n in range(5, 8)]
    assert again == first
    # Another page size is another cache entry, not the 4-item page 1.
    monkeypatch.setattr(views, "FOLLOWUP_PAGE_SIZE", 50)
    assert len(_items(client.get(url).content.decode())) == 7


def test_a_page_stops_at_its_characters_and_a_long_item_has_a_page_of_its_own(published):
    org, period = published
    public = Audience.public(org)
    one = published_pages(viewer=public, period=period, per_page=50, max_chars=10**9)
    assert len(one) == 1
    ids = one[0]
    # The third item's approved comments made long.
    long_item = PlanItem.objects.get(pk=ids[2])
    shown = Assessment.objects.filter(
        period=period, lineage=long_item.lineage, state=Assessment.State.APPROVED
    )
    assert shown.exists()
    shown.update(comment="x" * 5_000)
    limit = 3_000
    pages = published_pages(viewer=public, period=period, per_page=50, max_chars=limit)
    assert [i for p in pages for i in p] == ids
    assert [long_item.pk] in pages  # over the limit alone: a page of its own
    for page in pages:
        assert len(page) == 1 or _chars(org, period, page) <= limit
    # Full pages: each page but the last would have gone over with the next item.
    for page, after in itertools.pairwise(pages):
        assert _chars(org, period, page + after[:1]) > limit


def test_a_secret_items_comments_do_not_move_the_pages(published):
    org, period = published
    public = Audience.public(org)
    ids = published_pages(viewer=public, period=period, per_page=50, max_chars=10**9)[0]
    before = published_pages(viewer=public, period=period, per_page=50, max_chars=2_000)
    item = PlanItem.objects.get(pk=ids[2])
    Assessment.objects.filter(period=period, lineage=item.lineage).update(comment="y" * 50_000)
    PlanItem.objects.filter(pk=item.pk).update(secret=True, secrecy_ground=GROUND)
    after = published_pages(viewer=public, period=period, per_page=50, max_chars=2_000)
    assert after == before
    # The positive control: not secret, the same comments give it a page of its own.
    PlanItem.objects.filter(pk=item.pk).update(secret=False)
    alone = published_pages(viewer=public, period=period, per_page=50, max_chars=2_000)
    assert [item.pk] in alone and alone != before


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("abc", 1), ("0", 1), ("-2", 1), ("", 1), ("1.5", 1), ("2", 2), ("3", 3), ("99", 3)],
)
def test_a_bad_page_number_is_page_one_and_past_the_end_the_last(
    client, published, monkeypatch, asked, shown
):
    org, period = published
    url = reverse("public:followup", args=[org.slug, period.pk])
    monkeypatch.setattr(views, "FOLLOWUP_PAGE_SIZE", 3)
    response = client.get(f"{url}?sida={asked}")
    assert response.status_code == 200
    assert f"sida {shown} av 3</h1>" in response.content.decode()


def test_the_open_data_holds_every_item_whatever_the_pages(client, published, monkeypatch):
    org, period = published
    monkeypatch.setattr(views, "FOLLOWUP_PAGE_SIZE", 2)
    csv = client.get(reverse("public:followup-csv", args=[org.slug, period.pk])).content.decode()
    for pk in published_pages(
        viewer=Audience.public(org), period=period, per_page=50, max_chars=10**9
    )[0]:
        assert PlanItem.objects.get(pk=pk).text.split("\n")[0][:40] in csv
