"""`import_all --background`: the command puts the file and the work in the queue,
`styrkort worker` restores it exactly as the foreground command would, and `styrkort jobs`
tells how it went."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from styrkort.core.models import Job, JobData
from tests.exchange.test_full import dump, wipe
from tests.worker_helpers import run_worker


def _jobs(*args):
    out = io.StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def test_import_all_in_the_background_restores_the_file(demo, tmp_path):
    text = dump()
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    wipe()
    out = io.StringIO()
    call_command("import_all", str(path), "--background", stdout=out)
    job = Job.objects.get()
    assert f"lagt i kön som jobb {job.pk}" in out.getvalue()
    # The file travels in the database: a worker on another machine reads it from there.
    assert bytes(JobData.objects.get(job=job).content) == path.read_bytes()
    assert not get_user_model().objects.exists()  # nothing restored before the worker runs
    run_worker()
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert get_user_model().objects.filter(username="hsn").exists()
    assert dump() == text
    shown = _jobs(str(job.pk))
    assert "Läge: Klart, 100 %" in shown and "poster inlästa" in shown


def test_import_all_in_the_background_refuses_a_full_database_in_swedish(demo, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(dump(), encoding="utf-8")
    call_command("import_all", str(path), "--background", stdout=io.StringIO())
    run_worker()
    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("Det gick inte att läsa in filen: inget lästes in.")
    assert "Databasen är inte tom" in job.error
