"""The organisation's words, as an importer reads them: bodies by name, abbreviation or alias,
statuses by label or synonym (ignoring case), and the symbols a document's legend adds."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from styrkort.core.models import Status
from styrkort.core.text import match_key
from styrkort.imports.errors import FollowUpImportError
from styrkort.organisation.models import Body, Organisation

_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200b\u200c\u00ad"), None)
# Alt texts of status icons that survived copying: "Illustration av en grön cirkel."
_ALT_TEXT = re.compile(
    r"^(?:illustration|ikon|bild|symbol|figur)(?:en)?\s*(?:av|för|som visar|på|:)?\s*"
    r"(?:(?:en|ett)\s+)?(?P<what>.+?)$",
    re.IGNORECASE,
)
_BODY_WORDS = re.compile(
    r"(nämnden|nämnd|styrelsen|styrelse|fullmäktige|utskottet|beredningen|direktionen|"
    r"förbundet|förvaltningen|bolaget)$",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?:;,)")
_NEGATIONS = {"inte", "ej", "icke", "aldrig", "ännu", "ingen", "inga"}


key = match_key  # how two spellings are compared (core/text.py)


def symbol_key(text: str) -> str:
    """A symbol, or what is left of an icon: "Illustration av en grön cirkel." -> "grön cirkel"."""
    plain = key(text)
    alt = _ALT_TEXT.match(plain)
    if alt and len(plain.split()) <= 8:
        return key(alt.group("what"))
    return plain


def is_symbol(text: str) -> bool:
    """Emoji and pictographs ("😊", "●", "▲"), a few of them at most."""
    stripped = text.translate(_INVISIBLE).strip()
    if not stripped or len(stripped) > 4:
        return False
    return (
        all(unicodedata.category(c) in ("So", "Sk", "Sm") or c == "\u200d" for c in stripped)
        and not stripped.isascii()
    )


def is_alt_text(text: str) -> bool:
    plain = key(text)
    return (
        bool(_ALT_TEXT.match(plain))
        and plain.split()[0]
        in {
            "illustration",
            "ikon",
            "ikonen",
            "symbol",
            "symbolen",
            "bild",
            "figur",
        }
        and len(plain.split()) <= 8
    )


# "smiley saknas", "Ikon saknas": the alt text a page shows for an assessment icon it lost.
_LOST_ICON = re.compile(
    r"^(?:smiley|smileyn|ikon|ikonen|symbol|symbolen|bild|bilden|figur|bedömning)\s+saknas\.?$",
    re.IGNORECASE,
)


def is_lost_icon(text: str) -> bool:
    """An assessment icon that is missing: no status, and never an item or a comment."""
    return bool(_LOST_ICON.match(text.strip()))


_NUMBERED_GOAL = re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<text>[^\W\d_].{1,120})$")


def numbered_goal(text: str) -> re.Match[str] | None:
    """ "1. Begränsad klimatpåverkan": a short numbered title, not a numbered sentence."""
    match = _NUMBERED_GOAL.match(text.strip())
    if match is None or text.strip().endswith(_TERMINAL) or len(text.split()) > 13:
        return None
    return match


def heading_like(line: str) -> bool:
    """A line that looks like a body's name: "Kulturnämnden", "Tekniska nämnden".

    Not "Arbetet leds av nämnden": a bare "nämnden" makes a heading only after one adjective.
    """
    words = line.split()
    if not (0 < len(words) <= 6 and not line.endswith(_TERMINAL) and line[:1].isupper()):
        return False
    match = _BODY_WORDS.search(words[-1])
    if not match:
        return False
    compound = len(words[-1]) > len(match.group(0))
    return compound or len(words) == 2


def ordered(statuses: Sequence[Status]) -> list[Status]:
    """Worst first, "not assessed" last, whatever order the database returned."""
    return sorted(statuses, key=lambda s: (s.rank is None, s.rank or 0, s.label))


class Vocabulary:
    """What an import may call a body or a status, and the bodies it is allowed to make."""

    def __init__(
        self,
        *,
        bodies: Sequence[Body],
        statuses: Sequence[Status],
        organisation: Organisation | None = None,
        create_bodies: bool = False,
        where: str = "Rad",
    ) -> None:
        self.bodies = list(bodies)
        self.statuses = ordered(statuses)
        self.organisation = organisation
        self.create_bodies = create_bodies
        self.where = where
        self.symbols: dict[str, Status] = {}
        self.new_bodies: dict[str, Body] = {}
        self._bodies: dict[str, Body] = {}
        for body in self.bodies:
            for name in body.names():
                self._bodies.setdefault(key(name), body)
        self._statuses: dict[str, Status] = {}
        for status in self.statuses:
            for word in status.words():
                self._statuses.setdefault(key(word), status)
                self._statuses.setdefault(symbol_key(word), status)

    # -- statuses ---------------------------------------------------------------------------

    @property
    def status_words(self) -> str:
        return ", ".join(s.label for s in self.statuses)

    def status(self, text: str) -> Status | None:
        """The status a word or symbol stands for: label, synonym, or a legend's symbol."""
        if not text.strip():
            return None
        found = self._statuses.get(key(text))
        if found is None:
            found = self._statuses.get(symbol_key(text)) or self.symbols.get(symbol_key(text))
        return found

    def known_words(self) -> list[str]:
        return [w for s in self.statuses for w in s.words()] + list(self.symbols)

    def status_from_description(self, description: str) -> Status | None:
        """The status a legend's words describe: "Delmålet bedöms inte bli uppfyllt" -> the
        status called "Ej uppfyllt" (or with that synonym). None when no status word is there,
        or two statuses fit equally well."""
        exact = self.status(description)
        if exact is not None:
            return exact
        words = key(description).split()
        best: list[tuple[int, Status, int]] = []  # (length, status, start)
        for word, status in self._statuses.items():
            parts = word.split()
            if not parts or len(word) < 3:
                continue
            for start in range(len(words) - len(parts) + 1):
                if words[start : start + len(parts)] == parts:
                    best.append((len(word), status, start))
        if not best:
            return None
        longest = max(length for length, _, _ in best)
        top = {
            (status.pk, start): (status, start)
            for length, status, start in best
            if length == longest
        }
        statuses = {s.pk: s for s, _ in top.values()}
        if len(statuses) != 1:
            return None
        status, start = next(iter(top.values()))
        before = words[max(0, start - 3) : start]
        matched = " ".join(words[start : start + len(key(status.label).split())])
        if _NEGATIONS & set(before) and not _NEGATIONS & set(matched.split()):
            for negation in ("ej", "inte", "icke"):
                for word in (key(w) for w in status.words()):
                    negated = self._statuses.get(f"{negation} {word}")
                    if negated is not None:
                        return negated
            return None
        return status

    # -- bodies -----------------------------------------------------------------------------

    @property
    def body_names(self) -> str:
        return ", ".join(b.name for b in self.bodies)

    def body(self, text: str) -> Body | None:
        k = key(text)
        return self._bodies.get(k) or self.new_bodies.get(k)

    def unknown_body(self, line: int, text: str) -> Body:
        """A heading that names no body: refused, or with --create-bodies made (later)."""
        name = " ".join(text.split()).strip(" .:;()")
        if not self.create_bodies:
            raise FollowUpImportError(
                line,
                f"{name!r} är ingen nämnd i organisationen; förväntade en av: {self.body_names} "
                "(lägg till namnet som alias på nämnden, eller ange --create-bodies)",
                where=self.where,
            )
        body = self.new_bodies.get(key(name))
        if body is None:
            body = Body(
                organisation=self.organisation,
                name=name,
                abbreviation=self._abbreviation(name),
                kind=_kind_of(name),
                order=100 + len(self.new_bodies),
            )
            self.new_bodies[key(name)] = body
        return body

    def _abbreviation(self, name: str) -> str:
        letters = []
        for word in re.split(r"[\s-]+", name):
            if not word or word.casefold() in {"och", "för", "i", "av", "med"}:
                continue
            letters.append(word[0].upper())
            ending = _BODY_WORDS.search(word)
            if ending and len(word) > len(ending.group(0)):
                letters.append(ending.group(0)[0].upper())
        base = "".join(letters)[:15] or "N"
        taken = {key(b.abbreviation) for b in self.bodies} | {
            key(b.abbreviation) for b in self.new_bodies.values()
        }
        candidate, n = base, 1
        while key(candidate) in taken:
            n += 1
            candidate = f"{base}{n}"
        return candidate


def _kind_of(name: str) -> str:
    lowered = name.casefold()
    if lowered.endswith("fullmäktige"):
        return Body.Kind.COUNCIL
    if lowered.endswith("styrelsen") or lowered.endswith("styrelse"):
        return Body.Kind.BOARD
    if "nämnd" in lowered:
        return Body.Kind.COMMITTEE
    return Body.Kind.OTHER
