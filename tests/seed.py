"""Seed 004 as the tests read it: items, statuses and comments, normalised as the importer does."""

from dataclasses import dataclass
from importlib import resources

SEED_BYTES = (resources.files("styrkort.demo") / "data" / "uppfoljning_2024.txt").read_bytes()


def normalise(text: str) -> str:
    return "\n".join(line.replace("\u00a0", " ").rstrip() for line in text.split("\n")).strip()


@dataclass
class SeedItem:
    heading: str
    status: str
    comments: list[tuple[str, str]]


def seed_items() -> list[SeedItem]:
    """Seed 004 split by hand-checked rules: an item is a line followed by a status line."""
    lines = normalise(SEED_BYTES.decode("utf-8")).split("\n")[1:]
    bodies = {
        "Regionstyrelsen",
        "Hälso- och sjukvårdsnämnden",
        "Regionala utvecklingsnämnden",
        "Kollektivtrafiknämnden",
    }
    items: list[SeedItem] = []
    i = 0
    body = None
    while i < len(lines):
        line = lines[i]
        if line and i + 1 < len(lines) and lines[i + 1] in {"Röd", "Gul", "Grön"}:
            items.append(SeedItem(line, lines[i + 1], []))
            body = None
            i += 2
            continue
        if line in bodies:
            body = line
            items[-1].comments.append((body, ""))
        elif line:
            name, text = items[-1].comments[-1]
            items[-1].comments[-1] = (name, f"{text}\n\n{line}" if text else line)
        i += 1
    return items
