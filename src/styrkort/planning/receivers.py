"""The receivers marker of published follow-ups: "(RS+Nämnder)", "(RS)", "(HSN+RUN)".

"Nämnder" stands for every committee of the organisation. The marker is read by importers and
written by reports, so both directions live here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from styrkort.organisation.models import Body

ALL_COMMITTEES = "Nämnder"
_ALL_COMMITTEES_WORDS = {"nämnder", "nämnderna", "samtliga nämnder", "alla nämnder"}
MARKER_RE = re.compile(r"\s*\(([^()]+)\)\s*$")


class UnknownReceiver(ValueError):
    pass


def parse_marker(text: str, bodies: Sequence[Body]) -> tuple[str, list[Body] | None]:
    """Split "Text. (RS+Nämnder)" into the text and its receivers.

    Returns (text, None) when the text ends in no parenthesis, or in one that names no body at
    all (an abbreviation such as "(CIS)" belongs to the text). Raises UnknownReceiver when some
    parts name bodies and others do not.
    """
    match = MARKER_RE.search(text)
    if not match:
        return text, None
    tokens = [t.strip() for t in match.group(1).split("+")]
    by_abbr = {b.abbreviation.casefold(): b for b in bodies}
    by_name = {b.name.casefold(): b for b in bodies}
    found: list[Body] = []
    unknown: list[str] = []
    for token in tokens:
        key = token.casefold()
        if key in _ALL_COMMITTEES_WORDS:
            found.extend(b for b in bodies if b.kind == Body.Kind.COMMITTEE)
        elif key in by_abbr or key in by_name:
            found.append(by_abbr.get(key) or by_name[key])
        else:
            unknown.append(token)
    if not found:
        return text, None
    if unknown:
        known = ", ".join([b.abbreviation for b in bodies] + [ALL_COMMITTEES])
        raise UnknownReceiver(
            f"okänd mottagare {', '.join(repr(u) for u in unknown)} i {match.group(0).strip()};"
            f" förväntade förkortningar som {known}"
        )
    unique = list(dict.fromkeys(found))
    return text[: match.start()].rstrip(), unique


def format_marker(receivers: Iterable[Body], all_bodies: Sequence[Body]) -> str:
    """ "RS+Nämnder" when the receivers include every committee, else the abbreviations."""
    chosen = sorted(set(receivers), key=lambda b: (b.order, b.name))
    committees = {b.pk for b in all_bodies if b.kind == Body.Kind.COMMITTEE}
    chosen_ids = {b.pk for b in chosen}
    if len(committees) > 1 and committees <= chosen_ids:
        rest = [b.abbreviation for b in chosen if b.pk not in committees]
        return "+".join([*rest, ALL_COMMITTEES])
    return "+".join(b.abbreviation for b in chosen)
