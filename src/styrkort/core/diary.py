"""Diary numbers (diarienummer): `RS/673/2024` names a body's series, a serial and a year."""

import re
from dataclasses import dataclass

# Region Jämtland Härjedalen's pattern: SERIES/SERIAL/YEAR.
DIARY_NUMBER_RE = re.compile(r"(?<![\w/])([A-ZÅÄÖ]{1,10})/(\d{1,6})/((?:19|20)\d{2})(?![\w/])")


@dataclass(frozen=True, order=True)
class DiaryNumber:
    series: str
    serial: int
    year: int

    def __str__(self) -> str:
        return f"{self.series}/{self.serial}/{self.year}"

    @classmethod
    def parse(cls, text: str) -> "DiaryNumber":
        match = DIARY_NUMBER_RE.fullmatch(text.strip())
        if not match:
            raise ValueError(
                f"{text!r} är inget diarienummer; förväntade SERIE/LÖPNUMMER/ÅR, t.ex. RS/673/2024"
            )
        return cls(match.group(1), int(match.group(2)), int(match.group(3)))


def find_diary_numbers(text: str) -> list[DiaryNumber]:
    """Every diary number in a text, in order of appearance."""
    return [
        DiaryNumber(m.group(1), int(m.group(2)), int(m.group(3)))
        for m in DIARY_NUMBER_RE.finditer(text)
    ]
