"""The report view's pages: at most PAGE_SIZE items and, once a page holds an item, at most
PAGE_CHARACTERS characters of the comments it shows (issue 16: 10 000-character comments
made a page of 50 items 6 MB)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.selectors import ASSESSMENT_MARKUP, followup_page, page_starts
from styrkort.reports import views


def test_page_starts_cut_by_count_and_by_characters():
    assert page_starts([], per_page=3, characters=10) == []
    assert page_starts([1] * 7, per_page=3, characters=100) == [0, 3, 6]
    # 4 + 5 fit in 10, a third of 4 does not; 11 alone is over and gets a page of its own.
    assert page_starts([4, 5, 4, 11, 0, 2], per_page=3, characters=10) == [0, 2, 3, 4]
    assert page_starts([11, 11], per_page=3, characters=10) == [0, 1]
    assert page_starts([10, 0, 0, 0], per_page=3, characters=10) == [0, 3]


@pytest.fixture
def report(client, demo):
    reader = get_user_model().objects.get(username="reader")
    client.force_login(reader)
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    url = reverse("reports:followup-view", args=[demo.organisation.slug, period.pk])
    return client, reader, period, url


def _shown(html: str) -> list[str]:
    """The item links of a page, in order."""
    return re.findall(r'\n    <li>\n      <h2><a href="([^"]+)">', html)


def _weight(row) -> int:
    """What a row's comments weigh in the budget: their length and the headings' markup."""
    return sum(len(a.comment) + ASSESSMENT_MARKUP for a in row.assessments)


def _characters(reader, period, href: str) -> int:
    item_id = int(href.rstrip("/").rsplit("/", 1)[1])
    found = followup_page(viewer=reader, period=period, number=1, per_page=10_000)
    row = next(r for r in found.rows if r.item.pk == item_id)
    return _weight(row)


def test_a_small_budget_cuts_the_pages_and_every_item_shows_once(report, monkeypatch):
    client, reader, period, url = report
    whole = followup_page(viewer=reader, period=period, number=1, per_page=10_000).rows
    sizes = [_weight(r) for r in whole]
    budget = max(sizes) // 2 + 1
    assert sum(s > budget for s in sizes) >= 1, "some item must be over the budget alone"
    monkeypatch.setattr(views, "PAGE_CHARACTERS", budget)

    first = client.get(url).content.decode()
    pages = int(re.search(r"sida 1 av (\d+)", first).group(1))
    assert pages == len(page_starts(sizes, per_page=views.PAGE_SIZE, characters=budget))
    assert pages > (len(whole) + views.PAGE_SIZE - 1) // views.PAGE_SIZE
    seen: list[str] = []
    alone = 0
    for n in range(1, pages + 1):
        html = client.get(url, {"sida": n}).content.decode()
        assert f"sida {n} av {pages}." in html
        assert f'<span aria-current="page">{n}</span>' in html
        links = _shown(html)
        assert 1 <= len(links) <= views.PAGE_SIZE
        held = [_characters(reader, period, h) for h in links]
        assert len(links) == 1 or sum(held) <= budget
        # The list is numbered on from the pages before.
        assert f'<ol class="item-list" start="{len(seen) + 1}">' in html
        if n < pages:
            assert "Resten finns på nästa sida." in html
        over = len(links) == 1 and held[0] > budget
        alone += over
        assert ("Sidan visar en punkt: dess kommentarer är för långa" in html) == over
        if not over and n < pages and len(links) < views.PAGE_SIZE:
            word = "punkt" if len(links) == 1 else "punkter"
            assert f"Sidan visar {len(links)} {word} i stället för 50: kommentarerna" in html
        seen += links
    assert alone >= 1
    expected = [
        reverse("followup:item", args=[period.organisation.slug, period.pk, r.item.pk])
        for r in whole
    ]
    assert seen == expected
    # Past the end: the last page; a wrong number: the first.
    assert _shown(client.get(url, {"sida": pages + 5}).content.decode()) == _shown(html)
    assert _shown(client.get(url, {"sida": "x"}).content.decode()) == _shown(first)


def test_the_budget_counts_only_the_chosen_bodys_comments(report, monkeypatch):
    client, reader, period, url = report
    body = Assessment.objects.filter(period=period).exclude(comment="").first().body
    monkeypatch.setattr(views, "PAGE_CHARACTERS", 1)
    html = client.get(url, {"body": body.abbreviation}).content.decode()
    found = followup_page(viewer=reader, period=period, number=1, per_page=10_000, body=body)
    sizes = [_weight(r) for r in found.rows]
    pages = len(page_starts(sizes, per_page=views.PAGE_SIZE, characters=1))
    assert pages > 1
    assert f"sida 1 av {pages}." in html


def test_a_period_under_the_budget_pages_as_before(report):
    client, reader, period, url = report
    html = client.get(url).content.decode()
    before = followup_page(viewer=reader, period=period, number=1, per_page=views.PAGE_SIZE)
    after = followup_page(
        viewer=reader,
        period=period,
        number=1,
        per_page=views.PAGE_SIZE,
        characters=views.PAGE_CHARACTERS,
    )
    assert [r.item.pk for r in after.rows] == [r.item.pk for r in before.rows]
    assert after.page.paginator.num_pages == before.page.paginator.num_pages
    assert not after.cut
    assert "kommentarerna är" not in html
    assert len(_shown(html)) == len(before.rows)


def test_a_budget_page_numbers_like_a_paginators():
    """Pages of the same size as Paginator's when the budget never bites: the same items, the
    same numbers, start and end indexes, a wrong or missing number the first page."""
    from django.core.paginator import Paginator

    from styrkort.followup.selectors import _BudgetPaginator

    ids = list(range(1, 124))
    plain = Paginator(ids, 50)
    budget = _BudgetPaginator(ids, page_starts([1] * 123, per_page=50, characters=10**6), 50)
    assert budget.num_pages == plain.num_pages == 3
    for number in (1, 2, 3, 4, "x", None, 0):
        a, b = plain.get_page(number), budget.get_page(number)
        assert (list(a.object_list), a.number, a.start_index(), a.end_index()) == (
            list(b.object_list),
            b.number,
            b.start_index(),
            b.end_index(),
        )
    empty = _BudgetPaginator([], page_starts([], per_page=50, characters=10), 50).get_page(1)
    assert (empty.number, empty.paginator.num_pages, empty.start_index()) == (1, 1, 0)


def test_a_secret_items_comments_do_not_move_the_pages_for_a_reader_without_the_right(
    report, monkeypatch
):
    """The secret item's comments are not shown to the reader: were their length counted, the
    page boundaries would tell how long they are."""
    from styrkort.planning.models import PlanItem

    client, reader, period, url = report
    whole = followup_page(viewer=reader, period=period, number=1, per_page=10_000).rows
    secret = next(r.item for r in whole if r.assessments)
    PlanItem.objects.filter(pk=secret.pk).update(secret=True, secrecy_ground="OSL 21:1")
    monkeypatch.setattr(views, "PAGE_CHARACTERS", 4_000)

    def pages() -> list[list[str]]:
        html = client.get(url).content.decode()
        found = re.search(r"sida 1 av (\d+)", html)
        count = int(found.group(1)) if found else 1
        return [_shown(client.get(url, {"sida": n}).content.decode()) for n in range(1, count + 1)]

    short = pages()
    Assessment.objects.filter(period=period, lineage=secret.lineage).update(comment="x" * 50_000)
    assert pages() == short
    # ...and were it counted, the item would have a page of its own.
    href = reverse("followup:item", args=[period.organisation.slug, period.pk, secret.pk])
    assert any(href in page and len(page) > 1 for page in short)
    # Who reads secrets gets the long comments, and the secret item a page of its own.
    from styrkort.core.actors import SYSTEM

    def system_page(n: int) -> list[int]:
        found = followup_page(viewer=SYSTEM, period=period, number=n, per_page=50, characters=4_000)
        return [r.item.pk for r in found.rows]

    first = followup_page(viewer=SYSTEM, period=period, number=1, per_page=50, characters=4_000)
    system_pages = [system_page(n) for n in first.page.paginator.page_range]
    assert [secret.pk] in system_pages


def test_many_pages_link_the_ends_and_the_neighbours_and_offer_a_form():
    assert views.page_numbers(3, 10) == list(range(1, 11))
    assert views.page_numbers(800, 1667) == [1, 2, None, 798, 799, 800, 801, 802, None, 1666, 1667]
    assert views.page_numbers(1, 1667) == [1, 2, 3, None, 1666, 1667]
    assert views.page_numbers(4, 30) == [1, 2, 3, 4, 5, 6, None, 29, 30]


def test_a_page_of_many_keeps_the_filters_in_its_links_and_form(report, monkeypatch):
    client, _, _, url = report
    monkeypatch.setattr(views, "PAGE_CHARACTERS", 1)  # one item a page: the demo's 7
    monkeypatch.setattr(views, "PAGE_LINKS_ALL", 2)
    html = client.get(url, {"status": "", "sida": "1"}).content.decode()
    assert "sida 1 av 7." in html
    nav = html.split('<nav class="pages"')[1].split("</nav>")[0]
    links = re.findall(r"<li>(.*?)</li>", nav)
    assert links == [
        '<span aria-current="page">1</span>',
        '<a href="?status=&amp;sida=2">2</a>',
        '<a href="?status=&amp;sida=3">3</a>',
        "…",
        '<a href="?status=&amp;sida=6">6</a>',
        '<a href="?status=&amp;sida=7">7</a>',
        '<a href="?status=&amp;sida=2" rel="next">Nästa sida</a>',
    ]
    # One form, in the first <nav>: its field's id is the page's only one; it keeps the filters.
    assert html.count('id="goto-page"') == 1
    assert '<input type="hidden" name="status" value="">' in nav
    assert 'name="sida" min="1" max="7" value="1"' in nav
    assert '<label for="goto-page">Gå till sida (1–7)</label>' in nav
