"""The follow-up's filters as a request gives them (body, status, kind, text), and the period in
a URL: shared by the workspace screens and the faces that offer the same follow-up as documents."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from styrkort.core.errors import NotFound
from styrkort.core.text import forbidden_character
from styrkort.followup import selectors
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.models import Organisation
from styrkort.organisation.selectors import body_list
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.planning.models import PlanItem


def period_or_404(
    request: HttpRequest, org: str, period: int
) -> tuple[Organisation, FollowUpPeriod]:
    """The organisation and period in the URL, or 404 for anything the user may not see."""
    organisation = organisation_or_404(request, org)
    try:
        return organisation, selectors.period_get(
            viewer=request.user, organisation=organisation, pk=period
        )
    except NotFound as exc:
        raise Http404 from exc


def filters_from_request(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    """The chosen body, status, kind and text (unknown values are ignored), and the choices."""
    bodies = list(body_list(organisation=organisation))
    statuses = selectors.scale_statuses(organisation)
    body = next((b for b in bodies if b.abbreviation == request.GET.get("body")), None)
    status = next((s for s in statuses if s.code == request.GET.get("status")), None)
    kind = request.GET.get("kind") if request.GET.get("kind") in PlanItem.Kind.values else None
    text = (request.GET.get("q") or "").strip()[:200] or None
    if text and forbidden_character(text):
        text = None  # like an unknown body or status: ignored (a database may not store it)
    return {
        "bodies": bodies,
        "statuses": statuses,
        "kinds": [(v, label) for v, label in PlanItem.Kind.choices],
        "body": body,
        "status": status,
        "kind": kind,
        "text": text,
    }
