"""Full-text search: PostgreSQL with the Swedish configuration, SQLite with FTS5."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.register.search import search


def _reader():
    return get_user_model().objects.get(username="reader")


def test_ekonomi_i_balans_finds_the_ktn_comment_and_the_rs_assignment(demo):
    hits = search(viewer=_reader(), organisation=demo.organisation, text="ekonomi i balans")
    comments = {(a.body.abbreviation, a.item.order) for a in hits.comments}
    assert ("KTN", 1) in comments  # "Arbete enligt åtgärdsplan för en ekonomi i balans pågår."
    assert any("Långsiktig plan för en ekonomi i balans" in i.text for i in hits.items)


def test_cases_and_decisions_are_found_by_their_words(demo):
    hits = search(viewer=_reader(), organisation=demo.organisation, text="utvecklingsplan miljö")
    assert {c.number for c in hits.cases} >= {"RS/123/2019", "RS/516/2024"}
    assert {d.case.number for d in hits.decisions} >= {"RS/105/2024", "RS/516/2024"}
    hits = search(viewer=_reader(), organisation=demo.organisation, text="dokumentstruktur")
    assert [d.case.number for d in hits.decisions] == ["RS/105/2024"]


def test_secret_cases_are_not_found_by_readers(demo):
    from styrkort.register.services import case_register

    case_register(
        actor=SYSTEM,
        organisation=demo.organisation,
        series="HSN",
        title="Hemlig utredning om fastighetsaffär",
        opened_on=dt.date(2025, 2, 1),
        secret=True,
        secrecy_ground="OSL 19 kap. 1 §",
    )
    text = "hemlig utredning"
    assert search(viewer=_reader(), organisation=demo.organisation, text=text).cases == []
    registrar = get_user_model().objects.get(username="registrator")
    assert len(search(viewer=registrar, organisation=demo.organisation, text=text).cases) == 1


def test_search_page_lists_hits_by_kind(client, demo):
    client.force_login(_reader())
    url = reverse("web:search", args=[demo.organisation.slug])
    html = client.get(url, {"q": "ekonomi i balans"}).content.decode()
    assert "Kommentarer" in html and "Kollektivtrafiknämnden, Helår 2024" in html
    assert "Mål, nyckeltal och uppdrag" in html
    nothing = client.get(url, {"q": "xyzzy"}).content.decode()
    assert "0 träffar" in nothing
