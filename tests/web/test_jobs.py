"""Background jobs as the user meets them: the whole region's PDF asked for on the report view,
made by `styrkort worker`, followed on /jobb/<uuid>/ and downloaded from /jobb/<uuid>/fil.

Users (from the demo region): ``controller`` asks for the documents; ``admin`` is the
organisation's admin and may see every job of it; ``reader`` may see only their own jobs.
"""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from styrkort.core.jobs import JobFailed, JobResult, job_kind, job_start
from styrkort.core.models import Job
from styrkort.followup.models import FollowUpPeriod
from tests.reports.test_formats import pdf_text
from tests.worker_helpers import run_worker

User = get_user_model()


def _login(client, username):
    client.force_login(User.objects.get(username=username))


def _whole_region_pdf(client, demo):
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    url = reverse("reports:followup-download", args=[demo.organisation.slug, period.pk, "pdf"])
    started = time.perf_counter()
    response = client.get(url, {"cover": "1", "contents": "1"})
    return response, time.perf_counter() - started


def test_whole_region_pdf_is_made_by_the_worker_and_downloaded_from_the_job_page(client, demo):
    _login(client, "controller")
    response, _ = _whole_region_pdf(client, demo)
    assert response.status_code == 302
    assert re.fullmatch(r"/jobb/[0-9a-f-]{36}/", response["Location"])
    job = Job.objects.get()
    assert job.owner.username == "controller" and job.state == "queued"

    waiting = client.get(response["Location"]).content.decode()
    assert "I kö" in waiting and "0 %" in waiting
    assert 'role="status"' in waiting and 'aria-live="polite"' in waiting
    assert f'hx-get="/jobb/{job.pk}/"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert f'<a href="/jobb/{job.pk}/">Uppdatera</a>' in waiting
    assert "Hämta fil" not in waiting
    assert client.get(f"/jobb/{job.pk}/fil").status_code == 404  # nothing to fetch yet

    run_worker()

    done = client.get(response["Location"]).content.decode()
    assert "Klart" in done and "100 %" in done and "hx-get" not in done
    assert f'<a href="/jobb/{job.pk}/fil" download>Hämta fil</a>' in done
    download = client.get(f"/jobb/{job.pk}/fil")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert 'filename="uppfoljning-helar-2024.pdf"' in download["Content-Disposition"]
    assert download.content[:5] == b"%PDF-"
    text = pdf_text(download.content)
    assert "Innehåll" in text and "Hälso- och sjukvårdsnämnden" in text


def test_asking_again_while_it_runs_gives_the_same_job(client, demo):
    _login(client, "controller")
    first, _ = _whole_region_pdf(client, demo)
    second, _ = _whole_region_pdf(client, demo)
    assert first["Location"] == second["Location"] and Job.objects.count() == 1


def test_one_bodys_pdf_is_still_made_at_once(client, demo):
    _login(client, "controller")
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    url = reverse("reports:followup-download", args=[demo.organisation.slug, period.pk, "pdf"])
    response = client.get(url, {"body": "KTN"})
    assert response["Content-Type"] == "application/pdf" and not Job.objects.exists()


