"""View shortcuts for the organisation in a URL: one place that turns "not found or not a
member" into 404, as every screen must."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from styrkort.core.errors import NotFound
from styrkort.organisation.models import Organisation
from styrkort.organisation.selectors import organisation_get


def organisation_or_404(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_get(user=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
