"""The accessibility statement (tillgänglighetsredogörelse) of the public pages, after the
model statement of Myndigheten för digital förvaltning (DIGG): who stands behind the site,
how accessible it is, what is known not to be, how to report a problem, the supervisory
authority, and how and when the statement was made.

Update `assessed_on` and the shortcomings when the pages or their tests change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Statement:
    law: str
    compliance: str  # "helt", "delvis" or "inte" förenlig
    shortcomings: list[tuple[str, str]] = field(default_factory=list)  # (what, WCAG criterion)
    method: str = ""
    assessed_on: dt.date = dt.date(2026, 12, 7)
    published_on: dt.date = dt.date(2026, 12, 7)
    updated_on: dt.date = dt.date(2026, 12, 7)
    supervisor: str = "Myndigheten för digital förvaltning (DIGG)"
    supervisor_url: str = "https://www.digg.se/tdosanmalan"


STATEMENT = Statement(
    law="lagen (2018:1937) om tillgänglighet till digital offentlig service",
    compliance="delvis",
    shortcomings=[
        (
            "Uppföljningar som lästs in från äldre publiceringar (webbsidor, Word-dokument) "
            "visas med den text som publicerades då. Om originalet saknade rubriker eller hade "
            "förkortningar utan förklaring finns samma brister här.",
            "1.3.1 Information och relationer, 3.1.4 Förkortningar (AAA, utanför lagkraven)",
        ),
        (
            "Statusfärgerna väljs av organisationen. Status står alltid också i ord, men en "
            "egen färg kan ge för låg kontrast mellan färg och bakgrund.",
            "1.4.11 Kontrast för icke-textinnehåll",
        ),
        (
            "Filerna med öppna data (CSV och JSON) är maskinläsbara data och inte "
            "tillgänglighetsanpassade dokument; samma uppgifter finns som webbsidor.",
            "Gäller filer, inte webbsidorna",
        ),
    ],
    method=(
        "Vi har gjort en självskattning (intern testning). Varje typ av offentlig sida testas "
        "automatiskt med axe-core mot WCAG 2.1 nivå A och AA, i en riktig webbläsare, vid "
        "varje ändring av programkoden; sidorna har dessutom granskats för hand med "
        "tangentbord (tabbordning, synligt fokus, länken Gå till huvudinnehåll) och för "
        "rubrikordning och landmärken."
    ),
)
