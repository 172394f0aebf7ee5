"""Data exchange in the background (`styrkort worker`): restoring an export_all file, and
applying a large Excel sheet of the follow-up."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model

from styrkort.core.errors import NotFound
from styrkort.core.jobs import JobFailed, JobResult, JobRun, job_kind
from styrkort.exchange.full import FullImportError, import_all
from styrkort.exchange.services import followup_sheet_import
from styrkort.followup.selectors import period_get
from styrkort.organisation.models import Organisation

IMPORT_ALL = "exchange.import_all"


@job_kind(IMPORT_ALL, failure="Det gick inte att läsa in filen")
def import_all_job(run: JobRun) -> JobResult:
    """`import_all` of the file stored with the job: all or nothing, as in the foreground.
    The result is the same summary the command prints, as a text file."""
    data = run.input()
    run.progress(10, f"Läser in {len(data) / 1e6:.1f} MB (allt eller inget).")
    started = time.perf_counter()
    try:
        result = import_all(data=data)
    except FullImportError as exc:
        raise JobFailed("inget lästes in. " + " ".join(exc.problems)) from exc
    summary = (
        f"{run.params.get('file', 'Filen')}: {result.records} poster inlästa i "
        f"{len(result.counts)} tabeller på {time.perf_counter() - started:.1f} s "
        f"({', '.join(result.organisations) or 'inga organisationer'}).\n"
    )
    return JobResult(
        content=summary.encode(),
        file_name="import_all.txt",
        content_type="text/plain; charset=utf-8",
    )


FOLLOWUP_SHEET = "exchange.followup_sheet"


@job_kind(FOLLOWUP_SHEET, failure="Det gick inte att spara Excel-filen")
def followup_sheet_job(run: JobRun) -> JobResult:
    """A previewed Excel sheet applied by the worker, as its owner: every check again, then
    every change in one transaction, or nothing. The result lists what changed."""
    job = run.job
    owner = organisation = None
    if job.owner_id is not None and job.organisation_id is not None:
        owner = get_user_model().objects.filter(id=job.owner_id, is_active=True).first()
        organisation = Organisation.objects.filter(id=job.organisation_id).first()
    if owner is None or organisation is None:
        raise JobFailed("användaren eller organisationen finns inte längre")
    try:
        period = period_get(viewer=owner, organisation=organisation, pk=run.params["period"])
    except NotFound:
        raise JobFailed("perioden finns inte, eller du får inte längre se den") from None
    data = run.input()
    run.progress(10, "Kontrollerar varje rad och sparar ändringarna.")
    result = followup_sheet_import(actor=owner, data=data, organisation=organisation, period=period)
    if not result.ok:
        raise JobFailed(result.summary())
    return JobResult(
        content=(result.summary() + "\n").encode(),
        file_name="andringar.txt",
        content_type="text/plain; charset=utf-8",
    )
