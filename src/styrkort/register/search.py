"""Full-text search across cases, decisions, plan items and comments.

PostgreSQL: its full-text search with the Swedish configuration (stemming, Swedish stop
words). SQLite: an FTS5 index built for the query in a temporary table (unicode61 tokens, every
word must occur). Both answer "ekonomi i balans" with the texts that hold those words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from styrkort.followup.selectors import assessment_list
from styrkort.organisation.audience import Viewer, audience_of
from styrkort.organisation.models import Organisation
from styrkort.planning.models import PlanItem
from styrkort.planning.selectors import item_list
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
    ids = (
        _postgres_ids(sources, text)
        if connection.vendor == "postgresql"
        else _sqlite_ids(sources, text)
    )
    hits.cases = list(
        sources["cases"][0]
        .filter(pk__in=ids["cases"])
        .select_related("body", "organisation")[:LIMIT]
    )
    hits.decisions = list(
        sources["decisions"][0]
        .filter(pk__in=ids["decisions"])
        .select_related("case__organisation", "body")[:LIMIT]
    )
    hits.items = list(
        sources["items"][0]
        .filter(pk__in=ids["items"])
        .select_related("plan_version__plan")
        .order_by("-plan_version__plan__year", "order")[:LIMIT]
    )
    hits.comments = list(
        sources["comments"][0]
        .filter(pk__in=ids["comments"])
        .select_related("period", "item", "body")
        .order_by("-period__ends_on", "item__order", "body__order")[:LIMIT]
    )
    return hits


def _postgres_ids(sources: dict[str, tuple[Any, list[str]]], text: str) -> dict[str, set[int]]:
    from django.contrib.postgres.search import SearchQuery, SearchVector

    query = SearchQuery(text, config="swedish", search_type="plain")
    result = {}
    for name, (queryset, fields) in sources.items():
        vector = SearchVector(*fields, config="swedish")
        result[name] = set(
            queryset.annotate(document=vector).filter(document=query).values_list("pk", flat=True)
        )
    return result


def _sqlite_ids(sources: dict[str, tuple[Any, list[str]]], text: str) -> dict[str, set[int]]:
    match = " AND ".join('"' + w.replace('"', '""') + '"' for w in _words(text))
    result: dict[str, set[int]] = {name: set() for name in sources}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.styrkort_search "
            "USING fts5(source UNINDEXED, pk UNINDEXED, body, tokenize='unicode61')"
        )
        cursor.execute("DELETE FROM temp.styrkort_search")
        for name, (queryset, fields) in sources.items():
            rows: dict[int, list[str]] = {}
            for pk, *values in queryset.values_list("pk", *fields):
                rows.setdefault(pk, []).extend(v for v in values if v)
            cursor.executemany(
                "INSERT INTO temp.styrkort_search (source, pk, body) VALUES (%s, %s, %s)",
                [(name, pk, "\n".join(parts)) for pk, parts in rows.items()],
            )
        cursor.execute(
            "SELECT source, pk FROM temp.styrkort_search WHERE styrkort_search MATCH %s",
            [match],
        )
        for source, pk in cursor.fetchall():
            result[source].add(int(pk))
        cursor.execute("DELETE FROM temp.styrkort_search")
    return result
