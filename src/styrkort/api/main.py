"""The REST API at /api/v1/: its schema at /api/v1/openapi.json, its docs at /api/v1/docs."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from styrkort.api import errors
from styrkort.api.endpoints import economy, followup, organisation, planning, register

DESCRIPTION = """\
styrkorts öppna API: organisationer, nämnder, enheter, perioder, planer med mål, nyckeltal och
uppdrag, bedömningar, budget och omdisponeringar, ärenden, beslut och sammanträden.

**Utan nyckel** visas det som är offentligt: fastställda planer, godkända bedömningar, budgeten,
ärenden och beslut som inte omfattas av sekretess. **Med en personlig API-nyckel**
(`Authorization: Bearer <nyckel>`, skapas under Konto → API-nycklar) visas det du ser på webben,
och du kan skriva det du får skriva där.

Listor delas i sidor (`page`, `page_size`) och har `pagination` och `links`; `modified_since`
ger bara det som ändrats sedan en tidpunkt. En enskild post har en `ETag`: skicka den i
`If-None-Match` (304 om inget ändrats) eller `If-Match` vid ändring (412 om någon hunnit före).
Fel har alltid formen `{"detail": ..., "errors": [{"location", "field", "message"}]}`.

Varje användare (utan nyckel: varje adress) får göra ett begränsat antal anrop i minuten
(300 om inget annat är inställt); över gränsen svarar API:t 429 med `Retry-After` i sekunder.
"""


class StyrkortAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # listCases, not styrkort_api_endpoints_register_list_cases.
        first, *rest = operation.view_func.__name__.split("_")
        return first + "".join(word.capitalize() for word in rest)


class BundledSwagger(Swagger):
    """The Swagger UI that django-ninja ships, from the template and static folders the
    settings name. ninja itself picks these only when it is an installed app, which would
    import it (and pydantic) for every command; otherwise it links a CDN."""

    template = "api/swagger.html"  # ninja's page, in Swedish (lang="sv")

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": False,  # bearer tokens or nothing: no cookie to protect
        }
        return render(request, self.template, context)


api = StyrkortAPI(
    title="styrkort API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=BundledSwagger(),
)
errors.install(api)
for module in (organisation, planning, followup, economy, register):
    api.add_router("", module.router)
