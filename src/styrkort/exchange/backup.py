"""Backups: a dated `export_all` file in a folder, verified before it counts, the last N kept.

`backup_write` exports the whole database in one consistent read, writes it to a hidden
partial file, forces it to disk, reads it back and checks it (the same bytes, valid JSON in
the export format, the same record count per table as was exported), then renames it into
place with a `.sha256` file beside it. Only then are the oldest backups beyond `keep`
removed: a failed backup never costs an earlier one.

Restore: `styrkort migrate` on an empty database, then `styrkort import_all FILE`; check the
file first with `sha256sum -c FILE.sha256`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from styrkort.exchange.full import FORMAT, FORMAT_VERSION, export_all

PATTERN = re.compile(r"^styrkort-\d{8}-\d{6}\.json$")


class BackupError(Exception):
    """The backup could not be written or did not verify; nothing was removed."""


@dataclass
class BackupResult:
    path: Path
    records: int
    size: int
    sha256: str
    removed: list[Path] = field(default_factory=list)


def _verify(data: bytes, counts: dict[str, int]) -> None:
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"filen som skrevs är inte giltig JSON ({exc})") from exc
    if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
        raise BackupError("filen som skrevs har fel format eller formatversion")
    read = {t["model"]: len(t["records"]) for t in document.get("tables", [])}
    for label, count in counts.items():
        if read.get(label, 0) != count:
            raise BackupError(
                f"tabellen {label} har {read.get(label, 0)} poster i filen men {count} i databasen"
            )


def backup_write(*, folder: Path, keep: int, now: dt.datetime | None = None) -> BackupResult:
    """Write, verify and rotate one backup (see the module's docstring)."""
    if keep < 1:
        raise BackupError("--keep måste vara minst 1")
    folder.mkdir(parents=True, exist_ok=True)
    moment = timezone.localtime(now or timezone.now())
    name = f"styrkort-{moment:%Y%m%d-%H%M%S}.json"
    final = folder / name
    if final.exists():
        raise BackupError(f"{final} finns redan; vänta en sekund och försök igen")
    buffer = io.StringIO()
    result = export_all(out=buffer)
    data = buffer.getvalue().encode("utf-8")
    partial = folder / f".{name}.partial"
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        written = partial.read_bytes()
        if written != data:
            raise BackupError("filen som lästes tillbaka skiljer sig från den som skrevs")
        _verify(written, result.counts)
        digest = hashlib.sha256(written).hexdigest()
        os.replace(partial, final)
        (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"kan inte skriva i {folder} ({exc.strerror})") from exc
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    backups = sorted(p for p in folder.iterdir() if PATTERN.match(p.name))
    removed = []
    for old in backups[:-keep]:
        old.unlink()
        (folder / f"{old.name}.sha256").unlink(missing_ok=True)
        removed.append(old)
    return BackupResult(
        path=final, records=result.records, size=len(data), sha256=digest, removed=removed
    )
