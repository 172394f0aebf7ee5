"""Data exchange in the background (`styrkort worker`): restoring an export_all file."""

from __future__ import annotations

import time

from styrkort.core.jobs import JobFailed, JobResult, JobRun, job_kind
from styrkort.exchange.full import FullImportError, import_all

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
