"""The Excel round trip on the web: link, download, upload with preview, apply; who may."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.followup.services import assessment_save
from styrkort.organisation.services import membership_grant, organisation_create
from tests.factories import UserFactory


@pytest.fixture
def ctx(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    return demo.organisation, period


def _as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _urls(ctx):
    org, period = ctx
    return {
        "matrix": reverse("followup:matrix", args=[org.slug, period.pk]),
        "sheet": reverse("exchange:sheet", args=[org.slug, period.pk]),
        "download": reverse("exchange:download", args=[org.slug, period.pk]),
        "apply": reverse("exchange:apply", args=[org.slug, period.pk]),
    }


def _hsn_comment(client, ctx, text):
    """Download HSN's sheet and change its first comment to `text`."""
    response = client.get(_urls(ctx)["download"] + "?body=HSN")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    ws = book["Uppföljning"]
    ws["H2"] = text
    out = io.BytesIO()
    book.save(out)
    out.name = "uppfoljning.xlsx"
    out.seek(0)
    return ws["A2"].value, out


def test_matrix_links_to_excel_for_editors_only(client, ctx):
    urls = _urls(ctx)
    assert urls["sheet"] in _as(client, "hsn").get(urls["matrix"]).content.decode()
    assert urls["sheet"] in _as(client, "hsn_approver").get(urls["matrix"]).content.decode()
    assert urls["sheet"] not in _as(client, "reader").get(urls["matrix"]).content.decode()
    assert _as(client, "reader").get(urls["sheet"]).status_code == 403


def test_download_is_an_xlsx_of_the_bodys_rows(client, ctx):
    response = _as(client, "hsn").get(_urls(ctx)["download"] + "?body=HSN")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="uppfoljning-helar-2024-hsn.xlsx"' in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content))["Uppföljning"].values)
    assert {r[5] for r in rows[1:]} == {"Hälso- och sjukvårdsnämnden"}
    assert len(rows) - 1 == Assessment.objects.filter(body__abbreviation="HSN").count()


def test_page_is_in_swedish_with_labelled_upload(client, ctx):
    html = _as(client, "hsn").get(_urls(ctx)["sheet"]).content.decode()
    assert "<h1>Redigera uppföljningen i Excel</h1>" in html
    assert '<label for="file">Excel-fil (XLSX) från styrkort</label>' in html
    assert "?body=HSN" in html and "?body=RUN" not in html


def test_upload_previews_then_applies(client, ctx):
    _, period = ctx
    client = _as(client, "hsn")
    item_id, upload = _hsn_comment(client, ctx, "Ny kommentar från Excel.")
    before = Assessment.objects.get(period=period, item_id=item_id, body__abbreviation="HSN")
    response = client.post(_urls(ctx)["sheet"], {"file": upload})
    html = response.content.decode()
    assert "Förhandsgranskning: 1 bedömningar ändras" in html
    assert "Ny kommentar från Excel." in html
    assert Assessment.objects.get(pk=before.pk).comment == before.comment  # not yet
    token = response.context["token"]
    response = client.post(_urls(ctx)["apply"], {"token": token})
    assert "Sparat: 1 bedömningar ändrade" in response.content.decode()
    after = Assessment.objects.get(pk=before.pk)
    assert (after.comment, after.version, after.state) == (
        "Ny kommentar från Excel.",
        before.version + 1,
        "draft",
    )
    # The kept file is used once.
    again = client.post(_urls(ctx)["apply"], {"token": token})
    assert "finns inte längre" in again.content.decode()


def test_a_save_between_preview_and_apply_refuses_and_keeps_the_colleagues_text(client, ctx):
    _, period = ctx
    client = _as(client, "hsn")
    item_id, upload = _hsn_comment(client, ctx, "Min text.")
    token = client.post(_urls(ctx)["sheet"], {"file": upload}).context["token"]
    current = Assessment.objects.get(period=period, item_id=item_id, body__abbreviation="HSN")
    hsn_user = get_user_model().objects.get(username="hsn")
    assessment_save(
        actor=hsn_user,
        period=period,
        item=current.item,
        body=current.body,
        status=current.status,
        comment="Kollegans text.",
        expected_version=current.version,
    )
    html = client.post(_urls(ctx)["apply"], {"token": token}).content.decode()
    assert "Inget sparades: 1 fel i filen" in html
    assert "J (Version)" in html
    assert Assessment.objects.get(pk=current.pk).comment == "Kollegans text."


def test_upload_of_another_bodys_rows_lists_refusals(client, ctx):
    _, upload = _hsn_comment(_as(client, "hsn"), ctx, "RUN försöker skriva för HSN.")
    response = _as(client, "run").post(_urls(ctx)["sheet"], {"file": upload})
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Inget sparades: 1 fel i filen" in html
    assert "H (Kommentar)" in html
    assert "Du får bara skriva bedömningar för din egen nämnd" in html
    assert response.context["token"] == ""


def test_upload_without_a_file_names_the_field(client, ctx):
    html = _as(client, "hsn").post(_urls(ctx)["sheet"], {}).content.decode()
    assert '<a href="#file">Välj en Excel-fil (XLSX) att läsa in.</a>' in html
    assert 'aria-invalid="true"' in html


def test_other_region_sees_nothing(client, ctx):
    other = organisation_create(actor=SYSTEM, name="Region Västernorrland")
    admin = UserFactory(username="other_region_admin")
    membership_grant(actor=SYSTEM, organisation=other, user=admin, role="admin")
    client.force_login(admin)
    assert client.get(_urls(ctx)["download"]).status_code == 404
    assert client.get(_urls(ctx)["sheet"]).status_code == 404


def test_a_large_sheet_is_applied_by_the_worker_and_the_page_follows_it(client, ctx, monkeypatch):
    from styrkort.core.models import Job, KeptUpload
    from styrkort.exchange import views
    from tests.worker_helpers import run_worker

    monkeypatch.setattr(views, "BACKGROUND_BYTES", 0)  # every sheet counts as large
    _, period = ctx
    client = _as(client, "hsn")
    item_id, upload = _hsn_comment(client, ctx, "Sparad av bakgrundsprocessen.")
    token = client.post(_urls(ctx)["sheet"], {"file": upload}).context["token"]
    assert KeptUpload.objects.filter(token=token).exists()  # kept in the database, not on disk
    response = client.post(_urls(ctx)["apply"], {"token": token})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobb/{job.pk}/"
    assert not KeptUpload.objects.exists()
    run_worker()
    page = client.get(f"/jobb/{job.pk}/").content.decode()
    assert "Klart" in page and "Hämta fil" in page
    changes = client.get(f"/jobb/{job.pk}/fil").content.decode()
    assert "1 ändrade" in changes and "Kommentar ändrad" in changes
    saved = Assessment.objects.get(period=period, item_id=item_id, body__abbreviation="HSN")
    assert saved.comment == "Sparad av bakgrundsprocessen."
