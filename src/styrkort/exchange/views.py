"""The follow-up in Excel on the web: download a period's sheet, upload it, preview, apply.

Thin: reads through selectors, writes through services. The upload is checked as a dry run and
kept (in the database, for a day at most) until the user applies it; applying runs every
check again, so a colleague's save in between is caught, not overwritten.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from styrkort.core.audit import actor_label
from styrkort.core.errors import NotFound
from styrkort.core.jobs import job_start
from styrkort.core.kept import keep_upload, take_upload
from styrkort.core.ratelimit import rate_limited
from styrkort.core.uploads import refused
from styrkort.exchange.permissions import can_edit_by_sheet
from styrkort.exchange.selectors import followup_sheet
from styrkort.exchange.services import SheetImportResult, followup_sheet_import
from styrkort.exchange.tasks import FOLLOWUP_SHEET
from styrkort.exchange.xlsx import render_sheet
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.selectors import period_get
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import is_approver_of, is_editor_of
from styrkort.organisation.selectors import body_list
from styrkort.organisation.shortcuts import organisation_or_404

MAX_UPLOAD = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A sheet larger than this (some 2 500 rows) is applied by the worker: 500 changed rows of 6 000
# took 3–3.6 s, longer than a page should take. The page then shows the job's progress.
BACKGROUND_BYTES = 100 * 1024
_SESSION = "exchange_uploads"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _context(request: HttpRequest, org: str, period: int) -> tuple[Organisation, FollowUpPeriod]:
    organisation = organisation_or_404(request, org)
    try:
        return organisation, period_get(viewer=request.user, organisation=organisation, pk=period)
    except NotFound as exc:
        raise Http404 from exc


def _require_editor(request: HttpRequest, organisation: Organisation) -> None:
    if not can_edit_by_sheet(request.user, organisation):
        raise PermissionDenied(
            "Redigering i Excel är för nämndernas skribenter och godkännare; du kan läsa "
            "uppföljningen i arbetsytan och ladda ner den som rapport."
        )


def _keep(request: HttpRequest, data: bytes, period: FollowUpPeriod) -> str:
    """Keep an upload until it is applied (in the database: the apply may reach another app
    process); this user's session remembers it, for this period."""
    token = keep_upload(data)
    kept = request.session.get(_SESSION, {})
    kept[token] = period.pk
    request.session[_SESSION] = kept
    return token


def _take(request: HttpRequest, token: str, period: FollowUpPeriod) -> bytes | None:
    """The kept upload of this user and period, removed as it is taken."""
    kept = request.session.get(_SESSION, {})
    if not _TOKEN.match(token) or kept.get(token) != period.pk:
        return None
    del kept[token]
    request.session[_SESSION] = kept
    return take_upload(token)


def _page(
    request: HttpRequest,
    organisation: Organisation,
    period: FollowUpPeriod,
    *,
    result: SheetImportResult | None = None,
    token: str = "",
    error: str = "",
    applied: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bodies = [
        b
        for b in body_list(organisation=organisation)
        if is_editor_of(user, b) or is_approver_of(user, b)
    ]
    return render(
        request,
        "exchange/sheet.html",
        {
            "organisation": organisation,
            "period": period,
            "bodies": bodies,
            "result": result,
            "token": token,
            "error": error,
            "applied": applied,
            "crumb": "Redigera i Excel",
            "nav": "matrix",
        },
        status=status,
    )


@login_required
def sheet_page(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """The page: downloads, the upload form and, after an upload, the preview."""
    organisation, the_period = _context(request, org, period)
    _require_editor(request, organisation)
    if request.method != "POST":
        return _page(request, organisation, the_period)
    upload = request.FILES.get("file")
    if refused(request):
        return _page(request, organisation, the_period, error=refused(request) or "")
    if upload is None:
        return _page(
            request, organisation, the_period, error="Välj en Excel-fil (XLSX) att läsa in."
        )
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return _page(
            request, organisation, the_period, error="Filen är större än 10 MB; välj en mindre."
        )
    data = upload.read()
    result = followup_sheet_import(
        actor=request.user,
        data=data,
        organisation=organisation,
        period=the_period,
        dry_run=True,
    )
    token = _keep(request, data, the_period) if result.ok and result.changes else ""
    return _page(request, organisation, the_period, result=result, token=token)


@login_required
@require_POST
def sheet_apply(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """Apply a previewed upload: all checks again, then every change in one transaction."""
    organisation, the_period = _context(request, org, period)
    _require_editor(request, organisation)
    data = _take(request, request.POST.get("token", ""), the_period)
    if data is None:
        return _page(
            request,
            organisation,
            the_period,
            error="Den inlästa filen finns inte längre (den sparas i ett dygn); läs in den igen.",
        )
    if len(data) > BACKGROUND_BYTES:
        job = job_start(
            kind=FOLLOWUP_SHEET,
            title=f"Spara Excel-filen i {the_period.name}",
            owner=request.user,
            organisation_id=organisation.pk,
            params={"period": the_period.pk},
            input_data=data,
        )
        return redirect("web:job", job.pk)
    result = followup_sheet_import(
        actor=request.user, data=data, organisation=organisation, period=the_period
    )
    if not result.ok:
        return _page(request, organisation, the_period, result=result)
    return _page(request, organisation, the_period, result=result, applied=True)


@login_required
@rate_limited("documents")
def sheet_download(request: HttpRequest, org: str, period: int) -> HttpResponse:
    """The period's sheet; `?body=HSN` for one body's rows only."""
    organisation, the_period = _context(request, org, period)
    body = None
    if request.GET.get("body"):
        body = Body.objects.filter(
            organisation=organisation, abbreviation=request.GET["body"]
        ).first()
        if body is None:
            raise Http404
    try:
        sheet = followup_sheet(viewer=request.user, period=the_period, body=body)
    except NotFound as exc:
        raise Http404 from exc
    data = render_sheet(sheet, exported_by=actor_label(request.user))
    response = HttpResponse(data, content_type=XLSX)
    suffix = f"-{slugify(body.abbreviation)}" if body else ""
    name = f"uppfoljning-{slugify(the_period.name)}{suffix}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
