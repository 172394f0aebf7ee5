"""Renderers: each takes a report dataclass and returns the document's bytes.

A new format registers here and every entry point (the command, the web) offers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from styrkort.reports.renderers.text import render_followup_text


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extension: str
    content_type: str
    render: Callable[[Any], bytes]


FOLLOWUP_FORMATS: dict[str, Format] = {
    "text": Format(
        name="text",
        label="Text",
        extension="txt",
        content_type="text/plain; charset=utf-8",
        render=lambda report: render_followup_text(report).encode("utf-8"),
    ),
}
