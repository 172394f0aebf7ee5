"""Full-text search across cases, decisions, plan items and comments.

PostgreSQL: its full-text search with the Swedish configuration (stemming, Swedish stop
words). SQLite: an FTS5 index (unicode61 tokens, every word must occur somewhere in the record's
texts), kept in the database and up to date on every write (register/search_index.py), so a
query reads the index instead of building one. Both answer "ekonomi i balans" with the texts
that hold those words. The index knows every record's words; what a viewer gets is decided,
as everywhere, by the selectors the hits are read through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from styrkort.followup.selectors import assessment_list
from styrkort.organisation.audience import Viewer, audience_of
from styrkort.organisation.models import Organisation
from styrkort.planning.models import PlanItem
from styrkort.planning.selectors import item_list
from styrkort.register.search_index import INDEX, INDEXED, POSTGRES_VECTOR, ensure_search_index
from styrkort.register.selectors import case_list, decision_list

LIMIT = 100


@dataclass
class SearchHits:
    cases: list[Any] = field(default_factory=list)
    decisions: list[Any] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)
    comments: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cases) + len(self.decisions) + len(self.items) + len(self.comments)


def _sources(viewer: Viewer, organisation: Organisation) -> dict[str, tuple[Any, list[str]]]:
    """What the audience may read, through the domain's selectors; for anyone but the
    registrar and the admin, without the secret records, whose words must not be found."""
    aud = audience_of(viewer, organisation)
    sources: dict[str, tuple[Any, list[str]]] = {
        "cases": (case_list(viewer=aud, organisation=organisation), ["title"]),
        "decisions": (
            decision_list(viewer=aud, organisation=organisation),
            ["title", "points__text"],
        ),
        "items": (item_list(viewer=aud, organisation=organisation), ["text"]),
        "comments": (assessment_list(viewer=aud, organisation=organisation), ["comment"]),
    }
    if not aud.sees_secret:
        sources = {name: (qs.without_secret(), fields) for name, (qs, fields) in sources.items()}
    # Plain querysets (no paging order, no prefetches) for the text index.
    return {
        name: (qs.order_by().prefetch_related(None).select_related(None), fields)
        for name, (qs, fields) in sources.items()
    }


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if w]


def search(*, viewer: Viewer, organisation: Organisation, text: str) -> SearchHits:
    """Everything the viewer may read whose text holds the query's words."""
    hits = SearchHits()
    if not _words(text):
        return hits
    sources = _sources(viewer, organisation)
    match = (
        _postgres_match(sources, text)
        if connection.vendor == "postgresql"
        else _sqlite_match(sources, text)
    )
    hits.cases = list(
        sources["cases"][0].filter(match["cases"]).select_related("body", "organisation")[:LIMIT]
    )
    hits.decisions = list(
        sources["decisions"][0]
        .filter(match["decisions"])
        .select_related("case__organisation", "body")[:LIMIT]
    )
    hits.items = list(
        sources["items"][0]
        .filter(match["items"])
        .select_related("plan_version__plan")
        .order_by("-plan_version__plan__year", "order")[:LIMIT]
    )
    hits.comments = list(
        sources["comments"][0]
        .filter(match["comments"])
        .select_related("period", "item", "body")
        .order_by("-period__ends_on", "item__order", "body__order")[:LIMIT]
    )
    return hits


def _postgres_match(sources: dict[str, tuple[Any, list[str]]], text: str) -> dict[str, Q]:
    """Every word of the query somewhere in the record's texts, in Swedish (stemmed, stop words
    dropped), read from the vector stored beside each searched column, through its GIN index.
    A record with one searched column is matched by its stored vector, as a subquery; a
    decision (title and points) as one vector of its texts, built only for the candidates the
    stored vectors find (any of the words in any one column), not for every decision."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    result = {}
    for name, (queryset, fields) in sources.items():
        columns = [t for t in INDEXED if t.source == name]
        if len(columns) == 1:
            t = columns[0]
            result[name] = Q(
                pk__in=RawSQL(
                    f"SELECT {t.record} FROM {t.table} WHERE {POSTGRES_VECTOR} @@ "
                    "plainto_tsquery('swedish'::regconfig, %s)",
                    (text,),
                )
            )
            continue
        words = list(dict.fromkeys(_words(text)))
        any_word = " || ".join(["plainto_tsquery('swedish'::regconfig, %s)"] * len(words))
        candidates = " UNION ".join(
            f"SELECT {t.record} FROM {t.table} WHERE {POSTGRES_VECTOR} @@ ({any_word})"
            for t in columns
        )
        query = SearchQuery(text, config="swedish", search_type="plain")
        result[name] = Q(
            pk__in=set(
                queryset.filter(pk__in=RawSQL(candidates, tuple(words) * len(columns)))
                .annotate(document=SearchVector(*fields, config="swedish"))
                .filter(document=query)
                .values_list("pk", flat=True)
            )
        )
    return result


def _sqlite_match(sources: dict[str, tuple[Any, list[str]]], text: str) -> dict[str, Q]:
    """Each word in the record's index rows (a decision's title and points are rows of their
    own, so a word may be in either), as subqueries: no list of ids leaves the database."""
    ensure_search_index()
    result = {}
    for name in sources:
        condition = Q()
        for word in dict.fromkeys(_words(text)):
            phrase = '"' + word.replace('"', '""') + '"'
            condition &= Q(
                pk__in=RawSQL(
                    f"SELECT pk FROM {INDEX} WHERE {INDEX} MATCH %s AND source = %s",
                    (phrase, name),
                )
            )
        result[name] = condition
    return result
