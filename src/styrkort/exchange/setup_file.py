"""`styrkort setup FILE.toml`: an organisation configured from a file (docs/setup.md).

Read → check everything into plain records (every problem named by line, table and key) →
write through the services in one transaction. What the file says is matched with what is
stored by a natural key (a body's abbreviation, a unit's parent and name, a status's code, a
period's name, a user's login), so a second run with the same file changes nothing, and a
changed file changes only what changed, each change listed in Swedish.

Nothing is deleted to follow the file: a body, unit, period or user left out stays as it is
(a body is retired with `active = false`). Only the status scale is exactly what the file
lists, and a status that is used cannot be removed.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from styrkort.core.actors import Actor
from styrkort.core.models import Status
from styrkort.core.status import (
    MIN_TEXT_CONTRAST,
    NOT_ASSESSED,
    contrast_ratio,
    contrast_text,
    default_scale,
)
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.services import period_close, period_create, period_reopen, period_update
from styrkort.organisation.identity import organisation_set_local_login
from styrkort.organisation.models import MAX_REMINDER_DAYS, Body, Membership, Organisation, Unit
from styrkort.organisation.services import (
    StatusStep,
    body_create,
    body_set_aliases,
    body_update,
    describe_changes,
    membership_grant,
    organisation_create,
    organisation_update,
    status_scale_set,
    unit_create,
    unit_update,
    user_create,
    user_update,
)

# ---------------------------------------------------------------------------------------------
# The format
# ---------------------------------------------------------------------------------------------

ORGANISATION_KINDS = ["region", "municipality", "other"]
BODY_KINDS = ["council", "board", "committee", "other"]
DIARY_STYLES = {"slash": "RS/673/2024", "space-year": "RS 2023/237", "dash": "KSN-2013-0674"}
PERIOD_KINDS = {
    "month": "month",
    "månad": "month",
    "tertial": "tertial",
    "delår": "interim",
    "interim": "interim",
    "helår": "year",
    "year": "year",
}
ROLES = [r.value for r in Membership.Role]
BODY_ROLES = ["editor", "approver"]
HEX = re.compile(r"^#[0-9a-fA-F]{6}\Z")
# Worst first; each passes WCAG AA with the text colour styrkort prints on it.
PALETTES = {
    1: ["#1e7b34"],
    2: ["#b3261e", "#1e7b34"],
    3: ["#b3261e", "#f2c400", "#1e7b34"],
    4: ["#b3261e", "#e07b00", "#f2c400", "#1e7b34"],
    5: ["#b3261e", "#e07b00", "#f2c400", "#7aa83b", "#1e7b34"],
}
EXTRA_COLOURS = ["#1f5fa8", "#6a3d9a", "#8c564b", "#444444"]

STR, BOOL, INT, DATE, WORDS = "text", "true/false", "heltal", "datum (2025-04-30)", "lista"
# table -> key -> (type, required)
SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    "organisation": {
        "name": (STR, True),
        "kind": (STR, True),
        "slug": (STR, False),
        "short_name": (STR, False),
        "kolada_id": (STR, False),
        "diary_style": (STR, False),
        "four_eyes": (BOOL, False),
        "reminder_days": (INT, False),
        "local_login": (BOOL, False),
    },
    "scale": {
        "name": (STR, False),
        "no_data": (STR, False),
        "no_data_colour": (STR, False),
        "no_data_synonyms": (WORDS, False),
    },
    "body": {
        "name": (STR, True),
        "abbreviation": (STR, True),
        "kind": (STR, True),
        "order": (INT, False),
        "active": (BOOL, False),
        "aliases": (WORDS, False),
    },
    "unit": {
        "name": (STR, True),
        "body": (STR, True),
        "parent": (STR, False),
        "description": (STR, False),
        "order": (INT, False),
    },
    "status": {
        "name": (STR, True),
        "colour": (STR, False),
        "synonyms": (WORDS, False),
        "code": (STR, False),
    },
    "period": {
        "name": (STR, True),
        "kind": (STR, True),
        "start": (DATE, True),
        "end": (DATE, True),
        "year": (INT, False),
        "deadline": (DATE, False),
        "closed": (BOOL, False),
    },
    "user": {
        "username": (STR, True),
        "email": (STR, False),
        "name": (STR, False),
        "roles": (WORDS, False),
    },
}
SINGLE = ["organisation", "scale"]
LISTS = ["body", "unit", "status", "period", "user"]

LABELS = {
    "name": "namn",
    "short_name": "kortnamn",
    "slug": "slug",
    "kind": "typ",
    "kolada_id": "Kolada-id",
    "diary_style": "diarienummer",
    "four_eyes": "fyra ögon",
    "reminder_days": "påminnelse (dagar före sista svarsdag)",
    "local_login": "lokala lösenord",
    "order": "ordning",
    "is_active": "aktiv",
    "aliases": "andra namn",
    "body": "nämnd",
    "description": "beskrivning",
    "year": "år",
    "starts_on": "från",
    "ends_on": "till",
    "deadline": "svar senast",
    "first_name": "förnamn",
    "last_name": "efternamn",
    "email": "e-post",
}


class SetupError(Exception):
    """The file is refused; each problem is one line naming the place in the file, in the
    file's order."""

    def __init__(self, problems: list[str]) -> None:
        problems = sorted(problems, key=_line_of)
        super().__init__("\n".join(problems))
        self.problems = problems


