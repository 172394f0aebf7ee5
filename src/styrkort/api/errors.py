"""Errors as the API answers them: one JSON shape, Swedish messages that name the field.

Services raise Django's PermissionDenied and ValidationError and our NotFound and
ConflictError; the handlers here turn them into 403, 422, 404 and 409, the same answers the
web gives, so an endpoint never catches them itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from styrkort.core.errors import ConflictError, NotFound
from styrkort.core.ratelimit import RateLimited

if TYPE_CHECKING:
    from ninja import NinjaAPI


class PreconditionFailed(Exception):
    """If-Match named another version of the record than the stored one."""


class InvalidToken(Exception):
    """An Authorization header that names no active token."""


NOT_FOUND = "Finns inte, eller så har du inte behörighet att se det."

_STATUS_TEXT = {
    400: "Begäran kunde inte läsas; skicka giltig JSON med Content-Type: application/json.",
    401: "Ogiltig, okänd eller återkallad API-nyckel.",
    403: "Du har inte behörighet till detta.",
    404: NOT_FOUND,
    405: "Metoden stöds inte här.",
}


def _field(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    """(location, field) from a pydantic location: ("body", "payload", "points", 0, "text")
    becomes ("body", "points[0].text")."""
    parts = list(loc)
    where = str(parts.pop(0)) if parts and parts[0] in ("query", "path", "body", "header") else ""
    if where == "body" and parts and parts[0] == "payload":
        parts.pop(0)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return where, name


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": "saknas",
        "int_parsing": "ska vara ett heltal",
        "int_type": "ska vara ett heltal",
        "int_from_float": "ska vara ett heltal",
        "bool_parsing": "ska vara true eller false",
        "bool_type": "ska vara true eller false",
        "string_type": "ska vara text",
        "string_pattern_mismatch": "har fel form eller innehåller otillåtna tecken",
        "date_parsing": "ska vara ett datum på formen ÅÅÅÅ-MM-DD",
        "date_from_datetime_parsing": "ska vara ett datum på formen ÅÅÅÅ-MM-DD",
        "date_from_datetime_inexact": "ska vara ett datum på formen ÅÅÅÅ-MM-DD",
        "date_type": "ska vara ett datum på formen ÅÅÅÅ-MM-DD",
        "datetime_parsing": "ska vara en tidpunkt enligt ISO 8601, t.ex. 2025-03-01T00:00:00+01:00",
        "datetime_from_date_parsing": (
            "ska vara en tidpunkt enligt ISO 8601, t.ex. 2025-03-01T00:00:00+01:00"
        ),
        "datetime_type": "ska vara en tidpunkt enligt ISO 8601, t.ex. 2025-03-01T00:00:00+01:00",
        "timezone_aware": "ska ange tidszon, t.ex. 2025-03-01T00:00:00+01:00",
        "json_invalid": "är inte giltig JSON",
        "model_type": "ska vara ett JSON-objekt",
        "model_attributes_type": "ska vara ett JSON-objekt",
        "dict_type": "ska vara ett JSON-objekt",
        "list_type": "ska vara en lista",
        "extra_forbidden": "är inte ett känt fält",
        "none_required": "ska vara null",
    }
    if kind in messages:
        return messages[kind]
    if kind == "greater_than_equal":
        return f"ska vara minst {ctx.get('ge')}"
    if kind == "greater_than":
        return f"ska vara större än {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"får vara högst {ctx.get('le')}"
    if kind == "less_than":
        return f"ska vara mindre än {ctx.get('lt')}"
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "får inte vara tomt" if least == 1 else f"ska vara minst {least} tecken"
    if kind == "string_too_long":
        return f"får vara högst {ctx.get('max_length')} tecken"
    if kind == "too_short":
        return f"ska ha minst {ctx.get('min_length')} element"
    if kind == "too_long":
        return f"får ha högst {ctx.get('max_length')} element"
    if kind in ("literal_error", "enum"):
        return f"ska vara en av {ctx.get('expected')}"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    return "har ett ogiltigt värde"


_WHERE = {"query": "frågeparametern", "path": "sökvägen", "body": "fältet", "header": "huvudet"}


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic's errors as {location, field, message}, the message a Swedish sentence."""
    result = []
    for error in errors:
        where, name = _field(error.get("loc", ()))
        label = f"{_WHERE.get(where, 'fältet')} {name}".strip() if name else "innehållet"
        result.append(
            {
                "location": where,
                "field": name,
                "message": f"{label.capitalize()} {_message(error)}.",
            }
        )
    return result


def _service_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"location": "body", "field": "" if name == "__all__" else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"location": "body", "field": "", "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API. (Handlers take `exc: Any`: django-ninja types a
    handler's argument as the exception or its class.)"""

    def respond(
        request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None
    ) -> HttpResponse:
        return api.create_response(
            request, {"detail": detail, "errors": errors or []}, status=status
        )

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = validation_errors(list(exc.errors))
        return respond(request, 422, " ".join(e["message"] for e in errors), errors)

    def on_service_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = _service_errors(exc)
        return respond(request, 422, " ".join(e["message"] for e in errors), errors)

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, InvalidToken):
            detail = _STATUS_TEXT[401]
        else:
            detail = "Det här kräver en API-nyckel: skicka Authorization: Bearer <nyckel>."
        response = respond(request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="styrkort"'
        return response

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status_code, _STATUS_TEXT.get(exc.status_code, str(exc)))

    def on_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403, str(exc) or _STATUS_TEXT[403])

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        # Never the reason: a record that exists but may not be seen looks like no record.
        return respond(request, 404, NOT_FOUND)

    def on_conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 409, str(exc))

    def on_precondition(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 412, str(exc))

    def on_rate_limited(request: HttpRequest, exc: Any) -> HttpResponse:
        response = respond(request, 429, str(exc))
        response["Retry-After"] = str(exc.retry_after)
        return response

    api.add_exception_handler(RateLimited, on_rate_limited)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_service_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(InvalidToken, on_auth)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(NotFound, on_not_found)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ConflictError, on_conflict)
    api.add_exception_handler(PreconditionFailed, on_precondition)