def test_a_large_document_in_any_format_is_made_by_the_worker(client, demo, monkeypatch):
    """Past the bounds (60 000 assessments, or megabytes of comments, took longer than the
    server gives a request), a DOCX goes to the worker as the whole region's PDF does; the
    same document under them is made at once. The bounds are lowered to the demo's size."""
    from styrkort.followup.selectors import document_size
    from styrkort.reports import views

    _login(client, "controller")
    period = FollowUpPeriod.objects.get(organisation=demo.organisation, year=2024)
    url = reverse("reports:followup-download", args=[demo.organisation.slug, period.pk, "docx"])
    size = document_size(viewer=User.objects.get(username="controller"), period=period)
    assert size.assessments > 0 and size.characters > 0
    assert client.get(url).status_code == 200
    monkeypatch.setattr(views, "BACKGROUND_ASSESSMENTS", size.assessments - 1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/jobb/")
    monkeypatch.setattr(views, "BACKGROUND_ASSESSMENTS", size.assessments)
    monkeypatch.setattr(views, "BACKGROUND_CHARACTERS", size.characters - 1)
    response = client.get(url, {"cover": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/jobb/")
    run_worker()
    job = Job.objects.get(pk=response["Location"].split("/")[2])
    assert (job.state, job.file_name) == ("done", "uppfoljning-helar-2024.docx")


def test_htmx_asks_for_the_progress_part_only(client, demo):
    _login(client, "controller")
    response, _ = _whole_region_pdf(client, demo)
    part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="job-progress"') and "<html" not in part


def test_the_page_shows_the_progress_while_the_job_runs(client, demo):
    seen = []

    @job_kind("tests.probe")
    def probe(run):
        run.progress(40, "Halvvägs genom testet.")
        seen.append(client.get(f"/jobb/{run.job.pk}/").content.decode())
        return JobResult(content=b"hej", file_name="hej.txt", content_type="text/plain")

    controller = User.objects.get(username="controller")
    _login(client, "controller")
    job = job_start(
        kind="tests.probe",
        title="Ett prov",
        owner=controller,
        organisation_id=demo.organisation.pk,
    )
    run_worker()
    assert "Pågår" in seen[0] and "40 %: Halvvägs genom testet." in seen[0]
    assert 'value="40"' in seen[0]
    assert client.get(f"/jobb/{job.pk}/fil").content == b"hej"


def test_a_failed_document_says_why_in_swedish(client, demo):
    controller = User.objects.get(username="controller")
    job = job_start(
        kind="reports.followup_document",
        title="Uppföljning",
        owner=controller,
        organisation_id=demo.organisation.pk,
        params={"period": 999999, "format": "pdf"},
    )
    run_worker()
    _login(client, "controller")
    page = client.get(f"/jobb/{job.pk}/").content.decode()
    assert "Misslyckades" in page
    assert (
        "Det gick inte att skapa dokumentet: perioden finns inte, eller du får inte längre se den"
        in page
    )
    assert "Hämta fil" not in page and client.get(f"/jobb/{job.pk}/fil").status_code == 404


def test_an_unexpected_error_is_told_without_its_details(client, demo):
    @job_kind("tests.crash", failure="Det gick inte att läsa in filen")
    def crash(run):
        raise ZeroDivisionError("hemlig detalj")

    @job_kind("tests.refuse")
    def refuse(run):
        raise JobFailed("raden 3 saknar värde")

    controller = User.objects.get(username="controller")
    crashed = job_start(kind="tests.crash", title="A", owner=controller, organisation_id=None)
    refused = job_start(kind="tests.refuse", title="B", owner=controller, organisation_id=None)
    run_worker()
    crashed.refresh_from_db()
    refused.refresh_from_db()
    assert crashed.error.startswith("Det gick inte att läsa in filen: ett oväntat fel")
    assert "hemlig" not in crashed.error
    assert refused.error == "Det gick inte att slutföra jobbet: raden 3 saknar värde"


@pytest.mark.parametrize("username", ["reader", "hsn"])
def test_someone_elses_job_and_its_file_are_not_found(client, demo, username):
    _login(client, "controller")
    _whole_region_pdf(client, demo)
    job = Job.objects.get()
    run_worker()
    client.logout()
    _login(client, username)
    assert client.get(f"/jobb/{job.pk}/").status_code == 404
    assert client.get(f"/jobb/{job.pk}/fil").status_code == 404
    client.logout()
    assert client.get(f"/jobb/{job.pk}/").status_code == 302  # to the login page
    _login(client, "admin")  # the organisation's admin sees its jobs
    assert client.get(f"/jobb/{job.pk}/").status_code == 200
    assert client.get(f"/jobb/{job.pk}/fil").content[:5] == b"%PDF-"


def test_the_job_page_runs_under_the_content_security_policy(client, demo):
    """htmx from our static files, no inline script or style attribute; the bar is <progress>."""
    _login(client, "controller")
    response, _ = _whole_region_pdf(client, demo)
    page = client.get(response["Location"])
    assert "script-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    assert '<progress id="job-bar" max="100" value="0">0 %</progress>' in html
