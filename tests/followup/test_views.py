"""The workspace over HTTP: permissions, bad input, conflicts, and bounded query counts."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import COMMENT_MAX_LENGTH, Assessment, FollowUpPeriod
from styrkort.followup.services import period_close


@pytest.fixture
def ctx(demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    item = period.overall_statuses.order_by("item__order").first().item
    return demo.organisation, period, item


def _as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _edit_url(ctx, body="HSN"):
    org, period, item = ctx
    return reverse("followup:edit", args=[org.slug, period.pk, item.pk, body])


def _hsn(ctx):
    _, period, item = ctx
    return Assessment.objects.get(period=period, item=item, body__abbreviation="HSN")


def _status(ctx, code):
    return ctx[0].status_scales.get().statuses.get(code=code)


def test_editor_saves_a_draft_and_is_sent_to_the_item(client, ctx):
    before = _hsn(ctx)
    response = _as(client, "hsn").post(
        _edit_url(ctx),
        {"status": _status(ctx, "yellow").pk, "comment": "Ny text.", "version": before.version},
    )
    assert response.status_code == 302
    saved = _hsn(ctx)
    assert (saved.comment, saved.state, saved.version) == ("Ny text.", "draft", before.version + 1)


def test_forged_post_for_another_body_is_refused_and_changes_nothing(client, ctx):
    before = _hsn(ctx)
    response = _as(client, "run").post(
        _edit_url(ctx), {"status": _status(ctx, "red").pk, "comment": "Kapat.", "version": 1}
    )
    assert response.status_code == 403
    assert "inte Hälso- och sjukvårdsnämnden" in response.content.decode()
    after = _hsn(ctx)
    assert (after.comment, after.status_id, after.version) == (
        before.comment,
        before.status_id,
        before.version,
    )


@pytest.mark.parametrize("who", ["reader", "controller", "hsn_approver"])
def test_only_the_editor_of_the_body_gets_the_form(client, ctx, who):
    assert _as(client, who).get(_edit_url(ctx)).status_code == 403


def test_approver_of_another_body_cannot_approve(client, ctx):
    org, period, item = ctx
    a = _hsn(ctx)
    Assessment.objects.filter(pk=a.pk).update(state="submitted")
    url = reverse("followup:approve", args=[org.slug, period.pk, item.pk, "HSN"])
    assert _as(client, "run_approver").post(url).status_code == 403
    assert _hsn(ctx).state == "submitted"


def test_other_region_gets_404_everywhere(client, ctx):
    from styrkort.organisation.services import membership_grant
    from tests.conftest import make_region
    from tests.factories import UserFactory

    org, period, item = ctx
    other = make_region("Region Västernorrland")
    outsider = UserFactory(username="outsider")
    membership_grant(actor=SYSTEM, organisation=other.org, user=outsider, role="admin")
    client.force_login(outsider)
    for url in [
        reverse("followup:matrix", args=[org.slug, period.pk]),
        reverse("followup:item", args=[org.slug, period.pk, item.pk]),
        reverse("followup:progress", args=[org.slug, period.pk]),
        _edit_url(ctx),
        reverse("followup:matrix", args=[other.org.slug, period.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_empty_comment_without_status_gets_a_swedish_message(client, ctx):
    before = _hsn(ctx)
    response = _as(client, "hsn").post(
        _edit_url(ctx), {"comment": "   ", "version": before.version}
    )
    assert response.status_code == 200
    assert "Skriv en kommentar eller välj en status." in response.content.decode()
    assert _hsn(ctx).version == before.version


def test_over_long_comment_is_refused_with_its_length(client, ctx):
    before = _hsn(ctx)
    response = _as(client, "hsn").post(
        _edit_url(ctx),
        {"comment": "x" * (COMMENT_MAX_LENGTH + 5), "version": before.version},
    )
    html = response.content.decode()
    assert "får vara högst" in html and str(COMMENT_MAX_LENGTH + 5) in html.replace("\xa0", "")
    assert _hsn(ctx).comment == before.comment


def test_status_outside_the_scale_is_refused(client, ctx):
    from tests.conftest import make_region

    foreign = make_region("Region Norrbotten").org.status_scales.get().statuses.get(code="red")
    before = _hsn(ctx)
    response = _as(client, "hsn").post(
        _edit_url(ctx), {"status": foreign.pk, "comment": "Text.", "version": before.version}
    )
    assert "Välj en status ur organisationens skala." in response.content.decode()
    assert _hsn(ctx).status_id == before.status_id


def test_script_in_a_comment_is_shown_as_text(client, ctx):
    org, period, item = ctx
    payload = '<script>alert("x")</script> och <img src=x onerror=alert(1)> RS/673/2024'
    before = _hsn(ctx)
    _as(client, "hsn").post(_edit_url(ctx), {"comment": payload, "version": before.version})
    for url in [
        reverse("followup:item", args=[org.slug, period.pk, item.pk]),
        reverse("reports:followup-view", args=[org.slug, period.pk]),
        reverse("web:search", args=[org.slug]) + "?q=alert",
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_form_posted_to_a_closed_period_changes_nothing(client, ctx):
    _, period, _ = ctx
    before = _hsn(ctx)
    period_close(actor=SYSTEM, period=period)
    response = _as(client, "hsn").post(
        _edit_url(ctx), {"comment": "Sent.", "version": before.version}, follow=True
    )
    assert "är stängd och kan inte ändras" in response.content.decode()
    assert _hsn(ctx).comment == before.comment


def test_stale_version_gets_the_conflict_screen_with_both_texts(client, ctx):
    before = _hsn(ctx)
    hsn = _as(client, "hsn")
    hsn.post(_edit_url(ctx), {"comment": "Först sparad.", "version": before.version})
    response = hsn.post(_edit_url(ctx), {"comment": "Min äldre text.", "version": before.version})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Någon annan har sparat under tiden" in html
    assert "Först sparad." in html and "Min äldre text." in html
    assert _hsn(ctx).comment == "Först sparad."


def test_start_from_previous_period_copies_texts_into_drafts(client, ctx):
    import datetime as dt

    from styrkort.followup.services import period_create

    org, _, item = ctx
    new = period_create(
        actor=SYSTEM,
        organisation=org,
        year=2024,
        kind="year",
        name="Helår 2024, reviderad",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2025, 1, 31),
    )
    url = reverse("followup:start", args=[org.slug, new.pk, "HSN"])
    response = _as(client, "hsn").post(url, follow=True)
    assert "utkast skapade" in response.content.decode()
    drafts = Assessment.objects.filter(period=new, body__abbreviation="HSN")
    assert drafts.count() == 4 and {a.state for a in drafts} == {"draft"}  # HSN wrote on 4
    assert drafts.get(item=item).comment == _hsn(ctx).comment
    assert _as(client, "run").post(url).status_code == 403


def test_matrix_shows_counts_change_and_status_as_text(client, ctx):
    org, period, _ = ctx
    html = _as(client, "reader").get(reverse("followup:matrix", args=[org.slug, period.pk]))
    text = html.content.decode()
    assert "Antal punkter per samlad status" in text
    assert '<span class="badge s-red">Röd</span> 1' in text
    assert '<span class="badge s-yellow">Gul</span> 6' in text
    assert "Ingen tidigare period att jämföra med" in text
    assert text.count('<th scope="row">') == 7


def test_diary_numbers_link_to_their_case(client, ctx):
    org, period, _ = ctx
    html = _as(client, "reader").get(reverse("reports:followup-view", args=[org.slug, period.pk]))
    assert 'href="/o/region-jamtland-harjedalen/diariet/KTN/33/2023/"' in html.content.decode()
    found = client.get(reverse("web:search", args=[org.slug]), {"q": "KTN/33/2023"})
    assert "Kollektivtrafiknämnden, Helår 2024" in found.content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def regions(db):
    from styrkort.demo.synthetic import build_synthetic_region

    return (
        build_synthetic_region(items=10, bodies=12, periods=2, name="Liten region"),
        build_synthetic_region(items=500, bodies=12, periods=2, name="Stor region"),
    )


def test_page_query_counts_do_not_grow_from_10_to_500_items(client, regions):
    counts = []
    for region in regions:
        client.force_login(region.reader)
        org, period = region.organisation, region.periods[-1]
        item = region.items[3]
        counts.append(
            {
                "matris": _count(client, reverse("followup:matrix", args=[org.slug, period.pk])),
                "punkt": _count(
                    client, reverse("followup:item", args=[org.slug, period.pk, item.pk])
                ),
                "framsteg": _count(
                    client, reverse("followup:progress", args=[org.slug, period.pk])
                ),
                "rapportvy": _count(
                    client, reverse("reports:followup-view", args=[org.slug, period.pk])
                ),
                "översikt": _count(client, reverse("web:organisation", args=[org.slug])),
            }
        )
    small, large = counts
    assert small == large
    # 21: the header's own two (the tasks count, the unread notices) are on every page.
    assert max(small.values()) <= 21, small


def test_save_and_submit_without_status_saves_nothing(client, ctx):
    before = _hsn(ctx)
    response = _as(client, "hsn").post(
        _edit_url(ctx), {"comment": "Utan status.", "version": before.version, "submit": "1"}
    )
    assert "både status och kommentar" in response.content.decode()
    after = _hsn(ctx)
    assert (after.comment, after.version, after.state) == (
        before.comment,
        before.version,
        before.state,
    )


def _second_hsn_editor(org):
    from styrkort.organisation.services import membership_grant
    from tests.factories import UserFactory

    colleague = UserFactory(username="hsn2")
    hsn = org.bodies.get(abbreviation="HSN")
    membership_grant(actor=SYSTEM, organisation=org, user=colleague, role="editor", body=hsn)
    return colleague


def test_first_save_after_a_colleagues_first_save_is_a_conflict(client, ctx):
    from django.test import Client

    org, period, item = ctx
    Assessment.objects.filter(period=period, item=item, body__abbreviation="HSN").delete()
    hsn = _as(client, "hsn")
    form = hsn.get(_edit_url(ctx)).content.decode()
    assert 'name="version" value="0"' in form
    colleague = Client()
    colleague.force_login(_second_hsn_editor(org))
    colleague.post(_edit_url(ctx), {"comment": "Kollegans text.", "version": 0})
    response = hsn.post(_edit_url(ctx), {"comment": "Min text.", "version": 0})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kollegans text." in html and "Min text." in html
    assert _hsn(ctx).comment == "Kollegans text."


def test_overall_status_set_from_a_stale_page_is_refused(client, ctx):
    from styrkort.followup.models import OverallStatus

    org, period, item = ctx
    OverallStatus.objects.filter(period=period, item=item).delete()
    url = reverse("followup:overall", args=[org.slug, period.pk, item.pk])
    _as(client, "admin").post(url, {"status": _status(ctx, "red").pk, "version": 0})
    response = _as(client, "controller").post(
        url, {"status": _status(ctx, "green").pk, "version": 0}, follow=True
    )
    assert "Någon annan har ändrat den samlade statusen" in response.content.decode()
    assert OverallStatus.objects.get(period=period, item=item).status.code == "red"


def test_approving_text_changed_since_the_page_was_opened_is_refused(client, ctx):
    org, period, item = ctx
    a = _hsn(ctx)
    Assessment.objects.filter(pk=a.pk).update(state="submitted", version=7)
    url = reverse("followup:approve", args=[org.slug, period.pk, item.pk, "HSN"])
    response = _as(client, "hsn_approver").post(url, {"version": 6}, follow=True)
    assert "har ändrats sedan du öppnade sidan" in response.content.decode()
    assert _hsn(ctx).state == "submitted"
    _as(client, "hsn_approver").post(url, {"version": 7})
    assert _hsn(ctx).state == "approved"


def test_editor_gets_no_form_for_an_item_not_given_to_the_body(client, ctx):
    org, period, _ = ctx
    rs_only = period.overall_statuses.order_by("item__order")[2].item  # "(RS)"
    url = reverse("followup:edit", args=[org.slug, period.pk, rs_only.pk, "RUN"])
    assert _as(client, "run").get(url).status_code == 404
    assert _as(client, "run").post(url, {"comment": "x", "version": 0}).status_code == 404
    assert not Assessment.objects.filter(item=rs_only, body__abbreviation="RUN").exists()


def test_over_long_return_reason_gets_the_length_message(client, ctx):
    org, period, item = ctx
    a = _hsn(ctx)
    Assessment.objects.filter(pk=a.pk).update(state="submitted")
    url = reverse("followup:return", args=[org.slug, period.pk, item.pk, "HSN"])
    response = _as(client, "hsn_approver").post(url, {"reason": "x" * 2001}, follow=True)
    assert "högst 2" in response.content.decode().replace("\xa0", " ")
    assert _hsn(ctx).state == "submitted"


def test_reopening_an_open_period_says_so_and_records_nothing(client, ctx):
    from styrkort.core.audit import history

    org, period, _ = ctx
    events = len(history(period))
    url = reverse("followup:reopen", args=[org.slug, period.pk])
    response = _as(client, "admin").post(url, {"reason": "Test"}, follow=True)
    assert "är redan öppen" in response.content.decode()
    assert len(history(period)) == events


def test_change_history_is_in_swedish(client, ctx):
    org, period, item = ctx
    before = _hsn(ctx)
    hsn = _as(client, "hsn")
    hsn.post(
        _edit_url(ctx),
        {"status": _status(ctx, "yellow").pk, "comment": "Ny.", "version": before.version},
    )
    html = hsn.get(reverse("followup:item", args=[org.slug, period.pk, item.pk])).content.decode()
    assert "<strong>Kommentar</strong>" in html and "<strong>Läge</strong>" in html
    assert "godkänd → utkast" in html
    assert "<strong>comment</strong>" not in html and ">update<" not in html


def test_report_view_marks_its_own_tab_as_current(client, ctx):
    org, period, _ = ctx
    html = (
        _as(client, "reader")
        .get(reverse("reports:followup-view", args=[org.slug, period.pk]))
        .content.decode()
    )
    assert 'aria-current="page">Rapportvy' in html
    assert 'aria-current="page">Matris' not in html


def test_windows_line_breaks_count_as_the_browser_counts_them(client, ctx):
    before = _hsn(ctx)
    text = "rad\r\n" * (COMMENT_MAX_LENGTH // 4)  # 4 characters a line in the browser
    response = _as(client, "hsn").post(_edit_url(ctx), {"comment": text, "version": before.version})
    assert response.status_code == 302
    assert len(_hsn(ctx).comment) <= COMMENT_MAX_LENGTH
