"""A user's background job: its page (progress, then the file or the reason it failed), the
file, and /healthz for the machines that watch the installation."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from styrkort.core.health import health
from styrkort.core.jobs import STATE_LABELS, job_file
from styrkort.core.models import Job
from styrkort.organisation.permissions import is_admin

# How often the page asks for news while the job runs (htmx).
POLL_SECONDS = 2


def _job_or_404(request: HttpRequest, job_id: uuid.UUID) -> Job:
    """The job, for its owner and the admins of its organisation; anyone else gets 404, the
    same as for a job that does not exist."""
    job = Job.objects.select_related("organisation").filter(pk=job_id).first()
    if job is None:
        raise Http404
    user = request.user
    if job.owner_id is not None and job.owner_id == user.pk:
        return job
    if job.organisation is not None and is_admin(user, job.organisation):
        return job
    raise Http404


@login_required
@never_cache
def job_page(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The job's state and progress; while it runs, htmx asks again every few seconds (and
    the "Uppdatera" link does the same without JavaScript)."""
    job = _job_or_404(request, job_id)
    context = {
        "job": job,
        "state_label": STATE_LABELS[Job.State(job.state)],
        "poll_seconds": POLL_SECONDS,
        "organisation": job.organisation,
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/_job_progress.html", context)
    return render(request, "web/job.html", context)


@login_required
def job_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The file the job made."""
    job = _job_or_404(request, job_id)
    content = job_file(job) if job.state == Job.State.DONE else None
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=job.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, migrations and worker, as JSON: 200 when all is well, 503 otherwise."""
    healthy, answer = health()
    return JsonResponse(answer, status=200 if healthy else 503)
