"""The page links name the first and last page and those near the current one, not every page
(a period of 808 pages put 808 links on every page)."""

import re

from styrkort.followup.html import page_links, shown_pages


def test_a_few_pages_are_all_named():
    assert shown_pages(1, 5) == [1, 2, 3, 4, 5]
    assert shown_pages(3, 7) == [1, 2, 3, 4, 5, 6, 7]


def test_many_pages_name_the_ends_and_the_neighbours():
    assert shown_pages(1, 808) == [1, 2, 3, 4, 808]
    assert shown_pages(400, 808) == [1, 397, 398, 399, 400, 401, 402, 403, 808]
    assert shown_pages(808, 808) == [1, 805, 806, 807, 808]


def test_every_page_is_reachable_and_gaps_are_marked_but_not_read_aloud():
    html = page_links(label="Sidor", param="sida", number=400, pages=808, query="body=3")
    named = [int(n) for n in re.findall(r"sida=(\d+)\">\d+<", html)]
    assert named == [1, 397, 398, 399, 401, 402, 403, 808]
    assert 'aria-current="page">400<' in html
    assert 'rel="prev">Föregående sida' in html and 'href="?body=3&amp;sida=401" rel="next"' in html
    assert html.count('<li aria-hidden="true">…</li>') == 2
    assert len(html) < 1_500
