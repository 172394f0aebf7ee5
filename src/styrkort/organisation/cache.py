"""A cache of what an audience sees, right across app processes: the workspace's heavy pages.

The same rule as the public pages' cache (public/cache.py, which explains it at length): a value
is stored with the organisation's *generation*, the number and the newest id of its audit events
near the newest, read in one query on every request. Every write of the domain goes through a
service that writes an audit event in the same transaction, so a committed change gives a new
generation and the next request builds the value again, in every process.

What a member sees depends on who they are, so the key holds everything that decides it: the
audience's level (public, member, registrar, admin: whether drafts, unapproved texts and secret
records show), the viewer's roles and the bodies they hold them for in this organisation, and
the caller's own arguments (period, filters). Two viewers share a stored value only when all of
that is equal. Only values without anything of the request (no CSRF token, no CSP nonce, no
user-specific links) may be stored: the page around them is rendered per request.

Values are kept compressed: a whole region's matrix is 544 kB of HTML and 17 kB compressed
(2.7 ms to compress once, 0.4 ms to expand on each hit), so the cache's few hundred entries
per process stay a few megabytes.

STYRKORT_PAGE_CACHE=0 turns it off (to measure the uncached page: scripts/bench_pages.py).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db.models import Count, Max, Subquery

from styrkort.core.models import AuditEvent
from styrkort.organisation.audience import Audience
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import memberships

T = TypeVar("T")

ALIAS = "default"
# Bump when a stored value's shape changes, so a deploy does not serve old ones.
LAYOUT = 2  # 2: the matrix keeps its paging
# Seconds a value is kept at most, whatever the generation says (a late commit outside the
# generation's window: see public/cache.py).
TIMEOUT = 600
# How many of the newest audit ids the generation counts (the public pages use this one too).
WINDOW = 1_000


def enabled() -> bool:
    return os.environ.get("STYRKORT_PAGE_CACHE", "1").strip() != "0"


def generation(organisation: Organisation) -> tuple[int, int]:
    """(count near the newest, newest id) of the organisation's audit events: changes with
    every commit. One query, whatever the length of the log."""
    events = AuditEvent.objects.filter(organisation=organisation)
    newest = events.order_by("-pk").values("pk")[:1]
    found = events.filter(pk__gt=Subquery(newest) - WINDOW).aggregate(
        n=Count("pk"), newest=Max("pk")
    )
    return int(found["n"] or 0), int(found["newest"] or 0)


def audience_key(audience: Audience) -> tuple[Any, ...]:
    """Everything of the viewer that decides what they see in the audience's organisation:
    level, and each role with the body it is held for."""
    held = sorted(
        (m.role, m.body_id or 0)
        for m in memberships(audience.user)
        if m.organisation_id == audience.organisation_id
    )
    return (int(audience.level), tuple(sorted(audience.roles)), tuple(held))


def cached_for(
    audience: Audience,
    organisation: Organisation,
    name: str,
    build: Callable[[], T],
    *args: Any,
) -> T:
    """The stored value of `name` with `args` for this audience, if the organisation has not
    changed since it was built; else `build()`, stored. One query (the generation) when stored."""
    if not enabled():
        return build()
    if audience.organisation_id != organisation.pk:
        raise ValueError("the audience belongs to another organisation")
    store = caches[ALIAS]
    # The creation time as well as the id: an organisation made again under the same id (a
    # restore, a test database rolled back) never meets the old one's values.
    born = organisation.created_at.timestamp() if organisation.created_at else 0
    digest = hashlib.sha256(repr((audience_key(audience), args)).encode()).hexdigest()[:32]
    key = f"audience:{LAYOUT}:{organisation.pk}@{born}:{name}:{digest}"
    now = generation(organisation)
    found = store.get(key)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == now:
        return pickle.loads(zlib.decompress(found[1]))  # type: ignore[no-any-return]
    value = build()
    # Our own pickle of our own value, read back only from this process's memory.
    store.set(key, (now, zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))), TIMEOUT)
    return value
