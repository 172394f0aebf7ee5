"""View shortcuts for the organisation in a URL: one place that turns "not found or not a
member" into 404, as every screen must."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from styrkort.core.errors import NotFound
from styrkort.organisation.models import Organisation
from styrkort.organisation.selectors import member_organisation, organisation_get


def organisation_or_404(request: HttpRequest, slug: str) -> Organisation:
    """The organisation of a workspace URL: 404 unless the user is a member."""
    try:
        return member_organisation(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc


def public_organisation_or_404(slug: str) -> Organisation:
    """The organisation of a public URL: any that exists."""
    try:
        return organisation_get(slug=slug)
    except NotFound as exc:
        raise Http404 from exc
