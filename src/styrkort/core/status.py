"""Status scales: the default Röd/Gul/Grön scale, lookups by word, worst-of suggestions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from styrkort.core.actors import Actor
from styrkort.core.audit import Tenant, create_audited
from styrkort.core.models import Status, StatusScale

# (code, label, rank, colour, synonyms). Rank 0 is the worst. Colours pass WCAG AA against
# white text (red, green) or black text (yellow); screens always print the label too.
TRAFFIC_LIGHT = [
    ("red", "Röd", 0, "#b3261e", "Rött,Ej uppfyllt"),
    ("yellow", "Gul", 1, "#f2c400", "Gult,Delvis uppfyllt"),
    ("green", "Grön", 2, "#1e7b34", "Grönt,Uppfyllt"),
]
FULFILMENT = [
    ("not-met", "Ej uppfyllt", 0, "#b3261e", ""),
    ("partly-met", "Delvis uppfyllt", 1, "#f2c400", ""),
    ("met", "Uppfyllt", 2, "#1e7b34", ""),
]
PROGRESS = [
    ("not-started", "Ej påbörjad", 0, "#b3261e", "Ej påbörjat"),
    ("in-progress", "Pågår", 1, "#f2c400", "Pågående"),
    ("done", "Genomförd", 2, "#1e7b34", "Genomfört,Klar"),
]
NOT_ASSESSED = ("no-data", "Inga data", None, "#6b6b6b", "Ej bedömd")
SCALES = {"Röd/Gul/Grön": TRAFFIC_LIGHT, "Uppfyllelse": FULFILMENT, "Genomförande": PROGRESS}


@transaction.atomic
def status_scale_create(
    *,
    actor: Actor,
    organisation: Tenant,
    name: str,
    steps: Sequence[tuple[str, str, int | None, str, str]],
    is_default: bool = False,
) -> StatusScale:
    """Create a scale with its ordered steps and the "Inga data" (not assessed) step."""
    scale = StatusScale(organisation=organisation, name=name, is_default=is_default)
    create_audited(actor=actor, organisation=organisation, instance=scale)
    for code, label, rank, colour, synonyms in [*steps, NOT_ASSESSED]:
        status = Status(
            scale=scale,
            code=code,
            label=label,
            rank=rank,
            colour=colour,
            is_assessed=rank is not None,
            synonyms=synonyms,
        )
        create_audited(actor=actor, organisation=organisation, instance=status)
    return scale


def default_scale(organisation: Tenant) -> StatusScale:
    return StatusScale.objects.get(organisation=organisation, is_default=True)


def status_by_word(scale_statuses: Iterable[Status], word: str) -> Status | None:
    """The status whose label or synonym is `word`, ignoring case and surrounding blanks."""
    wanted = word.strip().casefold()
    for status in scale_statuses:
        if any(w.casefold() == wanted for w in status.words()):
            return status
    return None


def worst(statuses: Iterable[Status | None]) -> Status | None:
    """The worst assessed status, as the suggestion for an item's overall status."""
    ranked = [s for s in statuses if s is not None and s.rank is not None]
    return min(ranked, key=lambda s: s.rank or 0) if ranked else None


def text_colour(status: Status) -> str:
    """Black or white, whichever reads better on the status colour."""
    return contrast_text(status.colour)


def contrast_text(colour: str) -> str:
    """Black or white, whichever reads better on a #rrggbb background."""
    hex_ = colour.lstrip("#")
    r, g, b = (int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if luminance > 0.179 else "#ffffff"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #rrggbb colour (0 black … 1 white)."""
    hex_ = colour.lstrip("#")
    r, g, b = (int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1's contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


# WCAG 2.1 AA for normal text (1.4.3): the status label printed on the status colour.
MIN_TEXT_CONTRAST = 4.5
