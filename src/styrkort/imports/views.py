"""Reading a published follow-up on the web: the controller uploads it, sees exactly what would
be stored (and which lines were left out, and why), and confirms.

Thin: the preview is `import_followup(dry_run=True)`, the confirmation the same call for real,
so the web and `styrkort import_followup` behave alike. The upload is kept (under the data dir,
for a day at most) between preview and confirmation; confirming reads it again from scratch.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from styrkort.core.kept import keep_upload, take_upload
from styrkort.core.uploads import refused
from styrkort.economy.permissions import can_manage_budget
from styrkort.followup.models import FollowUpPeriod
from styrkort.imports.figures import import_figures
from styrkort.imports.followup_text import FollowUpImportError, ImportResult, import_followup
from styrkort.imports.forms import PlanSheetForm
from styrkort.imports.layouts import LAYOUTS
from styrkort.imports.plan_items import HELP as PLAN_HELP
from styrkort.imports.plan_items import TEMPLATE_NAME, import_plan_items, template_xlsx
from styrkort.imports.readers import MAX_BYTES
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import is_admin, is_controller
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.planning.models import Plan
from styrkort.planning.permissions import can_edit_plan

_SESSION = "followup_imports"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _require_controller(request: HttpRequest, organisation: Organisation) -> None:
    if not (is_controller(request.user, organisation) or is_admin(request.user, organisation)):
        raise PermissionDenied(
            "Att läsa in publicerade uppföljningar är för controller och administratör."
        )


def _keep(request: HttpRequest, data: bytes, choices: dict[str, Any]) -> str:
    """Keep the upload until it is confirmed (in the database: the confirmation may reach
    another app process); this user's session remembers it with the choices."""
    token = keep_upload(data)
    kept = request.session.get(_SESSION, {})
    kept[token] = choices
    request.session[_SESSION] = kept
    return token


def _take(
    request: HttpRequest, token: str, organisation: Organisation
) -> tuple[bytes, dict[str, Any]] | None:
    kept = request.session.get(_SESSION, {})
    choices = kept.get(token) if _TOKEN.match(token) else None
    if choices is None or choices.get("organisation") != organisation.pk:
        return None
    del kept[token]
    request.session[_SESSION] = kept
    data = take_upload(token)
    return None if data is None else (data, choices)


def _choices(request: HttpRequest, organisation: Organisation) -> tuple[dict[str, Any], list[str]]:
    """The form's values, checked; errors as (field, message) in Swedish."""
    errors: list[str] = []
    post = request.POST
    try:
        year = int(post.get("year", ""))
        if not 1990 <= year <= 2100:
            raise ValueError
    except ValueError:
        year = 0
        errors.append("Ange året uppföljningen gäller, t.ex. 2024.")
    layout = post.get("layout") or None
    if layout and layout not in {layout.name for layout in LAYOUTS}:
        errors.append("Välj en layout ur listan.")
    period = post.get("period") or None
    if (
        period
        and not FollowUpPeriod.objects.filter(organisation=organisation, name=period).exists()
    ):
        errors.append("Välj en period ur listan.")
    body = post.get("body") or None
    if body and not Body.objects.filter(organisation=organisation, abbreviation=body).exists():
        errors.append("Välj en nämnd ur listan.")
    return {
        "organisation": organisation.pk,
        "year": year,
        "layout": layout,
        "period": period,
        "body": body,
        "create_bodies": post.get("create_bodies") == "1",
        "filename": "",
    }, errors


def _run(
    request: HttpRequest,
    organisation: Organisation,
    data: bytes,
    choices: dict[str, Any],
    *,
    dry_run: bool,
) -> tuple[ImportResult | None, str]:
    body = None
    if choices.get("body"):
        body = Body.objects.get(organisation=organisation, abbreviation=choices["body"])
    try:
        result = import_followup(
            actor=request.user,
            organisation=organisation,
            data=data,
            year=choices["year"],
            period_name=choices.get("period"),
            filename=choices.get("filename", ""),
            layout=choices.get("layout"),
            default_body=body,
            create_bodies=choices.get("create_bodies", False),
            dry_run=dry_run,
        )
    except FollowUpImportError as exc:
        return None, f"{exc}. Inget sparades."
    except PermissionDenied as exc:
        return None, f"{exc} Inget sparades."
    except ValidationError as exc:
        return None, "; ".join(exc.messages) + ". Inget sparades."
    return result, ""