def _line_of(problem: str) -> int:
    match = re.match(r"rad (\d+)", problem)
    return int(match.group(1)) if match else 0


# ---------------------------------------------------------------------------------------------
# Where things are in the source text
# ---------------------------------------------------------------------------------------------

_ARRAY_HEADER = re.compile(r"^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"^([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


class SourceMap:
    """The line of each table and key, read from the text (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], int] = {}
        counts: dict[str, int] = {}
        current = ("", 0)
        in_multiline = False
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            quotes = stripped.count('"""') + stripped.count("'''")
            if in_multiline:
                in_multiline = quotes % 2 == 0
                continue
            if match := _ARRAY_HEADER.match(stripped):
                name = match.group(1)
                current = (name, counts.get(name, 0))
                counts[name] = current[1] + 1
                self.tables.setdefault(current, number)
            elif match := _TABLE_HEADER.match(stripped):
                current = (match.group(1), 0)
                self.tables.setdefault(current, number)
            elif match := _KEY.match(stripped):
                key = match.group(1).strip('"')
                self.keys.setdefault((current[0], current[1], key), number)
                if current[0] == "":
                    self.tables.setdefault((key, 0), number)
            if quotes % 2 == 1:
                in_multiline = True

    def line(self, table: str, index: int = 0, key: str | None = None) -> int | None:
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.tables.get((table, index))


def _place(table: str, index: int) -> str:
    return f"[[{table}]] nr {index + 1}" if table in LISTS else f"[{table}]"


@dataclass
class Problems:
    source: SourceMap
    found: list[str] = field(default_factory=list)

    def add(self, table: str, index: int, key: str | None, message: str) -> None:
        line = self.source.line(table, index, key)
        where = f"rad {line}: " if line else ""
        what = f"{key} " if key else ""
        self.found.append(f"{where}{_place(table, index)}: {what}{message}".rstrip())


# ---------------------------------------------------------------------------------------------
# Reading and checking
# ---------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One table of the file, checked: its values by key, and where it is."""

    table: str
    index: int
    values: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def has(self, key: str) -> bool:
        return key in self.values


@dataclass
class SetupFile:
    organisation: Entry
    scale: Entry | None
    bodies: list[Entry]
    units: list[Entry]
    statuses: list[Entry]
    periods: list[Entry]
    users: list[Entry]
    source: SourceMap


def _choices(options: list[str]) -> str:
    return ", ".join(options[:-1]) + f" eller {options[-1]}" if len(options) > 1 else options[0]


def _typed(value: Any, kind: str) -> tuple[Any, str | None]:
    """The value in the wanted type, or why it is not."""
    if kind == STR:
        if isinstance(value, str):
            cleaned = " ".join(value.split())
            return cleaned, None if cleaned else "får inte vara tom"
        return None, f"ska vara en text inom citattecken, inte {value!r}"
    if kind == BOOL:
        return (value, None) if isinstance(value, bool) else (None, "ska vara true eller false")
    if kind == INT:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value, None
        return None, f"ska vara ett heltal (0 eller mer), inte {value!r}"
    if kind == DATE:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value, None
        return None, f"ska vara ett datum utan citattecken, t.ex. 2025-04-30, inte {value!r}"
    # WORDS: a list of texts, or one comma-separated text. Words are stored comma-separated,
    # so a comma inside a list item separates two words here too (and a re-run matches).
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        words = (" ".join(w.split()) for v in value for w in v.split(","))
        return [w for w in words if w], None
    return None, 'ska vara en lista med texter, t.ex. ["Ja", "Klart"]'


def _check_entry(problems: Problems, table: str, index: int, raw: Any) -> Entry | None:
    if not isinstance(raw, dict):
        problems.add(table, index, None, "ska vara en tabell med nycklar")
        return None
    schema = SCHEMA[table]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in schema:
            problems.add(
                table,
                index,
                key,
                f"är ingen känd nyckel; tillåtna i {_place(table, index).split(' nr')[0]}: "
                f"{', '.join(schema)}",
            )
            continue
        typed, error = _typed(value, schema[key][0])
        if error:
            problems.add(table, index, key, error)
        else:
            values[key] = typed
    for key, (_kind, required) in schema.items():
        if required and key not in raw:
            problems.add(table, index, None, f"{key} saknas (obligatorisk)")
    return Entry(table, index, values)


def _check_choice(problems: Problems, entry: Entry, key: str, options: list[str]) -> None:
    value = entry.get(key)
    if value is not None and value not in options:
        problems.add(
            entry.table, entry.index, key, f"{value!r} är inte tillåtet; välj {_choices(options)}"
        )


def _check_unique(problems: Problems, entries: list[Entry], key: str, what: str) -> None:
    seen: dict[str, int] = {}
    for entry in entries:
        value = entry.get(key)
        if not isinstance(value, str):
            continue
        first = seen.setdefault(value.casefold(), entry.index)
        if first != entry.index:
            line = problems.source.line(entry.table, first, key)
            problems.add(
                entry.table,
                entry.index,
                key,
                f"{value!r} finns redan ({what} i [[{entry.table}]] nr {first + 1}"
                + (f", rad {line}" if line else "")
                + "); varje värde får bara finnas en gång",
            )


def _check_colour(problems: Problems, entry: Entry, key: str) -> None:
    colour = entry.get(key)
    if colour is None:
        return
    if not HEX.match(colour):
        problems.add(
            entry.table, entry.index, key, f"{colour!r} ska skrivas #rrggbb, t.ex. #1e7b34"
        )
        return
    text = contrast_text(colour)
    ratio = contrast_ratio(text, colour)
    if ratio < MIN_TEXT_CONTRAST:
        shown = f"{ratio:.2f}".replace(".", ",")
        problems.add(
            entry.table,
            entry.index,
            key,
            f"{colour!r}: texten ({text}) får kontrasten {shown}:1 mot färgen; WCAG 2.1 AA "
            f"kräver minst 4,5:1. Välj en mörkare eller ljusare färg.",
        )


def read_setup(text: str | bytes) -> SetupFile:
    """Parse and check a setup file; SetupError lists every problem with its line."""
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise SetupError(
                [f"rad {line}: filen är inte UTF-8 (spara den som UTF-8 och försök igen)"]
            ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            reason = message[: match.start()].strip()
            raise SetupError(
                [
                    f"rad {match.group(1)}, kolumn {match.group(2)}: filen är inte giltig TOML "
                    f"({reason}); se docs/setup.md"
                ]
            ) from exc
        raise SetupError([f"filen är inte giltig TOML ({message}); se docs/setup.md"]) from exc

    source = SourceMap(text)
    problems = Problems(source)
    for key in data:
        if key not in SCHEMA:
            at = source.line(key)
            where = f"rad {at}: " if at else ""
            problems.found.append(
                f"{where}[{key}] är ingen känd tabell; tillåtna: [organisation], [scale], "
                "[[body]], [[unit]], [[status]], [[period]], [[user]]"
            )
    for key in SINGLE:
        if key in data and not isinstance(data[key], dict):
            problems.found.append(f"{key} ska vara en tabell: skriv [{key}]")
    for key in LISTS:
        if key in data and not isinstance(data[key], list):
            at = source.line(key)
            where = f"rad {at}: " if at else ""
            problems.found.append(f"{where}[{key}] ska skrivas [[{key}]] (en lista, en per post)")
    if "organisation" not in data:
        problems.found.append("[organisation] saknas: filen måste namnge organisationen")
    if problems.found:
        raise SetupError(problems.found)

    organisation = _check_entry(problems, "organisation", 0, data["organisation"])
    scale = _check_entry(problems, "scale", 0, data["scale"]) if "scale" in data else None

    def entries(table: str) -> list[Entry]:
        checked = [
            _check_entry(problems, table, i, raw) for i, raw in enumerate(data.get(table, []))
        ]
        return [e for e in checked if e is not None]

    bodies, units, statuses = entries("body"), entries("unit"), entries("status")
    periods, users = entries("period"), entries("user")
    assert organisation is not None

    _check_choice(problems, organisation, "kind", ORGANISATION_KINDS)
    _check_choice(problems, organisation, "diary_style", list(DIARY_STYLES))
    kolada_id = organisation.get("kolada_id")
    if kolada_id is not None and not re.fullmatch(r"[0-9]{4}", kolada_id):
        problems.add(
            "organisation", 0, "kolada_id", f'{kolada_id!r} ska vara fyra siffror, t.ex. "0023"'
        )
    reminder_days = organisation.get("reminder_days")
    if reminder_days is not None and not 0 <= reminder_days <= MAX_REMINDER_DAYS:
        problems.add(
            "organisation",
            0,
            "reminder_days",
            f"{reminder_days} dagar: skriv 0 (ingen påminnelse) till {MAX_REMINDER_DAYS}",
        )
    slug = organisation.get("slug")
    if slug is not None and slugify(slug) != slug:
        problems.add(
            "organisation",
            0,
            "slug",
            f"{slug!r}: bara a–z, 0–9 och bindestreck, t.ex. {slugify(slug)!r}",
        )

    for body in bodies:
        _check_choice(problems, body, "kind", BODY_KINDS)
    _check_unique(problems, bodies, "abbreviation", "förkortning")
    _check_unique(problems, bodies, "name", "namn")

    _check_units(problems, units, bodies)

    for status in statuses:
        _check_colour(problems, status, "colour")
    if scale is not None:
        _check_colour(problems, scale, "no_data_colour")
    _check_unique(problems, statuses, "name", "status")
    _check_unique(problems, statuses, "code", "kod")
    _check_status_words(problems, statuses, scale)

    for period in periods:
        kind = period.get("kind")
        if kind is not None and kind.casefold() not in PERIOD_KINDS:
            problems.add(
                "period",
                period.index,
                "kind",
                f"{kind!r} är inte tillåtet; välj month, tertial, delår eller helår",
            )
        start, end = period.get("start"), period.get("end")
        if start and end and end < start:
            problems.add("period", period.index, "end", f"{end} är före start ({start})")
        deadline = period.get("deadline")
        if start and deadline and deadline < start:
            problems.add("period", period.index, "deadline", f"{deadline} är före start ({start})")
    _check_unique(problems, periods, "name", "period")

    for user in users:
        for role in user.get("roles", []):
            name, _, body = role.partition(":")
            if name not in ROLES:
                problems.add(
                    "user", user.index, "roles", f"{role!r}: okänd roll; välj {_choices(ROLES)}"
                )
            elif (name in BODY_ROLES) != bool(body.strip()):
                problems.add(
                    "user",
                    user.index,
                    "roles",
                    f"{role!r}: editor och approver skrivs med nämndens förkortning "
                    '("editor:BUN"), de andra rollerna utan',
                )
    _check_unique(problems, users, "username", "användarnamn")

    if problems.found:
        raise SetupError(problems.found)
    return SetupFile(organisation, scale, bodies, units, statuses, periods, users, source)


def _check_units(problems: Problems, units: list[Entry], bodies: list[Entry]) -> None:
    """Each unit's parent is a unit written above it; (parent, name) is unique."""
    above: dict[str, list[int]] = {}
    seen: dict[tuple[str, str], int] = {}
    for unit in units:
        parent = unit.get("parent")
        if parent is not None:
            matches = above.get(parent.casefold(), [])
            if not matches:
                problems.add(
                    "unit",
                    unit.index,
                    "parent",
                    f"{parent!r} finns inte ovanför; skriv överordnade enheter före sina "
                    "underenheter",
                )
            elif len(matches) > 1:
                problems.add(
                    "unit",
                    unit.index,
                    "parent",
                    f"{parent!r} är namnet på flera enheter ovanför; ge dem olika namn",
                )
        name = unit.get("name")
        if isinstance(name, str):
            key = ((parent or "").casefold(), name.casefold())
            first = seen.setdefault(key, unit.index)
            if first != unit.index:
                problems.add(
                    "unit",
                    unit.index,
                    "name",
                    f"{name!r} finns redan under samma överordnade ([[unit]] nr {first + 1})",
                )
            above.setdefault(name.casefold(), []).append(unit.index)


def _check_status_words(problems: Problems, statuses: list[Entry], scale: Entry | None) -> None:
    """A word (name or synonym) means one status only, or an import could not tell."""
    owner: dict[str, int] = {}
    no_data_words = []
    if scale is not None:
        no_data_words = [scale.get("no_data", ""), *scale.get("no_data_synonyms", [])]
    for word in no_data_words:
        if word:
            owner.setdefault(word.casefold(), -1)
    for status in statuses:
        for key, words in (
            ("name", [status.get("name")]),
            ("synonyms", status.get("synonyms", [])),
        ):
            for word in words:
                if not isinstance(word, str):
                    continue
                first = owner.setdefault(word.casefold(), status.index)
                if first != status.index:
                    other = "[scale] no_data" if first < 0 else f"[[status]] nr {first + 1}"
                    problems.add(
                        "status",
                        status.index,
                        key,
                        f"{word!r} är redan ett ord för {other}; ett ord får betyda en status",
                    )


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass
class SetupResult:
    organisation: Organisation
    changes: list[str]
    dry_run: bool = False

    def summary(self) -> str:
        if not self.changes:
            return f"{self.organisation.name}: Inga ändringar."
        head = "Skulle ändras" if self.dry_run else "Ändrat"
        return "\n".join(
            [f"{self.organisation.name}: {head} ({len(self.changes)}):"]
            + [f"  {line}" for line in self.changes]
        )


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                f"{LABELS.get(k, k)}: {' '.join(v)}" for k, v in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    return str(exc)


def find_organisation(name: str | None, spec: Entry) -> Organisation | None:
    """The organisation the file configures: the one named on the command line (name or
    slug), else the file's slug, else its name."""
    if name:
        org = (
            Organisation.objects.filter(name__iexact=name).first()
            or Organisation.objects.filter(slug=name).first()
        )
        if org is None:
            raise SetupError([f"--organisation: organisationen {name!r} finns inte"])
        return org
    slug = spec.get("slug") or slugify(spec.get("name"))[:60]
    return (
        Organisation.objects.filter(slug=slug).first()
        or Organisation.objects.filter(name__iexact=spec.get("name")).first()
    )


def apply_setup(
    *,
    actor: Actor,
    setup: SetupFile,
    organisation_name: str | None = None,
    dry_run: bool = False,
) -> SetupResult:
    """Make the stored organisation what the file says, in one transaction; with `dry_run`
    everything is done and then rolled back, so the list of changes is exact."""
    writer = _Writer(actor, setup)
    with transaction.atomic():
        org = writer.organisation(find_organisation(organisation_name, setup.organisation))
        writer.bodies(org)
        writer.units(org)
        writer.statuses(org)
        writer.periods(org)
        writer.users(org)
        if writer.problems.found:
            raise SetupError(writer.problems.found)
        if dry_run:
            transaction.set_rollback(True)
    return SetupResult(org, writer.changes, dry_run)


class _Writer:
    def __init__(self, actor: Actor, setup: SetupFile) -> None:
        self.actor = actor
        self.setup = setup
        self.changes: list[str] = []
        self.problems = Problems(setup.source)

    def _each(self, entry: Entry, what: Any) -> Any:
        """Run one entry's writes; a refusal names the entry's line and stops everything."""
        try:
            return what()
        except (ValidationError, PermissionDenied) as exc:
            self.problems.add(entry.table, entry.index, None, _message(exc))
            raise SetupError(self.problems.found) from exc

    def _changed(self, prefix: str, changes: dict[str, list[Any]]) -> None:
        if changes:
            self.changes.append(f"{prefix}: {describe_changes(changes, LABELS)}")

    # -- the organisation ----------------------------------------------------------------------

    def organisation(self, found: Organisation | None) -> Organisation:
        spec = self.setup.organisation
        values = {
            key: spec.get(key)
            for key in ("name", "kind", "slug", "short_name", "kolada_id", "diary_style")
        } | {"four_eyes": spec.get("four_eyes"), "reminder_days": spec.get("reminder_days")}
        local_login = spec.get("local_login")
        if found is None:

            def create() -> Organisation:
                return organisation_create(
                    actor=self.actor,
                    name=values["name"],
                    kind=values["kind"],
                    slug=values["slug"] or "",
                    short_name=values["short_name"] or "",
                    kolada_id=values["kolada_id"] or "",
                    diary_style=values["diary_style"] or "slash",
                    four_eyes=True if values["four_eyes"] is None else values["four_eyes"],
                )

            org: Organisation = self._each(spec, create)
            self.changes.append(f"Organisation {org.name}: ny")
            # What organisation_create has no parameter for is set by the services that own it;
            # a new organisation's change list says only "ny".
            if values["reminder_days"] is not None:
                self._each(
                    spec,
                    lambda: organisation_update(
                        actor=self.actor, organisation=org, reminder_days=values["reminder_days"]
                    ),
                )
            if local_login is not None:
                self._each(
                    spec,
                    lambda: organisation_set_local_login(
                        actor=self.actor, organisation=org, enabled=local_login
                    ),
                )
            return org
        name = found.name
        changes = self._each(
            spec,
            lambda: organisation_update(actor=self.actor, organisation=found, **values),
        )
        if local_login is not None:
            changes |= self._each(
                spec,
                lambda: organisation_set_local_login(
                    actor=self.actor, organisation=found, enabled=local_login
                ),
            )
        self._changed(f"Organisation {name}", changes)
        return found

    # -- bodies --------------------------------------------------------------------------------

    def bodies(self, org: Organisation) -> None:
        stored = {b.abbreviation.casefold(): b for b in Body.objects.filter(organisation=org)}
        for position, spec in enumerate(self.setup.bodies):
            abbreviation = spec.get("abbreviation")
            order = spec.get("order", position)
            body = stored.get(abbreviation.casefold())
            if body is None:

                def create(spec: Entry = spec, order: int = order) -> Body:
                    return body_create(
                        actor=self.actor,
                        organisation=org,
                        name=spec.get("name"),
                        abbreviation=spec.get("abbreviation"),
                        kind=spec.get("kind"),
                        order=order,
                        is_active=spec.get("active", True),
                    )

                body = self._each(spec, create)
                stored[abbreviation.casefold()] = body
                inactive = "" if body.is_active else ", inaktiv"
                self.changes.append(f"Nämnd {body.abbreviation}: ny ({body.name}{inactive})")
            else:
                changes = self._each(
                    spec,
                    lambda body=body, spec=spec, order=order: body_update(
                        actor=self.actor,
                        body=body,
                        name=spec.get("name"),
                        kind=spec.get("kind"),
                        order=order,
                        is_active=spec.get("active"),
                    ),
                )
                self._changed(f"Nämnd {body.abbreviation}", changes)
            if spec.has("aliases"):
                changes = self._each(
                    spec,
                    lambda body=body, spec=spec: body_set_aliases(
                        actor=self.actor, body=body, aliases=spec.get("aliases")
                    ),
                )
                self._changed(f"Nämnd {body.abbreviation}", changes)

    def _body(self, org: Organisation, entry: Entry, key: str, abbreviation: str) -> Body:
        body = Body.objects.filter(organisation=org, abbreviation__iexact=abbreviation).first()
        if body is None:
            known = ", ".join(
                Body.objects.filter(organisation=org).values_list("abbreviation", flat=True)
            )
            self.problems.add(
                entry.table,
                entry.index,
                key,
                f"nämnden {abbreviation!r} finns inte (finns: {known or 'inga'})",
            )
            raise SetupError(self.problems.found)
        return body

    # -- units ---------------------------------------------------------------------------------

    def units(self, org: Organisation) -> None:
        by_name: dict[str, Unit] = {}
        siblings: dict[str, int] = {}
        for spec in self.setup.units:
            body = self._body(org, spec, "body", spec.get("body"))
            parent_name = spec.get("parent")
            parent = by_name[parent_name.casefold()] if parent_name else None
            sibling_key = (parent_name or "").casefold()
            order = spec.get("order", siblings.get(sibling_key, 0))
            siblings[sibling_key] = siblings.get(sibling_key, 0) + 1
            unit = Unit.objects.filter(
                organisation=org, parent=parent, name__iexact=spec.get("name")
            ).first()
            where = f"Enhet {spec.get('name')}" + (f" (under {parent.name})" if parent else "")
            if unit is None:
                unit = self._each(
                    spec,
                    lambda spec=spec, body=body, parent=parent, order=order: unit_create(
                        actor=self.actor,
                        organisation=org,
                        body=body,
                        parent=parent,
                        name=spec.get("name"),
                        description=spec.get("description", ""),
                        order=order,
                        # The structure as it is: a retired body keeps its units.
                        allow_retired=True,
                    ),
                )
                self.changes.append(f"{where}: ny ({body.abbreviation})")
            else:
                changes = self._each(
                    spec,
                    lambda unit=unit, spec=spec, body=body, order=order: unit_update(
                        actor=self.actor,
                        unit=unit,
                        body=body,
                        description=spec.get("description"),
                        order=order,
                    ),
                )
                self._changed(where, changes)
            by_name[unit.name.casefold()] = unit

    # -- the status scale ----------------------------------------------------------------------

    def statuses(self, org: Organisation) -> None:
        scale_spec = self.setup.scale
        if not self.setup.statuses and scale_spec is None:
            return
        scale = default_scale(org)
        stored = list(Status.objects.filter(scale=scale))
        no_data_stored = next((s for s in stored if not s.is_assessed), None)
        if self.setup.statuses:
            colours = _colours(len(self.setup.statuses))
            steps = [
                StatusStep(
                    label=spec.get("name"),
                    colour=spec.get("colour") or colours[i],
                    synonyms=tuple(spec.get("synonyms", [])),
                    code=spec.get("code") or "",
                )
                for i, spec in enumerate(self.setup.statuses)
            ]
            # A status keeps its identity when only the label's spelling differs from what
            # is stored (same word ignoring case), so "AVSLUTAT" renames and does not replace.
            by_label = {s.label.casefold(): s for s in stored if s.is_assessed}
            steps = [
                step
                if step.code or step.label.casefold() not in by_label
                else StatusStep(
                    step.label, step.colour, step.synonyms, by_label[step.label.casefold()].code
                )
                for step in steps
            ]
        else:
            steps = [
                StatusStep(s.label, s.colour, tuple(s.words()[1:]), s.code)
                for s in stored
                if s.is_assessed
            ]
        spec = scale_spec or Entry("scale", 0, {})
        code, label, _rank, colour, synonyms = NOT_ASSESSED
        if no_data_stored is not None:
            code, label, colour = no_data_stored.code, no_data_stored.label, no_data_stored.colour
            synonyms = no_data_stored.synonyms
        no_data = StatusStep(
            label=spec.get("no_data", label),
            colour=spec.get("no_data_colour", colour),
            synonyms=tuple(spec.get("no_data_synonyms", synonyms.split(","))),
            code=code,
        )
        entry = self.setup.statuses[0] if self.setup.statuses else spec
        lines = self._each(
            entry,
            lambda: status_scale_set(
                actor=self.actor,
                scale=scale,
                steps=steps,
                no_data=no_data,
                # Unnamed, the scale is called by its words ("Röd/Gul/Grön"), as the default is.
                name=spec.get("name", "/".join(step.label for step in steps)[:100]),
            ),
        )
        self.changes.extend(lines)

    # -- periods -------------------------------------------------------------------------------

    def periods(self, org: Organisation) -> None:
        for spec in self.setup.periods:
            kind = PERIOD_KINDS[spec.get("kind").casefold()]
            start, end = spec.get("start"), spec.get("end")
            year = spec.get("year", end.year)
            period = FollowUpPeriod.objects.filter(organisation=org, name=spec.get("name")).first()
            where = f"Period {spec.get('name')}"
            if period is None:
                period = self._each(
                    spec,
                    lambda spec=spec, kind=kind, year=year: period_create(
                        actor=self.actor,
                        organisation=org,
                        year=year,
                        kind=kind,
                        name=spec.get("name"),
                        starts_on=spec.get("start"),
                        ends_on=spec.get("end"),
                        deadline=spec.get("deadline"),
                    ),
                )
                self.changes.append(f"{where}: ny ({start} – {end})")
                if spec.get("closed"):
                    self._each(spec, lambda p=period: period_close(actor=self.actor, period=p))
                    self.changes.append(f"{where}: stängd")
                continue
            closed = spec.get("closed")
            if period.is_closed and closed is False:
                self._each(
                    spec,
                    lambda p=period: period_reopen(
                        actor=self.actor,
                        period=p,
                        reason="Öppnad igen av styrkort setup (closed = false i filen).",
                    ),
                )
                period.refresh_from_db()
                self.changes.append(f"{where}: öppnad igen")
            changes = self._each(
                spec,
                lambda p=period, spec=spec, kind=kind, year=year: period_update(
                    actor=self.actor,
                    period=p,
                    year=year,
                    kind=kind,
                    starts_on=spec.get("start"),
                    ends_on=spec.get("end"),
                    deadline=spec.get("deadline"),
                ),
            )
            self._changed(where, changes)
            period.refresh_from_db()
            if closed and not period.is_closed:
                self._each(spec, lambda p=period: period_close(actor=self.actor, period=p))
                self.changes.append(f"{where}: stängd")

    # -- users ---------------------------------------------------------------------------------

    def users(self, org: Organisation) -> None:
        User = get_user_model()
        for spec in self.setup.users:
            username = spec.get("username")
            first, _, last = (spec.get("name") or "").partition(" ")
            user = User.objects.filter(username=username).first()
            if user is None:
                user = self._each(
                    spec,
                    lambda spec=spec, first=first, last=last: user_create(
                        username=spec.get("username"),
                        password=None,
                        first_name=first,
                        last_name=last,
                        email=spec.get("email", ""),
                    ),
                )
                self.changes.append(f"Användare {username}: ny (lösenord sätts separat)")
            else:
                memberships = Membership.objects.filter(user=user)
                if memberships.exists() and not memberships.filter(organisation=org).exists():
                    self.problems.add(
                        "user",
                        spec.index,
                        "username",
                        f"{username!r} är redan en användare i en annan organisation; "
                        "välj ett annat användarnamn",
                    )
                    raise SetupError(self.problems.found)
                changes = self._each(
                    spec,
                    lambda user=user, spec=spec, first=first, last=last: user_update(
                        actor=self.actor,
                        organisation=org,
                        user=user,
                        first_name=first if spec.has("name") else None,
                        last_name=last if spec.has("name") else None,
                        email=spec.get("email"),
                    ),
                )
                self._changed(f"Användare {username}", changes)
            for role in spec.get("roles", []):
                name, _, abbreviation = role.partition(":")
                body = (
                    self._body(org, spec, "roles", abbreviation.strip()) if abbreviation else None
                )
                if Membership.objects.filter(
                    user=user, organisation=org, role=name, body=body
                ).exists():
                    continue
                self._each(
                    spec,
                    lambda user=user, name=name, body=body: membership_grant(
                        actor=self.actor, organisation=org, user=user, role=name, body=body
                    ),
                )
                label = str(Membership.Role(name).label)
                suffix = f" ({body.abbreviation})" if body else ""
                self.changes.append(f"Användare {username}: roll {label}{suffix} tillagd")


def _colours(count: int) -> list[str]:
    if count in PALETTES:
        return PALETTES[count]
    extra = (EXTRA_COLOURS * (count // len(EXTRA_COLOURS) + 1))[: count - 5]
    return [*PALETTES[5], *extra]
