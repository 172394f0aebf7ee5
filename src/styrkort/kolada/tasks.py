"""Kolada in the background (`styrkort worker`): the sync, with its progress on the job's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from styrkort.core.actors import SystemActor
from styrkort.core.errors import NotFound
from styrkort.core.jobs import JobFailed, JobResult, JobRun, job_kind
from styrkort.kolada.client import KoladaClient, KoladaError
from styrkort.kolada.services import kolada_sync
from styrkort.organisation.models import Organisation

KOLADA_SYNC = "kolada.sync"
ACTOR = SystemActor("kolada_sync")


class _JobProgress:
    """The sync's progress (one step per request to Kolada) as the job's percent and text."""

    def __init__(self, run: JobRun) -> None:
        self.run, self.total, self.done = run, 0, 0

    def begin(self, total: int) -> None:
        self.total = total
        self.run.progress(5, f"Hämtar {total} svar från Kolada.")

    def page(self, kpi: str, number: int) -> None:
        self.run.progress(self._percent(), f"Hämtar {kpi}, sida {number}.")

    def advance(self) -> None:
        self.done += 1
        if self.done == self.total:
            self.run.progress(90, "Hämtat från Kolada; sparar.")

    def _percent(self) -> int:
        return 5 + (85 * self.done // self.total if self.total else 0)


@job_kind(KOLADA_SYNC, failure="Det gick inte att hämta från Kolada")
def kolada_sync_job(run: JobRun) -> JobResult:
    """`kolada_sync` as the command runs it: everything fetched and checked, then all or
    nothing stored. The result is the command's summary as a text file."""
    params = run.params
    organisation = Organisation.objects.filter(pk=run.job.organisation_id or 0).first()
    if organisation is None:
        raise JobFailed("organisationen finns inte längre")
    try:
        result = kolada_sync(
            actor=ACTOR,
            organisation=organisation,
            years=params.get("years"),
            gender=params.get("gender", "T"),
            dry_run=bool(params.get("dry_run")),
            client=KoladaClient(),
            progress=_JobProgress(run),
        )
    except (KoladaError, NotFound, PermissionDenied) as exc:
        raise JobFailed(f"{exc} Inget sparades.") from exc
    except ValidationError as exc:
        raise JobFailed(f"{' '.join(exc.messages)} Inget sparades.") from exc
    return JobResult(
        content=(result.summary() + "\n").encode(),
        file_name="kolada.txt",
        content_type="text/plain; charset=utf-8",
    )
