"""SQLite's built-in LIKE folds case for ASCII only, so "ÅTGÄRD" would not find "åtgärd".
styrkort replaces like() on every SQLite connection with one that folds case the Unicode way,
as PostgreSQL's UPPER()-based icontains does."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern: str | None, value: Any, escape: str | None = None) -> int | None:
    """SQL `value LIKE pattern [ESCAPE escape]` with Unicode case folding."""
    if pattern is None or value is None:
        return None
    return 1 if _pattern(pattern, escape).fullmatch(str(value)) else 0


def install_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, like, deterministic=True)
    raw.create_function("like", 3, like, deterministic=True)
