"""Documents made in the background (`styrkort worker`): the whole region's follow-up, which
takes longer than a page may (the PDF of 500 items × 12 bodies: half a minute and more)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.text import slugify

from styrkort.core.errors import NotFound
from styrkort.core.jobs import JobFailed, JobResult, JobRun, job_kind
from styrkort.followup import selectors as followup_selectors
from styrkort.followup.filters import filters_from_request
from styrkort.organisation.models import Organisation
from styrkort.reports.builders import ReportOptions, build_followup_report
from styrkort.reports.renderers import FOLLOWUP_FORMATS

FOLLOWUP_DOCUMENT = "reports.followup_document"
FILTER_KEYS = ("body", "status", "kind", "q")


def followup_document_params(*, period_id: int, extension: str, query: QueryDict) -> dict[str, Any]:
    """The job's parameters from the download's request: the period, the format, the filters
    and the parts asked for (cover, contents, chart)."""
    return {
        "period": period_id,
        "format": extension,
        "filters": {k: query[k] for k in FILTER_KEYS if query.get(k)},
        "options": {k: query.get(k) == "1" for k in ("cover", "contents", "chart")},
    }


@job_kind(FOLLOWUP_DOCUMENT, failure="Det gick inte att skapa dokumentet")
def followup_document(run: JobRun) -> JobResult:
    """The follow-up as its owner sees it (visibility is decided again now, not when asked)."""
    params = run.params
    chosen = next((f for f in FOLLOWUP_FORMATS.values() if f.extension == params["format"]), None)
    if chosen is None:
        raise JobFailed(f"okänt format {params['format']!r}")
    job = run.job
    viewer = organisation = None
    if job.owner_id is not None and job.organisation_id is not None:
        viewer = get_user_model().objects.filter(id=job.owner_id, is_active=True).first()
        organisation = Organisation.objects.filter(id=job.organisation_id).first()
    if viewer is None or organisation is None:
        raise JobFailed("användaren eller organisationen finns inte längre")
    try:
        period = followup_selectors.period_get(
            viewer=viewer, organisation=organisation, pk=params["period"]
        )
    except NotFound:
        raise JobFailed("perioden finns inte, eller du får inte längre se den") from None
    run.progress(5, "Läser uppföljningen.")
    query = QueryDict(mutable=True)
    query.update(params.get("filters", {}))
    f = filters_from_request(SimpleNamespace(GET=query), organisation)  # type: ignore[arg-type]
    report = build_followup_report(
        viewer=viewer,
        period=period,
        body=f["body"],
        status=f["status"],
        kind=f["kind"],
        text=f["text"],
        options=ReportOptions(**params.get("options", {})),
    )
    run.progress(
        30,
        f"Sätter {len(report.items)} punkter som {chosen.label}"
        + (" (tar längst tid)." if chosen.extension == "pdf" else "."),
    )
    content = chosen.render(report)
    run.progress(95, "Sparar filen.")
    return JobResult(
        content=content,
        file_name=f"uppfoljning-{slugify(period.name)}.{chosen.extension}",
        content_type=chosen.content_type,
    )