def _page(request: HttpRequest, organisation: Organisation, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    periods = FollowUpPeriod.objects.filter(organisation=organisation).order_by("-ends_on")
    return render(
        request,
        "imports/followup_import.html",
        {
            "organisation": organisation,
            "periods": periods,
            "bodies": Body.objects.filter(organisation=organisation).order_by("order", "name"),
            "layouts": LAYOUTS,
            "max_mb": MAX_BYTES // 1_000_000,
            "crumb": "Läs in uppföljning",
            "nav": "overview",
            **context,
        },
        status=status,
    )


@login_required
def followup_import_page(request: HttpRequest, org: str) -> HttpResponse:
    """The form and, after an upload, the preview of exactly what would be stored."""
    organisation = organisation_or_404(request, org)
    _require_controller(request, organisation)
    if request.method != "POST":
        return _page(request, organisation, choices={})
    choices, errors = _choices(request, organisation)
    upload = request.FILES.get("file")
    if upload is None:
        errors.insert(0, "Välj filen med den publicerade uppföljningen.")
    elif upload.size is not None and upload.size > MAX_BYTES:
        errors.insert(0, f"Filen är större än {MAX_BYTES // 1_000_000} MB; välj en mindre.")
    if errors:
        return _page(request, organisation, choices=choices, errors=errors, status=400)
    assert upload is not None
    data = upload.read()
    choices["filename"] = upload.name or ""
    result, error = _run(request, organisation, data, choices, dry_run=True)
    if result is None:
        return _page(request, organisation, choices=choices, errors=[error], status=400)
    token = _keep(request, data, choices) if result.changes else ""
    return _page(request, organisation, choices=choices, result=result, token=token)


@login_required
@require_POST
def followup_import_apply(request: HttpRequest, org: str) -> HttpResponse:
    """Store a previewed upload: every check again, then all of it in one transaction."""
    organisation = organisation_or_404(request, org)
    _require_controller(request, organisation)
    taken = _take(request, request.POST.get("token", ""), organisation)
    if taken is None:
        return _page(
            request,
            organisation,
            choices={},
            errors=[
                "Den inlästa filen finns inte längre (den sparas i ett dygn); läs in den igen."
            ],
            status=400,
        )
    data, choices = taken
    result, error = _run(request, organisation, data, choices, dry_run=False)
    if result is None:
        return _page(request, organisation, choices=choices, errors=[error], status=400)
    return _page(request, organisation, choices=choices, result=result, applied=True)


@login_required
def figures_upload(request: HttpRequest, org: str) -> HttpResponse:
    """Controllers upload outcome, forecast and key-figure values (XLSX or CSV)."""
    organisation = organisation_or_404(request, org)
    if not can_manage_budget(request.user, organisation):
        raise Http404
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if refused(request):
            messages.error(request, refused(request) or "")
        elif upload is None:
            messages.error(request, "Välj en fil (XLSX eller CSV).")
        elif (upload.size or 0) > 5 * 1024 * 1024:
            messages.error(request, "Filen är större än 5 MB.")
        else:
            result = import_figures(
                actor=request.user,
                organisation=organisation,
                name=upload.name or "",
                data=upload.read(),
                dry_run="dry_run" in request.POST,
            )
    return render(
        request,
        "imports/figures_upload.html",
        {"organisation": organisation, "result": result, "nav": "budget"},
    )


@login_required
def plan_upload(request: HttpRequest, org: str) -> HttpResponse:
    """Controllers and admins read a plan's items from a sheet into a body's draft plan."""
    organisation = organisation_or_404(request, org)
    if not can_edit_plan(request.user, Plan(organisation=organisation)):
        raise Http404
    initial: dict[str, Any] = {}
    wanted = request.GET.get("plan", "")
    source = (
        Plan.objects.filter(organisation=organisation, pk=int(wanted)).first()
        if wanted.isdigit()
        else None
    )
    if source is not None:  # from the plan's page: its body and year
        initial = {"body": source.body_id, "year": source.year}
    form = PlanSheetForm(
        request.POST or None, request.FILES or None, organisation=organisation, initial=initial
    )
    result = None
    if request.method == "POST":
        if refused(request):
            form.add_error("file", refused(request) or "")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_plan_items(
                actor=request.user,
                organisation=organisation,
                body=form.cleaned_data["body"],
                year=form.cleaned_data["year"],
                name=upload.name or "",
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            if result.ok and not form.cleaned_data["dry_run"] and result.plan is not None:
                messages.success(
                    request,
                    f"{len(result.created)} punkter är inlästa i utkastet till {result.plan}.",
                )
                return redirect("planning:plan", organisation.slug, result.plan.pk)
    return render(
        request,
        "imports/plan_upload.html",
        {
            "organisation": organisation,
            "form": form,
            "result": result,
            "help": PLAN_HELP,
            "nav": "plans",
        },
    )


@login_required
def plan_template(request: HttpRequest, org: str) -> HttpResponse:
    """The empty sheet to fill in, with a second sheet on what each column takes."""
    organisation = organisation_or_404(request, org)
    if not can_edit_plan(request.user, Plan(organisation=organisation)):
        raise Http404
    response = HttpResponse(
        template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}"'
    return response
