"""Background jobs that users see: a Job row with its progress and result, run by the worker.

A job kind is a function registered by name, in the app that knows the work (a face's
`tasks.py`: `reports.followup_document`, `exchange.import_all`, …):

    @job_kind("reports.followup_document", failure="Det gick inte att skapa dokumentet")
    def followup_document(run: JobRun) -> JobResult: ...

`job_start` creates the row and puts it on the queue in one transaction; the worker's one task,
`run_job`, finds the kind by name and calls it with a `JobRun`, through which the kind reports
progress and reads its parameters and input. What it returns is stored in the database
(JobData), never on local disk: several app processes and workers on several machines share
nothing else. Core knows no domain app: the kinds come from each installed app's `tasks`
module, imported when the worker (or a test) asks for them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskContext, task

from styrkort.core.models import Job, JobData, WorkerHeartbeat

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)

# Shown while a job waits for a worker and when it starts.
QUEUED_TEXT = "Väntar på att en bakgrundsprocess ska ta jobbet."
STARTED_TEXT = "Påbörjat."
DONE_TEXT = "Klart."
STATE_LABELS = {
    Job.State.QUEUED: "I kö",
    Job.State.RUNNING: "Pågår",
    Job.State.DONE: "Klart",
    Job.State.FAILED: "Misslyckades",
}


class JobFailed(Exception):
    """A job that cannot be done, with the reason in Swedish for the user."""


@dataclass(frozen=True)
class JobResult:
    """The file a job made."""

    content: bytes
    file_name: str
    content_type: str


@dataclass(frozen=True)
class JobKind:
    name: str
    function: Callable[[JobRun], JobResult | None]
    failure: str  # "Det gick inte att skapa dokumentet": the start of the message on failure


_KINDS: dict[str, JobKind] = {}
_discovered = False


def job_kind(
    name: str, *, failure: str = "Det gick inte att slutföra jobbet"
) -> Callable[[Callable[[JobRun], JobResult | None]], Callable[[JobRun], JobResult | None]]:
    """Register a function as the job kind `name` (one line in the app's tasks.py)."""

    def register(
        function: Callable[[JobRun], JobResult | None],
    ) -> Callable[[JobRun], JobResult | None]:
        _KINDS[name] = JobKind(name=name, function=function, failure=failure)
        return function

    return register


def discover() -> None:
    """Import every installed app's `tasks` module, which registers its job kinds and periodic
    jobs. Once per process."""
    global _discovered
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered = True


def kind_of(name: str) -> JobKind:
    discover()
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"okänt jobb: {name}") from None


class JobRun:
    """What a running job kind sees: its job's parameters and input, and a way to report."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    def input(self) -> bytes:
        """The file the job was given (an upload, an export to import)."""
        data = JobData.objects.filter(job=self.job, role=JobData.Role.INPUT).first()
        if data is None:
            raise JobFailed("filen som skulle läsas finns inte längre")
        return bytes(data.content)

    def progress(self, percent: int, text: str) -> None:
        """How far the job has come, 0–100, and what it is doing, in Swedish. Written at once
        (its own short transaction), so the user's page sees it while the job goes on."""
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, progress_text=text)
        self.job.progress, self.job.progress_text = percent, text


def job_start(
    *,
    kind: str,
    title: str,
    owner: AbstractBaseUser | AnonymousUser | None,
    organisation_id: int | None,
    params: dict[str, Any] | None = None,
    input_data: bytes | None = None,
) -> Job:
    """Create a job and put it on the queue, in one transaction: a job that is visible is also
    queued. `owner` is the user who sees it (None: a command's job, seen by the admins)."""
    kind_of(kind)  # refuse an unknown kind here, not in the worker
    with transaction.atomic():
        job = Job(
            kind=kind,
            title=title,
            owner=owner if getattr(owner, "is_authenticated", False) else None,  # type: ignore[misc]
            organisation_id=organisation_id,
            params=params or {},
            progress_text=QUEUED_TEXT,
        )
        job.full_clean()
        job.save()
        if input_data is not None:
            JobData.objects.create(job=job, role=JobData.Role.INPUT, content=input_data)
        run_job.enqueue(str(job.pk))
    return job


def job_find_unfinished(
    *, kind: str, owner: AbstractBaseUser | AnonymousUser, params: dict[str, Any]
) -> Job | None:
    """The user's own job of this kind with these parameters that is still queued or running:
    asking twice for the same document does not make it twice."""
    if not getattr(owner, "is_authenticated", False):
        return None
    for job in Job.objects.filter(
        kind=kind, owner_id=owner.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING]
    ):
        if job.params == params:
            return job
    return None


