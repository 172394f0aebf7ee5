"""`kolada_sync --background`: the command puts the sync in the queue, `styrkort worker` does
it as the foreground command would, and the job tells how it went (`styrkort jobs`, and the job
page for the organisation's admins, since a command's job has no owner)."""

import io

from django.core.management import call_command

from styrkort.core.models import Job
from styrkort.followup.models import IndicatorValue
from tests.kolada.test_command import _run, setup  # noqa: F401 - the fixture
from tests.worker_helpers import run_worker


def test_kolada_sync_in_the_background_stores_and_shows_the_summary(setup, client):  # noqa: F811
    out, _ = _run("--background", organisation=setup.org.slug)
    job = Job.objects.get()
    assert f"lagt i kön som jobb {job.pk}" in out and f"/jobb/{job.pk}/" in out
    assert not IndicatorValue.objects.exists()
    run_worker()
    assert IndicatorValue.objects.filter(source="kolada").count() == 2
    shown = io.StringIO()
    call_command("jobs", str(job.pk), stdout=shown)
    shown = shown.getvalue()
    assert "Läge: Klart, 100 %" in shown and "Sparat: 2." in shown
    client.force_login(setup.admin_user)  # a command's job belongs to the organisation's admins
    page = client.get(f"/jobb/{job.pk}/").content.decode()
    assert "Hämta nyckeltal från Kolada för Region Jämtland Härjedalen" in page
    assert "Hämta fil" in page
    client.force_login(setup.controller)
    assert client.get(f"/jobb/{job.pk}/").status_code == 404
