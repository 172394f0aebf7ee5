"""The matrix and the progress page of a huge period are paged (docs/performance.md, "Huge
periods"): every row and column exactly once across the pages, the filters kept in the page
links, each page kept apart in the page cache, and a period that fits one page unchanged."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from styrkort.demo.synthetic import build_synthetic_region
from styrkort.followup import selectors, views
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.planning.models import PlanItem


@pytest.fixture
def region(db):
    return build_synthetic_region(items=23, bodies=7, periods=2, name="Sidregion")


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 5)
    monkeypatch.setattr(views, "MATRIX_COLUMNS", 3)


def _matrix(client, region, **query):
    client.force_login(region.reader)
    org, period = region.organisation, region.periods[-1]
    response = client.get(reverse("followup:matrix", args=[org.slug, period.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _tbody(html):
    return re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)


def _row_items(html):
    """The item ids of the rows, in order (each row's heading links to its item)."""
    return [int(pk) for pk in re.findall(r'<th scope="row"><a href="[^"]*/(\d+)/"', _tbody(html))]


def _columns(html):
    return re.findall(r'<th scope="col"><abbr title="[^"]*">([^<]*)</abbr></th>', html)


def _nav(html, label):
    found = re.search(rf'<nav class="pages" aria-label="{re.escape(label)}">(.*?)</nav>', html)
    return found.group(1) if found else None


def _links(nav):
    return [
        parse_qs(urlparse(href.replace("&amp;", "&")).query)
        for href in re.findall(r'href="([^"]*)"', nav)
    ]


def test_every_item_is_on_exactly_one_page_in_plan_order(client, region, small_pages):
    pages = [_row_items(_matrix(client, region, sida=n)) for n in range(1, 6)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    shown = [pk for page in pages for pk in page]
    assert shown == [i.pk for i in sorted(region.items, key=lambda i: i.order)]
    # A page past the end is the last one, a page that is no number the first.
    assert _row_items(_matrix(client, region, sida=99)) == pages[-1]
    assert _row_items(_matrix(client, region, sida="x")) == pages[0]


def test_every_body_is_in_exactly_one_column_page_and_the_cells_follow_their_column(
    client, region, small_pages
):
    pages = [_matrix(client, region, kolumner=n) for n in (1, 2, 3)]
    assert [_columns(html) for html in pages] == [
        ["N01", "N02", "N03"],
        ["N04", "N05", "N06"],
        ["N07"],
    ]
    # Each row has the item's three cells plus one a column of the page.
    for html, width in zip(pages, (3, 3, 1), strict=True):
        first_row = re.search(r"<tr>(.*?)</tr>", _tbody(html)).group(1)
        assert first_row.count("<td") == 2 + width


def test_the_columns_are_those_of_every_filtered_item_not_only_the_page(
    client, region, small_pages
):
    # N07 answers only the last item: its column is there on the first page too (empty).
    period = region.periods[-1]
    last = max(region.items, key=lambda i: i.order)
    n07 = region.bodies[-1]
    PlanItem.receivers.through.objects.filter(body=n07).exclude(planitem=last).delete()
    Assessment.objects.filter(body=n07).exclude(item=last).delete()
    page_one = _matrix(client, region, kolumner=3, sida=1)
    assert _columns(page_one) == ["N07"]
    assert "Ej mottagare" in _tbody(page_one) and "Saknas" not in _tbody(page_one)
    last_page = _matrix(client, region, kolumner=3, sida=5)
    assert _columns(last_page) == ["N07"]
    assert period.assessments.filter(body=n07).count() == 1


def test_the_filters_are_kept_in_the_page_links_and_the_page_number_is_not(
    client, region, small_pages
):
    html = _matrix(client, region, kind="assignment", body="N02", sida=2)
    rows = _nav(html, "Matrisens sidor (punkter)")
    assert rows is not None and 'aria-current="page">2<' in rows
    links = _links(rows)
    assert links and all(q["kind"] == ["assignment"] and q["body"] == ["N02"] for q in links)
    assert {q["sida"][0] for q in links} >= {"1", "3"}
    # The kind filter leaves the 19 assignments: four pages of five.
    assert 'href="?kind=assignment&amp;body=N02&amp;sida=4"' in rows
    assert "sida=5" not in rows
    # One body chosen: one column, no column pages.
    assert _columns(html) == ["N02"] and _nav(html, "Matrisens kolumner (nämnder)") is None
    # The text search is kept too, and the column page in the row links (and the other way).
    html = _matrix(client, region, q="Punkt", kolumner=2, sida=3)
    for q in _links(_nav(html, "Matrisens sidor (punkter)")):
        assert q["q"] == ["Punkt"] and q["kolumner"] == ["2"]
    for q in _links(_nav(html, "Matrisens kolumner (nämnder)")):
        assert q["q"] == ["Punkt"] and q["sida"] == ["3"]
    # The documents hold every page: the download link names no page.
    download = re.search(r'href="([^"]*)#ladda-ner"', html).group(1)
    assert "q=Punkt" in download and "sida" not in download and "kolumner" not in download


def test_a_later_page_is_never_served_the_first_pages_cached_matrix(client, region, small_pages):
    first = _tbody(_matrix(client, region))
    second = _matrix(client, region, sida=2)
    assert _tbody(second) != first
    assert _row_items(second) == [i.pk for i in sorted(region.items, key=lambda i: i.order)][5:10]
    again = _tbody(_matrix(client, region, sida=1))
    assert again == first
    columns_two = _matrix(client, region, kolumner=2)
    assert _columns(columns_two) == ["N04", "N05", "N06"]
    assert _tbody(columns_two) != first


def test_the_selector_reads_only_the_page_but_counts_every_item(region):
    period = region.periods[-1]
    whole = selectors.matrix(viewer=region.reader, period=period)
    paged = [
        selectors.matrix(viewer=region.reader, period=period, page=n, per_page=10)
        for n in (1, 2, 3)
    ]
    assert [len(m.rows) for m in paged] == [10, 10, 3]
    assert all(m.counts == whole.counts for m in paged)
    assert [m.paging.total for m in paged] == [23, 23, 23]
    assert [(m.paging.first, m.paging.last) for m in paged] == [(1, 10), (11, 20), (21, 23)]
    by_item = {r.item.pk: [c for _, c in r.cells] for r in whole.rows}
    for m in paged:
        for r in m.rows:
            assert [c for _, c in r.cells] == by_item[r.item.pk]
            assert r.overall == next(w.overall for w in whole.rows if w.item.pk == r.item.pk)


def test_a_period_that_fits_one_page_has_no_page_links(client, demo):
    from django.contrib.auth import get_user_model

    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    client.force_login(get_user_model().objects.get(username="controller"))
    url = reverse("followup:matrix", args=[demo.organisation.slug, period.pk])
    html = client.get(url).content.decode()
    assert 'class="pages"' not in html and "matris-sida" not in html
    assert f"<title>{period.name} – matris" in html


def test_progress_lists_the_first_missing_of_a_body_and_pages_the_rest(client, region, monkeypatch):
    period = region.periods[-1]
    Assessment.objects.filter(period=period).delete()
    client.force_login(region.reader)
    url = reverse("followup:progress", args=[region.organisation.slug, period.pk])
    html = client.get(url).content.decode()
    # 23 items: every body's whole list fits.
    assert "som saknas för" not in html
    assert html.count(">Punkt 23:") == 7

    monkeypatch.setattr(views, "PROGRESS_MISSING_SHOWN", 5)
    monkeypatch.setattr(views, "PROGRESS_PAGE_SIZE", 10)
    html = client.get(url).content.decode()
    assert html.count('href="?saknas=N01"') == 1 and "Alla 23 som saknas för Nämnd 01" in html
    assert html.count(">Punkt 5:") == 7 and ">Punkt 6:" not in html
    pages = [client.get(url, {"saknas": "N01", "sida": n}).content.decode() for n in (1, 2, 3)]
    listed = [re.findall(r">Punkt (\d+):", p) for p in pages]
    assert [len(x) for x in listed] == [10, 10, 3]
    assert sorted(int(n) for x in listed for n in x) == list(range(1, 24))
    nav = _nav(pages[1], "Sidor: det som saknas för Nämnd 01")
    assert nav is not None and 'aria-current="page">2<' in nav
    assert all(q["saknas"] == ["N01"] for q in _links(nav))


def test_a_text_search_gives_the_columns_of_the_items_found(region):
    # The bodies of the found items are named in the query (the search is not run again).
    period = region.periods[-1]
    found_item = next(i for i in region.items if i.order == 7)
    n07 = region.bodies[-1]
    PlanItem.receivers.through.objects.filter(body=n07, planitem=found_item).delete()
    Assessment.objects.filter(body=n07, item=found_item).delete()
    found = selectors.matrix(viewer=region.reader, period=period, text="Punkt 7:")
    assert [r.item.pk for r in found.rows] == [found_item.pk]
    assert [b.abbreviation for b in found.bodies] == ["N01", "N02", "N03", "N04", "N05", "N06"]
    everything = selectors.matrix(viewer=region.reader, period=period, text="Punkt")
    assert len(everything.bodies) == 7 and everything.paging.total == 23
