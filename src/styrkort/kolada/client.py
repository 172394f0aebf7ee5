"""A client for Kolada's public API (https://api.kolada.se), on the standard library only.

Kolada answers a data query with one envelope, page by page:

    {"count": 1,
     "values": [{"kpi": "N00945", "municipality": "0023", "period": 2023,
                 "values": [{"gender": "T", "status": "", "value": 12.3, "count": 1}]}],
     "next_page": "https://api.kolada.se/v2/data/kpi/N00945/municipality/0023/year/2023?page=2"}

Versions 2 and 3 differ in details the client absorbs:

- the link to the next page is `next_page` in v2 and `next_url` in v3 (the other name is
  followed too, so a mislabelled configuration still gets every page);
- `period` is a number (2023) or a string of digits ("2023");
- v3 marks withdrawn values with `isdeleted: true`; they are left out;
- gender is T (total), K (women) or M (men); v2's documentation also names F, read as K.

A next-page link is followed on the configured host (Kolada's links name api.kolada.se), so a
test server or a mirror serves every page and the client never wanders off to another host.

Each kind of failure has its own exception, and its message (Swedish, for the command line)
says what went wrong and where: not found (404), refused (other 4xx), unavailable (5xx, no
connection, timeout), malformed body (not JSON, or a field missing or of the wrong type, named
by its path such as ``values[2].period``).
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
GENDERS = {"T": "totalt", "K": "kvinnor", "M": "män"}
_GENDER_ALIASES = {"F": "K"}
KPI_ID = re.compile(r"[A-Z][0-9]{5}")
MUNICIPALITY_ID = re.compile(r"[0-9]{4}")
# Kolada refuses long lists of years in one request; 25 is what its clients use.
YEARS_PER_REQUEST = 25
_NEXT_KEYS = {2: ("next_page", "next_url"), 3: ("next_url", "next_page")}


class KoladaError(Exception):
    """Something went wrong talking to Kolada; `str(exc)` says what, in Swedish."""


class KoladaNotFound(KoladaError):
    """HTTP 404: Kolada does not know the KPI, the municipality or the address."""


class KoladaRefused(KoladaError):
    """Another 4xx: Kolada refused the question."""


class KoladaUnavailable(KoladaError):
    """5xx, no connection, a timeout or a broken-off answer: try again later."""


class KoladaMalformed(KoladaError):
    """The answer is not JSON, or not in Kolada's shape."""


@dataclass(frozen=True)
class KoladaValue:
    """One value: a KPI for a municipality (or region), a year and a gender."""

    kpi: str
    municipality: str
    year: int
    gender: str
    value: Decimal | None
    status: str = ""


