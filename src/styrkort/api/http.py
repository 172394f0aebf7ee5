"""What every endpoint shares: token authentication, pages of a list, ETags and If-Match."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StringConstraints

from styrkort.api.errors import InvalidToken, PreconditionFailed
from styrkort.api.selectors import token_for_secret
from styrkort.api.services import token_touch
from styrkort.core.ratelimit import hit, who
from styrkort.core.text import forbidden_character

T = TypeVar("T", bound=Model)

# Every id fits a signed 64-bit integer on SQLite and PostgreSQL; a larger number in a URL
# is a client's mistake (422), not an overflow in the database driver (500).
MAX_ID = 2**53 - 1
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# Text refuses NUL and the other control characters (core.text.forbidden_character) in the
# schema itself, so a client (and the contract tests) can see it; the error names the character.
NO_NUL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]*$"


def _plain_text(value: str) -> str:
    # A lone surrogate cannot be stored as UTF-8 by either database; NUL not by PostgreSQL;
    # the other control characters come from binary data or a wrong encoding.
    found = forbidden_character(value)
    if found is not None:
        position, name = found
        raise ValueError(f"innehåller ett otillåtet styrtecken, {name}, vid tecken {position}")
    return value


def _clamped_moment(value: dt.datetime) -> dt.datetime:
    """Any aware moment is a valid `modified_since`. It is passed on in UTC (PostgreSQL
    refuses offsets beyond ±15:59, ISO 8601 allows ±23:59), and one outside 1900–2999 means
    "since forever" or "nothing yet" and is clamped there rather than overflowing."""
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by its offset
        utc = value.replace(tzinfo=dt.UTC)
    if utc.year < 1900:
        return dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
    if utc.year > 2999:
        return dt.datetime(2999, 12, 31, tzinfo=dt.UTC)
    return utc


def _sane_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2100:
        raise ValueError("ska ligga mellan år 1900 och 2100")
    return value


def _clean_text(value: Any) -> Any:
    # Before the pattern: the message then names the character and where it is.
    return _plain_text(value) if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(pattern=NO_NUL), BeforeValidator(_clean_text)]
Day = Annotated[dt.date, AfterValidator(_sane_date)]


def _iso_moment(value: Any) -> Any:
    """Only an ISO 8601 date and time: pydantic would also take a bare number ("0.5") as
    seconds since 1970, which nobody means by "modified since"."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9.eE]+\s*", value)
    ):
        raise ValueError("ska vara en tidpunkt i ISO 8601, t.ex. 2025-03-01T00:00:00+01:00")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_moment), AfterValidator(_clamped_moment)]


def text_field(max_length: int, *, min_length: int = 0, **kwargs: Any) -> Any:
    """A text field without NUL characters, bounded, as the database can store it."""
    if min_length:
        kwargs["min_length"] = min_length
    return Field(max_length=max_length, **kwargs)


class ListParams(Schema):
    """Paging and incremental sync, shared by every list."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Sidnummer, från 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Poster per sida, högst {MAX_PAGE_SIZE}.",
    )
    modified_since: Moment | None = Field(
        None,
        description=(
            "Bara poster ändrade vid eller efter denna tidpunkt (ISO 8601 med tidszon, "
            "t.ex. 2025-03-01T00:00:00+01:00): för inkrementell synkronisering."
        ),
    )


class Pagination(Schema):
    total_elements: int = Field(description="Antal poster i hela listan (alla sidor).")
    elements_per_page: int
    current_page: int
    total_pages: int


class Links(Schema):
    first: str
    prev: str | None
    next: str | None
    last: str
    self: str


class ErrorItem(Schema):
    location: str = Field(description="query, path, body eller header.")
    field: str = Field(description="Fältet eller parametern, t.ex. points[0].text.")
    message: str


class Error(Schema):
    detail: str = Field(description="Vad som gick fel, på svenska.")
    errors: list[ErrorItem] = Field(default_factory=list)


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    queryset: QuerySet[T],
    params: ListParams,
    prepare: Callable[[list[T]], Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """One page of a list with its total and links, in the spirit of OParl's lists.

    Two queries (count and page) plus whatever the queryset prefetches, whatever the size.
    `prepare` sees the page's rows (for redaction) before they are serialised.
    """
    if params.modified_since is not None:
        queryset = queryset.filter(updated_at__gte=params.modified_since)
    total = queryset.count()
    size = params.page_size
    pages = max(1, -(-total // size))
    start = (params.page - 1) * size
    rows: list[T] = list(queryset[start : start + size]) if start < total else []
    return {
        "data": prepare(rows) if prepare else rows,
        "pagination": {
            "total_elements": total,
            "elements_per_page": size,
            "current_page": params.page,
            "total_pages": pages,
        },
        "links": {
            "first": _page_url(request, 1),
            "prev": _page_url(request, min(params.page - 1, pages)) if params.page > 1 else None,
            "next": _page_url(request, params.page + 1) if params.page < pages else None,
            "last": _page_url(request, pages),
            "self": _page_url(request, params.page),
        },
    }


_RENDERER = JSONRenderer()


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def render(
    request: HttpRequest, schema: type[Schema], instance: Any, *, status: int = 200
) -> HttpResponse:
    """A record as JSON with a strong ETag of exactly what was sent; If-None-Match that names
    it gets 304 Not Modified and no body."""
    data = schema.from_orm(instance).model_dump()
    rendered = _RENDERER.render(request, data, response_status=status)
    content = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    if status == 200:
        wanted = request.headers.get("If-None-Match", "")
        if wanted and (wanted.strip() == "*" or etag in _tags(wanted)):
            response = HttpResponse(status=304)
            response["ETag"] = etag
            return response
    response = HttpResponse(content, status=status, content_type=_RENDERER.media_type)
    response["ETag"] = etag
    return response


def check_if_match(request: HttpRequest, schema: type[Schema], instance: Any) -> None:
    """If-Match on a write: the ETag the client last read must still be the record's."""
    wanted = request.headers.get("If-Match", "")
    if not wanted or wanted.strip() == "*":
        return
    current = render(request, schema, instance)["ETag"]
    if current not in _tags(wanted):
        raise PreconditionFailed(
            "Posten har ändrats sedan du läste den (If-Match stämmer inte): "
            "hämta den igen och gör om ändringen."
        )


class PersonalToken(HttpBearer):
    """Authorization: Bearer <personal API token>.

    Without the header the caller is the public (on reads) or refused with 401 (on writes);
    a header that names no active token is always 401, never silently the public.
    """

    def __init__(self, *, required: bool) -> None:
        super().__init__()
        self.required = required

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.strip():
            if self.required:
                return None
            hit(scope="api", key=who(request))  # the public: counted per address
            return AnonymousUser()
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise InvalidToken
        user = self.authenticate(request, secret.strip())
        hit(scope="api", key=f"user:{user.pk}")
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_secret(secret=token)
        if found is None:
            raise InvalidToken
        token_touch(token=found)
        request.user = found.user
        return found.user


def caller(request: HttpRequest) -> Any:
    """The acting user of a request: the token's user, or AnonymousUser for the public."""
    return getattr(request, "auth", None) or AnonymousUser()
