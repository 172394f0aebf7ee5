"""Deadlines as Swedish decisions write them: "senast i april 2025" is 30 April 2025."""

from __future__ import annotations

import calendar
import datetime as dt
import re

MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
_DAY = re.compile(r"^(?:senast\s+)?(?:den\s+)?(\d{1,2})\s+([a-zåäö]+)\s+((?:19|20)\d{2})$")
_MONTH = re.compile(r"^(?:senast\s+)?(?:i\s+|under\s+)?([a-zåäö]+)\s+((?:19|20)\d{2})$")
_YEAR = re.compile(r"^(?:senast\s+)?(?:till\s+|under\s+|i\s+)?((?:19|20)\d{2})$")


def deadline_from_text(text: str) -> dt.date:
    """The last day a Swedish deadline phrase allows; ValueError with a message otherwise.

    "senast i april 2025" → 2025-04-30; "till 2027" → 2027-12-31; "senast 11 mars 2025" →
    2025-03-11; an ISO date is taken as it is.
    """
    phrase = " ".join(text.strip().lower().split())
    try:
        return dt.date.fromisoformat(phrase)
    except ValueError:
        pass
    if match := _DAY.match(phrase):
        day, month, year = match.groups()
        if month in MONTHS:
            return dt.date(int(year), MONTHS[month], int(day))
    if match := _MONTH.match(phrase):
        month, year = match.groups()
        if month in MONTHS:
            number = MONTHS[month]
            return dt.date(int(year), number, calendar.monthrange(int(year), number)[1])
    if match := _YEAR.match(phrase):
        return dt.date(int(match.group(1)), 12, 31)
    raise ValueError(
        f"{text!r} är ingen tidsgräns; skriv t.ex. ”senast i april 2025”, ”till 2027” "
        "eller ett datum (2025-04-30)"
    )
