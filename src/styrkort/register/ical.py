"""The calendar as iCalendar (RFC 5545): all-day entries, one VEVENT each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event

from styrkort.register.selectors import CalendarEntry


def calendar_feed(name: str, entries: Sequence[CalendarEntry], *, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//styrkort//kalender//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{host.split(':')[0]}")
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        event.add("dtstart", entry.starts_on)
        # All-day events end on the day after the last day (RFC 5545, DTEND is exclusive).
        event.add("dtend", entry.ends_on + dt.timedelta(days=1))
        event.add("categories", [entry.kind])
        if entry.description:
            event.add("description", entry.description)
        cal.add_component(event)
    return cal.to_ical()
