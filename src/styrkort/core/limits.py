"""Limits that keep one upload from tying up the server: rows, unpacked size, reported errors.

An XLSX file is a zip archive: 1 MB on disk may unpack to hundreds of megabytes of XML, which
openpyxl would then parse. `xlsx_unpacked_problem` reads only the archive's directory (the
sizes its entries declare) before openpyxl opens anything, and the importers keep the first
MAX_PROBLEMS errors of a file and count the rest (`cap_problems`: "och 1 234 fler fel"), so
a page of errors stays a page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import TypeVar

MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_PROBLEMS = 100

T = TypeVar("T")


def swedish_count(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def xlsx_unpacked_problem(data: bytes) -> str | None:
    """A Swedish sentence when the XLSX would unpack to more than MAX_UNPACKED_BYTES (or holds
    more than MAX_ZIP_ENTRIES parts); None otherwise, also for a file that is no zip at all
    (openpyxl then says what is wrong with it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(entries) > MAX_ZIP_ENTRIES:
        return (
            f"filen består av {swedish_count(len(entries))} delar; en Excel-fil har några få. "
            "Är det rätt fil?"
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        return (
            f"filen packas upp till {unpacked // (1024 * 1024)} MB, mer än de "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB som läses; dela upp den i flera filer."
        )
    return None


def too_many_rows(limit: int = MAX_ROWS) -> str:
    return (
        f"filen har fler än {swedish_count(limit)} rader; dela upp den i flera filer "
        "(inget har lästs in)."
    )


def bounded_rows(rows: Iterable[T], limit: int = MAX_ROWS) -> Iterator[T]:
    """The rows, but raise TooManyRows at row limit + 1 (the header counts as a row)."""
    for n, row in enumerate(rows, start=1):
        if n > limit:
            raise TooManyRows(too_many_rows(limit))
        yield row


class TooManyRows(ValueError):
    """A file with more rows than the importers read."""


def cap_problems(problems: list[T], limit: int = MAX_PROBLEMS) -> int:
    """Keep the first `limit` problems in the list; return how many were dropped."""
    more = max(0, len(problems) - limit)
    del problems[limit:]
    return more


def more_problems_text(more: int) -> str:
    return f"… och {swedish_count(more)} fler fel" if more else ""