def api_version(base_url: str, explicit: str | int | None = None) -> int:
    """2 or 3: as configured, or read from the base URL's last segment (/v2, /v3)."""
    if explicit not in (None, ""):
        text = str(explicit).strip().lower().removeprefix("v")
        if text in {"2", "3"}:
            return int(text)
        raise KoladaError(f"KOLADA_API_VERSION ska vara 2 eller 3, inte {explicit!r}.")
    last = urlsplit(base_url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    if last in {"v2", "v3"}:
        return int(last[1])
    raise KoladaError(
        f"Kan inte avgöra Kolada-API:ts version av adressen {base_url!r}: "
        "låt den sluta på /v2 eller /v3, eller ange KOLADA_API_VERSION."
    )


class KoladaClient:
    """Fetches KPI values from Kolada; see the module docstring for the shapes it reads."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        version: str | int | None = None,
        timeout: float | None = None,
        max_pages: int = 1000,
    ) -> None:
        if base_url is None or version is None or timeout is None:
            from django.conf import settings

            base_url = base_url or getattr(settings, "KOLADA_BASE_URL", DEFAULT_BASE_URL)
            version = version if version is not None else settings.KOLADA_API_VERSION
            timeout = timeout if timeout is not None else settings.KOLADA_TIMEOUT
        url = str(base_url).strip()
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise KoladaError(
                f"KOLADA_BASE_URL {url!r} är ingen webbadress; ange t.ex. {DEFAULT_BASE_URL}."
            )
        self.base_url = url.rstrip("/")
        self.version = api_version(self.base_url, version)
        self.timeout = float(timeout or 30)
        self.max_pages = max_pages

    def data_url(self, *, kpi: str, municipality: str, years: Sequence[int]) -> str:
        path = f"/data/kpi/{quote(kpi)}/municipality/{quote(municipality)}"
        if years:
            path += "/year/" + ",".join(str(y) for y in sorted(set(years)))
        return self.base_url + path

    def data(
        self,
        *,
        kpi: str,
        municipality: str,
        years: Sequence[int],
        on_page: Callable[[int], None] | None = None,
    ) -> list[KoladaValue]:
        """Every value of one KPI for one municipality in the given years, all pages read.

        Raises a KoladaError subclass when any page fails; then nothing is returned.
        """
        if not KPI_ID.fullmatch(kpi):
            raise KoladaRefused(f"{kpi!r} är inget Kolada-id för nyckeltal (t.ex. N00945).")
        if not MUNICIPALITY_ID.fullmatch(municipality):
            raise KoladaRefused(
                f"{municipality!r} är inget Kolada-id för kommun eller region (t.ex. 0023)."
            )
        values: list[KoladaValue] = []
        seen: dict[tuple[str, str, int, str], str] = {}
        url: str | None = self.data_url(kpi=kpi, municipality=municipality, years=years)
        visited: set[str] = set()
        number = 0
        while url is not None:
            number += 1
            if url in visited:
                raise KoladaMalformed(
                    f"Kolada pekar på sida {number} tillbaka på en sida som redan är hämtad "
                    f"({url}); avbryter."
                )
            if number > self.max_pages:
                raise KoladaMalformed(
                    f"Kolada gav fler än {self.max_pages} sidor för {kpi}; avbryter."
                )
            visited.add(url)
            where = f"sida {number} ({url})"
            body = self._get(url, where, kpi=kpi, municipality=municipality)
            page_values, next_link = self._read_page(body, where)
            for path, item in page_values:
                if item.kpi != kpi or item.municipality != municipality:
                    raise KoladaMalformed(
                        f"Oväntat svar från Kolada på {where}: {path} gäller "
                        f"{item.kpi} för {item.municipality}, men frågan gällde {kpi} för "
                        f"{municipality}."
                    )
                key = (item.kpi, item.municipality, item.year, item.gender)
                if key in seen:
                    raise KoladaMalformed(
                        f"Oväntat svar från Kolada på {where}: {path} ger ett andra värde för "
                        f"{kpi}, {item.year}, kön {item.gender} (det första: {seen[key]})."
                    )
                seen[key] = f"{path} på sida {number}"
                values.append(item)
            if on_page is not None:
                on_page(number)
            url = self._follow(url, next_link) if next_link else None
        return values

    # -- one page ----------------------------------------------------------------------------

    def _get(self, url: str, where: str, *, kpi: str, municipality: str) -> Any:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": "styrkort"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            code = exc.code
            exc.close()
            if code == 404:
                raise KoladaNotFound(
                    f"Kolada hittar inte det som efterfrågas (HTTP 404 på {where}): finns "
                    f"nyckeltalet {kpi} och kommunen/regionen {municipality} i Kolada?"
                ) from exc
            if code >= 500:
                raise KoladaUnavailable(
                    f"Kolada är inte tillgängligt just nu (HTTP {code} på {where}); "
                    "försök igen senare."
                ) from exc
            raise KoladaRefused(f"Kolada avvisade frågan (HTTP {code} på {where}).") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise self._timeout(where) from exc
            if isinstance(reason, ConnectionRefusedError):
                raise KoladaUnavailable(
                    f"Kan inte nå Kolada på {self.base_url}: anslutningen nekades ({where})."
                ) from exc
            raise KoladaUnavailable(
                f"Kan inte nå Kolada på {self.base_url} ({reason}; {where})."
            ) from exc
        except TimeoutError as exc:
            raise self._timeout(where) from exc
        except (http.client.HTTPException, OSError) as exc:
            raise KoladaUnavailable(
                f"Kolada bröt svaret på {where} ({exc.__class__.__name__}); försök igen senare."
            ) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise KoladaMalformed(
                f"Kolada svarade med något som inte är UTF-8-text på {where} (byte {exc.start})."
            ) from exc
        try:
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except ValueError as exc:
            detail = (
                f"{exc.msg} på rad {exc.lineno}, kolumn {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else str(exc)
            )
            raise KoladaMalformed(
                f"Kolada svarade med något som inte är JSON på {where}: {detail}."
            ) from exc

    def _timeout(self, where: str) -> KoladaUnavailable:
        return KoladaUnavailable(
            f"Kolada svarade inte inom {self.timeout:g} sekunder ({where}); försök igen senare."
        )

    def _read_page(self, body: Any, where: str) -> tuple[list[tuple[str, KoladaValue]], str]:
        def bad(path: str, problem: str) -> KoladaMalformed:
            return KoladaMalformed(f"Oväntat svar från Kolada på {where}: {path} {problem}.")

        if not isinstance(body, dict):
            raise bad("svaret", f"ska vara ett JSON-objekt, inte {_kind(body)}")
        if "values" not in body:
            raise bad("fältet values", "saknas")
        entries = body["values"]
        if not isinstance(entries, list):
            raise bad("values", f"ska vara en lista, inte {_kind(entries)}")
        if "count" in body and (not isinstance(body["count"], int) or body["count"] < 0):
            raise bad("count", f"ska vara ett antal, inte {body['count']!r}")
        next_link = ""
        for key in _NEXT_KEYS[self.version]:
            link = body.get(key)
            if link in (None, ""):
                continue
            if not isinstance(link, str):
                raise bad(key, f"ska vara en webbadress, inte {_kind(link)}")
            next_link = link
            break
        found: list[tuple[str, KoladaValue]] = []
        for i, entry in enumerate(entries):
            path = f"values[{i}]"
            if not isinstance(entry, dict):
                raise bad(path, f"ska vara ett objekt, inte {_kind(entry)}")
            for name in ("kpi", "municipality", "period", "values"):
                if name not in entry:
                    raise bad(f"{path}.{name}", "saknas")
            kpi, municipality = entry["kpi"], entry["municipality"]
            if not isinstance(kpi, str) or not kpi:
                raise bad(f"{path}.kpi", f"ska vara ett nyckeltals-id, inte {kpi!r}")
            if not isinstance(municipality, str) or not municipality:
                raise bad(f"{path}.municipality", f"ska vara ett kommun-id, inte {municipality!r}")
            year = _year(entry["period"])
            if year is None:
                raise bad(f"{path}.period", f"ska vara ett årtal, inte {entry['period']!r}")
            if entry.get("isdeleted") is True:
                continue
            inner = entry["values"]
            if not isinstance(inner, list):
                raise bad(f"{path}.values", f"ska vara en lista, inte {_kind(inner)}")
            for j, item in enumerate(inner):
                item_path = f"{path}.values[{j}]"
                if not isinstance(item, dict):
                    raise bad(item_path, f"ska vara ett objekt, inte {_kind(item)}")
                if item.get("isdeleted") is True:
                    continue
                if "gender" not in item:
                    raise bad(f"{item_path}.gender", "saknas")
                gender = item["gender"]
                gender = _GENDER_ALIASES.get(gender, gender) if isinstance(gender, str) else None
                if gender not in GENDERS:
                    raise bad(
                        f"{item_path}.gender",
                        f"ska vara T, K eller M, inte {item['gender']!r}",
                    )
                if "value" not in item:
                    raise bad(f"{item_path}.value", "saknas")
                value = item["value"]
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | Decimal)
                ):
                    raise bad(f"{item_path}.value", f"ska vara ett tal eller null, inte {value!r}")
                status = item.get("status") or ""
                if not isinstance(status, str):
                    raise bad(f"{item_path}.status", f"ska vara text, inte {status!r}")
                found.append(
                    (
                        item_path,
                        KoladaValue(
                            kpi=kpi,
                            municipality=municipality,
                            year=year,
                            gender=gender,
                            value=None if value is None else Decimal(value),
                            status=status,
                        ),
                    )
                )
        return found, next_link

    def _follow(self, current: str, link: str) -> str:
        """The next page's address on the configured host and under its path."""
        target = urlsplit(urljoin(current, link))
        base = urlsplit(self.base_url)
        path = target.path
        # Kolada's links start with its own /v2 or /v3: put them under the configured base
        # path instead (a mirror may serve the API under, say, /kolada/v3).
        version_segment = "/" + base.path.rstrip("/").rsplit("/", 1)[-1]
        if version_segment != "/" and (
            path == version_segment or path.startswith(version_segment + "/")
        ):
            path = base.path.rstrip("/") + path[len(version_segment) :]
        return urlunsplit((base.scheme, base.netloc, path, target.query, ""))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} är inget tal i JSON")


def _year(period: Any) -> int | None:
    if isinstance(period, bool):
        return None
    if isinstance(period, int):
        year = period
    elif isinstance(period, str) and re.fullmatch(r"\s*[0-9]{4}\s*", period):
        year = int(period)
    else:
        return None
    return year if 1900 <= year <= 2100 else None


def _kind(value: Any) -> str:
    names = {
        dict: "ett objekt",
        list: "en lista",
        str: "text",
        bool: "ett sanningsvärde",
        type(None): "null",
    }
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "ett tal"
