"""The API's endpoints, one module per area of the domain. Each is thin: parse, call a
selector or a service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path

from styrkort.api.http import MAX_ID, Error, PersonalToken, caller
from styrkort.api.selectors import organisation_get
from styrkort.organisation.models import Organisation

# Reads answer the public too: the operation says so with an empty security requirement
# beside the bearer token, so a client (and the contract tests) know both are valid.
PUBLIC = PersonalToken(required=False)
TOKEN = PersonalToken(required=True)
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}

READ_ERRORS: dict[int, Any] = {401: Error, 404: Error, 422: Error}
DETAIL_ERRORS: dict[int, Any] = {304: None, **READ_ERRORS}
WRITE_ERRORS: dict[int, Any] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    412: Error,
    422: Error,
}

Slug = Path(
    ...,
    pattern=r"^[-a-z0-9_]+$",
    max_length=60,
    description="Organisationens slug, t.ex. region-jamtland-harjedalen.",
)
Id = Path(..., ge=1, le=MAX_ID)


def scope(request: HttpRequest, slug: str) -> tuple[Any, Organisation]:
    """The caller and the organisation named in the path (404 when there is none)."""
    user = caller(request)
    return user, organisation_get(slug=slug)
