"""Reading a published follow-up on the web: upload, preview, confirm; and who may."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.planning.models import PlanItem
from tests.imports.test_followup_text import SEED_TEXTS, db_counts, seed_bytes


@pytest.fixture
def site(region, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    return region


def _as(client, user):
    client.force_login(user)
    return client


def _url(region, name="followup"):
    return reverse(f"imports:{name}", args=[region.org.slug])


def _upload(client, region, data: bytes, name="uppfoljning.txt", **fields):
    form = {"year": "2024", **fields, "file": SimpleUploadedFile(name, data)}
    return client.post(_url(region), form)


def test_controller_uploads_previews_and_confirms(site, client):
    client = _as(client, site.controller)
    before = db_counts()

    preview = _upload(client, site, seed_bytes())

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Förhandsgranskning:" in page
    assert "Inget är sparat ännu" in page
    assert "uppdrag: Uppdrag med status på nästa rad" in page
    assert SEED_TEXTS[4] in page
    assert "Regionstyrelsen:</strong> Den första delen i utvecklingsplanen" in page
    assert db_counts() == before  # the preview wrote nothing
    token = preview.context["token"]

    saved = client.post(_url(site, "apply"), {"token": token})

    assert saved.status_code == 200
    assert "Sparat:" in saved.content.decode()
    assert list(PlanItem.objects.order_by("order").values_list("text", flat=True)) == SEED_TEXTS
    assert OverallStatus.objects.count() == 7
    assert Assessment.objects.count() == 19
    period = FollowUpPeriod.objects.get(organisation=site.org)
    assert period.name == "Helår 2024"


def test_uploading_the_same_document_again_says_nothing_changes_and_offers_no_save(site, client):
    client = _as(client, site.controller)
    _upload(client, site, seed_bytes())
    client.post(_url(site, "apply"), {"token": next(iter(client.session["followup_imports"]))})

    again = _upload(client, site, seed_bytes())

    assert "Inga ändringar" in again.content.decode()
    assert again.context["token"] == ""
    assert 'action="' + _url(site, "apply") not in again.content.decode()


def test_a_bad_file_is_refused_with_its_line_and_nothing_is_kept(site, client):
    client = _as(client, site.controller)
    bad = seed_bytes().replace(b"\nGul\n", b"\nLila\n", 1)
    before = db_counts()

    response = _upload(client, site, bad)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Rad 22: okänd status &#x27;Lila&#x27;" in page
    assert "Inget sparades." in page
    assert db_counts() == before
    assert not client.session.get("followup_imports")


def test_prose_is_refused_with_the_layouts_tried(site, client):
    client = _as(client, site.controller)
    response = _upload(client, site, "Vi har haft ett bra år.\n\nTack alla.\n".encode())
    assert response.status_code == 400
    assert "Inga uppföljningspunkter hittades" in response.content.decode()


def test_missing_year_and_file_are_named(site, client):
    client = _as(client, site.controller)
    response = client.post(_url(site), {"year": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Välj filen med den publicerade uppföljningen." in page
    assert "Ange året uppföljningen gäller" in page


def test_a_stale_or_foreign_token_saves_nothing(site, client):
    client = _as(client, site.controller)
    before = db_counts()
    response = client.post(_url(site, "apply"), {"token": "0" * 32})
    assert response.status_code == 400
    assert "finns inte längre" in response.content.decode()
    assert db_counts() == before


@pytest.mark.parametrize("username", ["hsn_editor", "reader", "hsn_approver"])
def test_others_than_controllers_are_denied_and_nothing_changes(site, client, username):
    client = _as(client, site.users[username])
    before = db_counts()
    assert client.get(_url(site)).status_code == 403
    assert _upload(client, site, seed_bytes()).status_code == 403
    assert client.post(_url(site, "apply"), {"token": "0" * 32}).status_code == 403
    assert db_counts() == before


def test_another_organisations_admin_gets_not_found(site, client):
    client = _as(client, site.other_region_admin)
    assert client.get(_url(site)).status_code == 404


def test_the_overview_links_to_the_import_for_controllers_only(site, client):
    overview = reverse("web:organisation", args=[site.org.slug])
    assert _url(site) in _as(client, site.controller).get(overview).content.decode()
    client.logout()
    assert _url(site) not in _as(client, site.reader).get(overview).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(site, client):
    response = client.get(_url(site))
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="controller").exists()
