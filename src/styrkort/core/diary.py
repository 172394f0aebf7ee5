"""Diary numbers (diarienummer): a body's series, a serial and a year, e.g. `RS/673/2024`.

How the three parts are written is each organisation's choice, so parsing and formatting live
here, once, for every style in use: Region Jämtland Härjedalen writes `RS/673/2024`, many
municipalities `RS 2023/237` (a document within the case: `RS 2022/713-1`), others
`KSN-2013-0674`, `RS2022/1000`, `KS/2018:4` or `RS 2017-04708`. Everything else (forms,
imports, the register, the template filter that links numbers in free text) goes through
`DiaryNumber.parse`, `find_diary_numbers` and `diary_number_re`, so a new style is added in
one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, total_ordering


class DiaryStyle(StrEnum):
    """How an organisation writes its diary numbers.

    The values are stable strings so an organisation's choice can be stored in a plain field;
    core stays free of Django models.
    """

    SLASH = "slash"  # RS/673/2024
    SPACE_YEAR = "space-year"  # RS 2023/237, RS 2022/713-1
    DASH = "dash"  # KSN-2013-0674
    COMPACT = "compact"  # RS2022/1000, LJ2013/154
    COLON = "colon"  # KS/2018:4
    SPACE_DASH = "space-dash"  # RS 2017-04708

    @property
    def label(self) -> str:
        """An example number, which is what a person choosing a style recognises on screen."""
        return _LABELS[self]

    @property
    def shape(self) -> str:
        """The parts in order, in Swedish, for messages that say what was expected."""
        return _SHAPES[self]


_LABELS = {
    DiaryStyle.SLASH: "RS/673/2024",
    DiaryStyle.SPACE_YEAR: "RS 2023/237",
    DiaryStyle.DASH: "KSN-2013-0674",
    DiaryStyle.COMPACT: "RS2022/1000",
    DiaryStyle.COLON: "KS/2018:4",
    DiaryStyle.SPACE_DASH: "RS 2017-04708",
}
_SHAPES = {
    DiaryStyle.SLASH: "SERIE/LÖPNUMMER/ÅR",
    DiaryStyle.SPACE_YEAR: "SERIE ÅR/LÖPNUMMER",
    DiaryStyle.DASH: "SERIE-ÅR-LÖPNUMMER",
    DiaryStyle.COMPACT: "SERIEÅR/LÖPNUMMER",
    DiaryStyle.COLON: "SERIE/ÅR:LÖPNUMMER",
    DiaryStyle.SPACE_DASH: "SERIE ÅR-LÖPNUMMER",
}

# The parts, shared by every style. Uppercase only: a lowercase "rs" is far more often an
# ordinary word than a series. Years 1900–2099 keep dates and fractions out.
_SERIES = r"[A-ZÅÄÖ]{1,10}"
# In free text a lone capital is a word ("I 2022/23 års budget"), never a series.
_FOUND_SERIES = r"[A-ZÅÄÖ]{2,10}"
_YEAR = r"(?:19|20)\d{2}"
_SERIAL = r"[1-9]\d{0,5}"  # no leading zeros: "RS/0673/2024" is a typo, not case 673
# DASH pads to four digits, so exactly that form: 0674, 12345, never 674, 00674 or 0000.
_PADDED_SERIAL = r"(?:[1-9]\d{4,5}|(?!0000)\d{4})"
# SPACE_DASH pads to five: 04708, 123456; a four-digit year after a dash is a range
# ("EU 2021-2027"), never a serial.
_PADDED5_SERIAL = r"(?:[1-9]\d{5}|(?!00000)\d{5})"
_DOCUMENT = r"[1-9]\d{0,3}"  # the -1 of RS 2022/713-1: 1–9999, no leading zeros
# Between series and year, and after "Dnr": a space, also the no-break ones editors insert.
_BLANK = "[ \u00a0\u202f]"
# "Dnr RS 2022/1275", "dnr: RS/673/2024": the prefix says what follows but is not the number.
_DNR = rf"(?i:dnr|diarienr|diarienummer)\.?:?{_BLANK}+"
# Not inside a longer token: no letter, digit, slash or hyphen just before; just after, no
# letter, digit or slash, and no hyphen, point or comma followed by a digit (amounts like
# "RS 2023/1,5", serials that go on, "-12345"). "RS 2023/237-ärendet" is still found.
_BEFORE = r"(?<![\w/-])"
_AFTER = r"(?![\w/]|[-.,]\d)"


def _prefix(style: DiaryStyle) -> str:
    return f"{style.name.lower()}_"


def _style_pattern(style: DiaryStyle, series_pattern: str = _SERIES) -> str:
    """One style's number, with groups named after the style ("slash_series") so styles can be
    combined into one pattern. The SLASH groups come in the order series, serial, year, so
    DIARY_NUMBER_RE still has them as groups 1, 2, 3, as it always did."""
    prefix = _prefix(style)
    series = rf"(?P<{prefix}series>{series_pattern})"
    year = rf"(?P<{prefix}year>{_YEAR})"
    document = rf"(?:-(?P<{prefix}document>{_DOCUMENT}))?"
    match style:
        case DiaryStyle.SLASH:
            return rf"{series}/(?P<{prefix}serial>{_SERIAL})/{year}{document}"
        case DiaryStyle.SPACE_YEAR:
            return rf"{series}{_BLANK}{year}/(?P<{prefix}serial>{_SERIAL}){document}"
        case DiaryStyle.DASH:
            return rf"{series}-{year}-(?P<{prefix}serial>{_PADDED_SERIAL}){document}"
        case DiaryStyle.COMPACT:
            return rf"{series}{year}/(?P<{prefix}serial>{_SERIAL}){document}"
        case DiaryStyle.COLON:
            return rf"{series}/{year}:(?P<{prefix}serial>{_SERIAL}){document}"
        case DiaryStyle.SPACE_DASH:
            return rf"{series}{_BLANK}{year}-(?P<{prefix}serial>{_PADDED5_SERIAL}){document}"
    raise AssertionError(style)  # pragma: no cover - every style is handled above


_PARSERS = {style: re.compile(rf"(?:{_DNR})?{_style_pattern(style)}") for style in DiaryStyle}


def _styles(styles: Iterable[DiaryStyle | str]) -> tuple[DiaryStyle, ...]:
    """The styles asked for, once each and in declaration order, so equal requests share one
    compiled pattern. Stored values ("space-year") are accepted as well as members."""
    wanted = {DiaryStyle(style) for style in styles}
    if not wanted:
        raise ValueError("Ange minst en stil för diarienummer.")
    return tuple(style for style in DiaryStyle if style in wanted)


@cache
def _compiled(styles: tuple[DiaryStyle, ...]) -> re.Pattern[str]:
    body = "|".join(_style_pattern(style, _FOUND_SERIES) for style in styles)
    return re.compile(rf"{_BEFORE}(?:{body}){_AFTER}")


def diary_number_re(styles: Iterable[DiaryStyle | str]) -> re.Pattern[str]:
    """A pattern that finds numbers of the given styles in free text.

    group(0) is exactly the number, never a "Dnr" before it, so a filter that replaces each
    match with a link wraps only the number. Dates (1/1/2025), fractions (och/eller 3/4),
    amounts and pieces of longer tokens do not match.
    """
    return _compiled(_styles(styles))


# Kept for the template filter and other callers written before styles existed.
DIARY_NUMBER_RE = diary_number_re([DiaryStyle.SLASH])


@total_ordering
@dataclass(frozen=True)
class DiaryNumber:
    """A diary number, optionally of one document in the case (RS 2022/713-1).

    `style` only says how the number is written: the same case written two ways is the same
    case, so style takes no part in equality, ordering or hashing. Series, serial and year are
    not checked here because stored cases are shown through this class; `parse` is the gate.
    """

    series: str
    serial: int
    year: int
    document: int | None = None
    style: DiaryStyle = field(default=DiaryStyle.SLASH, compare=False)

    def __post_init__(self) -> None:
        if self.document is not None and not 1 <= self.document <= 9999:
            raise ValueError(f"Handlingens nummer ska vara 1–9999, inte {self.document}.")
        # A stored style value ("dash") is as good as the member; frozen, so set it directly.
        object.__setattr__(self, "style", DiaryStyle(self.style))

    def _sort_key(self) -> tuple[str, int, int, int]:
        # The order dataclass(order=True) gave before documents existed; a case before its
        # documents (None cannot be compared with a number, hence 0).
        return (self.series, self.serial, self.year, self.document or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, DiaryNumber):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __str__(self) -> str:
        return self.format(self.style)

    def format(self, style: DiaryStyle | str) -> str:
        """The number written in `style`, e.g. to show another organisation's number our way."""
        style = DiaryStyle(style)
        document = "" if self.document is None else f"-{self.document}"
        match style:
            case DiaryStyle.SLASH:
                return f"{self.series}/{self.serial}/{self.year}{document}"
            case DiaryStyle.SPACE_YEAR:
                return f"{self.series} {self.year}/{self.serial}{document}"
            case DiaryStyle.DASH:
                return f"{self.series}-{self.year}-{self.serial:04d}{document}"
            case DiaryStyle.COMPACT:
                return f"{self.series}{self.year}/{self.serial}{document}"
            case DiaryStyle.COLON:
                return f"{self.series}/{self.year}:{self.serial}{document}"
            case DiaryStyle.SPACE_DASH:
                return f"{self.series} {self.year}-{self.serial:05d}{document}"
        raise AssertionError(style)  # pragma: no cover - every style is handled above

    @property
    def case_number(self) -> DiaryNumber:
        """The case the number belongs to: RS 2022/713 for RS 2022/713-1 (itself if no document).

        Registers look cases up by this, since documents are numbered within a case."""
        return replace(self, document=None)

    @classmethod
    def parse(cls, text: str, style: DiaryStyle | str | None = None) -> DiaryNumber:
        """Read a diary number typed or imported by a person.

        Without `style`, any style is accepted (a form does not know how the number was
        written); with one, only that style, for an organisation that wants its own form kept.
        Surrounding blanks (also no-break spaces) and a "Dnr" prefix are ignored; anything else
        is refused with a Swedish message naming the input and the expected shapes.
        """
        stripped = text.strip()  # str.strip also removes U+00A0 and U+202F
        styles = tuple(DiaryStyle) if style is None else (DiaryStyle(style),)
        for candidate in styles:
            match = _PARSERS[candidate].fullmatch(stripped)
            if match:
                return cls._from_groups(match, candidate)
        if style is None:
            *first, last = (f"{s.shape} (t.ex. {s.label})" for s in DiaryStyle)
            raise ValueError(
                f"{text!r} är inget diarienummer; förväntade {', '.join(first)} eller {last}, "
                "med serien i versaler och året med fyra siffror."
            )
        expected = DiaryStyle(style)
        message = (
            f"{text!r} är inget diarienummer av formen {expected.shape} (t.ex. {expected.label})"
        )
        others = [s for s in DiaryStyle if s != expected and _PARSERS[s].fullmatch(stripped)]
        if others:
            message += f"; det är skrivet som {others[0].shape}"
        raise ValueError(message + ".")

    @classmethod
    def _from_groups(cls, match: re.Match[str], style: DiaryStyle) -> DiaryNumber:
        prefix = _prefix(style)
        document = match.group(f"{prefix}document")
        return cls(
            match.group(f"{prefix}series"),
            int(match.group(f"{prefix}serial")),  # int("0674") == 674
            int(match.group(f"{prefix}year")),
            int(document) if document else None,
            style,
        )


def _from_match(match: re.Match[str]) -> DiaryNumber:
    """The number a `diary_number_re` match found, in the style it was written in."""
    for style in DiaryStyle:
        series = f"{_prefix(style)}series"
        if series in match.re.groupindex and match.group(series):
            return DiaryNumber._from_groups(match, style)
    raise AssertionError(match)  # pragma: no cover - some alternative matched


def find_diary_numbers(
    text: str, styles: Iterable[DiaryStyle | str] | None = None
) -> list[DiaryNumber]:
    """Every diary number in a text, in order of appearance.

    Without `styles` only RS/673/2024-style numbers are found, as always; an organisation that
    writes its numbers otherwise passes its style(s).
    """
    pattern = DIARY_NUMBER_RE if styles is None else diary_number_re(styles)
    return [_from_match(match) for match in pattern.finditer(text)]