def queued_message(job: Job) -> str:
    """What a command prints when it has put a job in the queue."""
    text = (
        f"{job.title}: lagt i kön som jobb {job.pk}. `styrkort worker` kör det; "
        f"`styrkort jobs {job.pk}` visar hur det går"
    )
    if job.owner_id is not None:
        return f"{text}, och den som bad om det ser det på /jobb/{job.pk}/."
    if job.organisation_id is not None:
        return f"{text}, och organisationens administratörer ser det på /jobb/{job.pk}/."
    return f"{text}."


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> None:
    """The worker's task: run one job to its end, storing its result or its failure."""
    job = Job.objects.filter(pk=uuid.UUID(job_id)).first()
    if job is None or job.finished:
        return
    worker_ids = context.task_result.worker_ids
    # Claimed only from the queue: a job another worker runs, or one failed meanwhile, is not
    # started twice.
    claimed = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        progress_text=STARTED_TEXT,
        worker_id=worker_ids[-1] if worker_ids else "",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return
    job.refresh_from_db()
    try:
        kind = kind_of(job.kind)
    except LookupError:
        _fail(job, "Det gick inte att slutföra jobbet: jobbets typ är okänd för den här versionen.")
        return
    try:
        result = kind.function(JobRun(job))
    except JobFailed as exc:
        _fail(job, f"{kind.failure}: {exc}")
        return
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(
            job,
            f"{kind.failure}: ett oväntat fel inträffade. Försök igen eller kontakta "
            "den som förvaltar styrkort.",
        )
        return
    with transaction.atomic():
        fields: dict[str, Any] = {
            "state": Job.State.DONE,
            "progress": 100,
            "progress_text": DONE_TEXT,
            "finished_at": timezone.now(),
        }
        if result is not None:
            JobData.objects.filter(job=job, role=JobData.Role.RESULT).delete()
            JobData.objects.create(job=job, role=JobData.Role.RESULT, content=result.content)
            fields |= {
                "file_name": result.file_name,
                "content_type": result.content_type,
                "file_size": len(result.content),
            }
        Job.objects.filter(pk=job.pk).update(**fields)


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED, error=message, finished_at=timezone.now()
    )


# Starts a job gets at most: one whose worker stopped in the middle (a restart, a machine
# gone, the kernel's out-of-memory killer) is queued again until then. Every kind is all or
# nothing (its writes in one transaction, or only a file made), so starting again is safe; a job
# that itself stops its worker each time is failed after this many, not retried for ever.
MAX_ATTEMPTS = 3
ORPHANED = (
    "Det gick inte att slutföra jobbet: bakgrundsprocessen som körde det stannade "
    f"(omstart eller fel), {MAX_ATTEMPTS} gånger. Försök igen, eller kontakta den som "
    "förvaltar styrkort."
)
REQUEUED = (
    "Bakgrundsprocessen som körde jobbet stannade; det har lagts i kön igen "
    "(försök {attempt} av {most})."
)


def recover_orphaned_jobs(*, silent_for: timedelta) -> tuple[int, int]:
    """The running jobs whose worker has not beaten for `silent_for` (it was stopped or its
    machine went away in the middle): queued again while they have starts left, else failed,
    so their users learn it instead of waiting for ever. Every worker asks at each beat; each
    job is taken by one of them (the update names the state and worker it found). Returns
    (queued again, failed)."""
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - silent_for)
    orphaned = list(
        Job.objects.filter(state=Job.State.RUNNING)
        .exclude(worker_id__in=alive.values("worker_id"))
        .values_list("pk", "worker_id", "attempts")
    )
    requeued = failed = 0
    for pk, worker_id, attempts in orphaned:
        found = Job.objects.filter(pk=pk, state=Job.State.RUNNING, worker_id=worker_id)
        if attempts >= MAX_ATTEMPTS:
            failed += found.update(
                state=Job.State.FAILED, error=ORPHANED, finished_at=timezone.now()
            )
            continue
        with transaction.atomic():
            if found.update(
                state=Job.State.QUEUED,
                worker_id="",
                started_at=None,
                progress=0,
                progress_text=REQUEUED.format(attempt=attempts + 1, most=MAX_ATTEMPTS),
            ):
                JobData.objects.filter(job_id=pk, role=JobData.Role.RESULT).delete()
                run_job.enqueue(str(pk))
                requeued += 1
    return requeued, failed


def job_file(job: Job) -> bytes | None:
    """The document a finished job made."""
    data = JobData.objects.filter(job=job, role=JobData.Role.RESULT).first()
    return None if data is None else bytes(data.content)
