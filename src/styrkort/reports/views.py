"""The board report page: preview the deck's outline, then make and download it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.reports import services
from styrkort.reports.board import SECTIONS, build_board_deck, default_presenter
from styrkort.reports.forms import BoardReportForm
from styrkort.reports.models import BoardReport
from styrkort.reports.permissions import can_make_board_report, can_view_board_reports
from styrkort.reports.renderers import BOARD_FORMATS


@login_required
def board(request: HttpRequest, org: str) -> HttpResponse:
    """GET with parameters, or POST with action=preview: the outline on the page. POST with
    action=make (controllers): the deck as a download, remembered as given if asked."""
    organisation = organisation_or_404(request, org)
    if not can_view_board_reports(request.user, organisation):
        raise PermissionDenied
    may_make = can_make_board_report(request.user, organisation)
    making = request.method == "POST" and request.POST.get("action") == "make"
    if making and not may_make:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET or None)
    initial = {"sections": list(SECTIONS), "format": "pptx", "record": True}
    form = BoardReportForm(data, organisation=organisation, initial=initial)
    deck = None
    if data is not None and form.is_valid():
        body = form.cleaned_data["body"]
        presenter = form.cleaned_data["presenter"]
        chosen = set(form.cleaned_data["sections"])
        deck = build_board_deck(
            user=request.user,
            body=body,
            date=form.cleaned_data["date"],
            since=form.cleaned_data["since"],
            presenter=presenter,
            omit=tuple(k for k in SECTIONS if k not in chosen),
            free_title=form.cleaned_data["free_title"],
            free_text=form.cleaned_data["free_text"],
        )
        if making:
            fmt = BOARD_FORMATS[form.cleaned_data["format"]]
            response = HttpResponse(fmt.render(deck), content_type=fmt.content_type)
            if form.cleaned_data["record"]:
                services.board_report_record(
                    actor=request.user,
                    body=body,
                    deck=deck,
                    presenter=presenter or default_presenter(body),
                    free_title=form.cleaned_data["free_title"],
                    free_text=form.cleaned_data["free_text"],
                )
            filename = f"{body.abbreviation.lower()}-rapport-{deck.date:%y%m%d}.{fmt.extension}"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    given = BoardReport.objects.filter(organisation=organisation).select_related(
        "body", "presenter__person"
    )[:20]
    return render(
        request,
        "reports/board_page.html",
        {
            "organisation": organisation,
            "form": form,
            "deck": deck,
            "empty_labels": [SECTIONS[k] for k in deck.empty] if deck else [],
            "given": given,
            "may_make": may_make,
            "nav": "reports",
        },
    )
