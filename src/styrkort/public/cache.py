"""The public pages' cache, kept right across several app processes.

A page is stored under its own key (organisation, page, arguments) together with the
organisation's *generation*, read from the database on every request in one query: the number
and the newest id of the organisation's audit events. Every write of the domain (publishing a
period, approving an assessment, adopting a plan, registering a case …) goes through a service
that writes an audit event in the same transaction, so a committed change always gives a new
generation, and the next request rebuilds the page. Nothing depends on the processes sharing
memory: each process keeps its own copy (the "public" cache alias) and checks it against the
database.

Why the count as well as the newest id: on PostgreSQL two transactions may commit in the other
order than they took their ids, so the newest id alone could stay the same after a commit; the
number of events near the newest cannot (audit events are never deleted). Only the last
WINDOW ids are counted, so the query costs the same for a region with years of history (the
whole log counted took 93 ms at 200 000 events on SQLite; scripts/bench_public.py). A late
commit matters only if all its events lie below one committed after them: a transaction
commits right after its last write, so its last event is close to the newest id. One whose
events lie further back than the window, committing after a page was built, is left to the
cache's timeout (settings.CACHES["public"]). On SQLite, writers take turns and ids follow
commits, so there the newest id alone would do.

Only rendered fragments without the request's CSP nonce are stored: the page around them is
rendered per request.

STYRKORT_PAGE_CACHE=0 turns it off, as it does the workspace's (organisation/cache.py), so
scripts/bench_pages.py can show the pages as built on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches

# One generation for both caches: the rule is explained here, the query lives with the
# workspace's cache (a domain app may not import a face).
from styrkort.organisation.cache import WINDOW, enabled, generation
from styrkort.organisation.models import Organisation

T = TypeVar("T")

ALIAS = "public"
# Bump when the stored fragments' shape changes, so a deploy does not serve old ones.
LAYOUT = 1

__all__ = ["WINDOW", "cached", "current", "generation"]


def current(organisation: Organisation) -> tuple[int, int] | None:
    """The organisation's generation, for several `cached` values of one request (one query
    for all of them); None when the cache is off."""
    return generation(organisation) if enabled() else None


def cached(
    organisation: Organisation,
    name: str,
    build: Callable[[], T],
    *args: Any,
    at: tuple[int, int] | None = None,
) -> T:
    """The stored value of page `name` with `args`, if the organisation has not changed since it
    was built; else `build()`, stored. One query (the generation) when it is stored, none when
    the request has read it already (`at`, from `current`)."""
    if not enabled():
        return build()
    store = caches[ALIAS]
    # The organisation's creation time as well as its id: an organisation made again under the
    # same id (a restore, a test database rolled back) never meets the old one's pages.
    born = organisation.created_at.timestamp() if organisation.created_at else 0
    # The arguments come from the URL: hashed, so any text makes a short key without spaces.
    digest = hashlib.sha256(repr(args).encode()).hexdigest()[:32]
    key = f"public:{LAYOUT}:{organisation.pk}@{born}:{name}:{digest}"
    now = at if at is not None else generation(organisation)
    found = store.get(key)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == now:
        return found[1]  # type: ignore[no-any-return]
    value = build()
    store.set(key, (now, value))
    return value
