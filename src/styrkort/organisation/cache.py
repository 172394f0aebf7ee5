"""A cache of what an audience sees, shared by the app's processes: the workspace's heavy pages.

The same rule as the public pages' cache (public/cache.py, which explains it at length): a value
is stored with the organisation's *generation*, the number and the newest id of its audit events
near the newest, read in one query on every request. Every write of the domain goes through a
service that writes an audit event in the same transaction, so a committed change gives a new
generation and the next request builds the value again.

What a member sees depends on who they are, so the key holds everything that decides it: the
audience's level (public, member, registrar, admin: whether drafts, unapproved texts and secret
records show), the viewer's roles and the bodies they hold them for in this organisation, and
the caller's own arguments (period, filters). Two viewers share a stored value only when all of
that is equal. A value whose selector decides by the level alone (the matrix: members read every
state, the registrar and the admin also secret items; nothing depends on the viewer's bodies)
is kept per level (`per_level=True`), so one save makes one rebuild, not one per editor; a test
per such page builds it for every role and checks that viewers of one level see the same bytes.
Only values without anything of the request (no CSRF token, no CSP nonce, no user-specific
links) may be stored: the page around them is rendered per request.

**Shared by the processes** (the "pages" cache alias: files in the data directory, which holds
the database and the secret key and is written by this installation alone). With a copy per
process, every save made each of the server's processes build the matrix again; under 32 users
that was most of the machine (scripts/bench_concurrency.py). **One builder at a time**: a value
missing or out of date is built under a lock of its key (a file lock, across processes and
threads); those who ask meanwhile wait for it and read what it stored, instead of building the
same page side by side. Nobody is served a value older than the generation they read.

Values are kept compressed: a whole region's matrix is 544 kB of HTML and 17 kB compressed
(2.7 ms to compress once, 0.4 ms to expand on each hit).

`styrkort serve` empties the cache when it starts (a new version may render differently), as do
commands that write past the services (restoring an export). Writes that skip the audit log in
a running server (the Django admin) are seen after the timeout.

STYRKORT_PAGE_CACHE=0 turns it off (to measure the uncached page: scripts/bench_pages.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Q, Subquery

from styrkort.core.models import AuditEvent
from styrkort.organisation.audience import Audience
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import memberships

T = TypeVar("T")

ALIAS = "pages"
# Bump when a stored value's shape changes, so a deploy does not serve old ones.
LAYOUT = 3  # 3: shared by the processes, the matrix per level
# Seconds a value is kept at most, whatever the generation says (a late commit outside the
# generation's window: see public/cache.py).
TIMEOUT = 600
# How many of the newest audit ids the generation counts (the public pages use this one too).
WINDOW = 1_000
# Build locks: one file per stripe, a key's stripe from its digest (a bounded set of files).
LOCK_STRIPES = 64


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


def generation_apart(
    organisation: Organisation, models: tuple[str, ...]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The generation, and the generation of every change but those of `models` (audit model
    labels, e.g. "followup.assessment"), in one query: a value that does not depend on those
    records (the matrix's frame) is kept while only they change. The same window and the same
    reasoning as `generation`; an old event leaving the window changes the second one too,
    which costs a rebuild, never a stale value."""
    events = AuditEvent.objects.filter(organisation=organisation)
    newest = events.order_by("-pk").values("pk")[:1]
    rest = ~Q(model__in=models)
    found = events.filter(pk__gt=Subquery(newest) - WINDOW).aggregate(
        n=Count("pk"),
        newest=Max("pk"),
        n_rest=Count("pk", filter=rest),
        newest_rest=Max("pk", filter=rest),
    )
    return (
        (int(found["n"] or 0), int(found["newest"] or 0)),
        (int(found["n_rest"] or 0), int(found["newest_rest"] or 0)),
    )


def audience_key(audience: Audience) -> tuple[Any, ...]:
    """Everything of the viewer that decides what they see in the audience's organisation:
    level, and each role with the body it is held for."""
    held = sorted(
        (m.role, m.body_id or 0)
        for m in memberships(audience.user)
        if m.organisation_id == audience.organisation_id
    )
    return (int(audience.level), tuple(sorted(audience.roles)), tuple(held))


def level_key(audience: Audience) -> tuple[Any, ...]:
    """The audience's level alone: for values whose selector decides by nothing else."""
    return (int(audience.level),)


def _lock_dir() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "locks"


_held = threading.local()


@contextlib.contextmanager
def _build_lock(name: str, digest: str) -> Iterator[bool]:
    """Held by one builder of a key at a time, in every process and thread of the installation
    (flock on a file of its own opening: threads of one process exclude each other too).
    Released by the kernel if the process dies. Yields whether it had to wait for another.

    Each kind of value has lock files of its own (`name`, a constant of the code), striped by
    the key: a value built while building another (the matrix's frame inside the matrix page)
    takes its lock always after the outer one, from other files, so two builders can never
    hold what the other waits for. A stripe this thread holds already (two keys of one name,
    nested) is not taken again: it keeps every other builder of the stripe out anyway. The
    files are the installation's own (0600 in a 0700 directory): nobody else can hold them."""
    folder = _lock_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stripe = (name, int(digest[:8], 16) % LOCK_STRIPES)
    held: set[tuple[str, int]] = _held.__dict__.setdefault("stripes", set())
    if stripe in held:
        yield False
        return
    safe = "".join(c if c.isalnum() or c == "-" else "_" for c in name)
    handle = os.open(folder / f"{safe}-{stripe[1]:02d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waited = False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = True
            fcntl.flock(handle, fcntl.LOCK_EX)
        held.add(stripe)
        try:
            yield waited
        finally:
            held.discard(stripe)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _stored(store: Any, key: str, now: tuple[int, int]) -> tuple[bool, Any]:
    found = store.get(key)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == now:
        # Our own pickle of our own value, from the data directory only this installation
        # writes (it holds the database and the secret key too).
        return True, pickle.loads(zlib.decompress(found[1]))
    return False, None


def cached_for(
    audience: Audience,
    organisation: Organisation,
    name: str,
    build: Callable[[], T],
    *args: Any,
    per_level: bool = False,
    at: tuple[int, int] | None = None,
    generation_of: Callable[[], tuple[int, int]] | None = None,
) -> T:
    """The stored value of `name` with `args` for this audience, if the organisation has not
    changed since it was built; else `build()`, stored. One query (the generation) when stored.
    `per_level`: the value depends on the audience's level alone (a test of the page proves
    it), and is shared by every viewer of that level. `generation_of` reads another generation
    than the organisation's whole one (`generation_apart`), `at` is one the request has read
    already (no query then, unless it waited for another builder)."""
    read = generation_of or (lambda: generation(organisation))
    if not enabled():
        return build()
    if audience.organisation_id != organisation.pk:
        raise ValueError("the audience belongs to another organisation")
    store = caches[ALIAS]
    # The creation time as well as the id: an organisation made again under the same id (a
    # restore, a test database rolled back) never meets the old one's values.
    born = organisation.created_at.timestamp() if organisation.created_at else 0
    viewer = level_key(audience) if per_level else ("viewer", *audience_key(audience))
    digest = hashlib.sha256(repr((viewer, args)).encode()).hexdigest()[:32]
    key = f"audience:{LAYOUT}:{organisation.pk}@{born}:{name}:{digest}"
    now = at if at is not None else read()
    found, value = _stored(store, key, now)
    if found:
        return value  # type: ignore[no-any-return]
    with _build_lock(name, digest) as waited:
        found, value = _stored(store, key, now)
        if found:
            # Built meanwhile by the one we waited for, for the generation this request saw.
            return value  # type: ignore[no-any-return]
        if waited:
            # Built for another generation (a change committed meanwhile): build for the newest.
            # Read again, as the value stored is built from what is committed after its
            # generation was read. At most one build a generation: the next waiter finds it.
            now = read()
            found, value = _stored(store, key, now)
            if found:
                return value  # type: ignore[no-any-return]
        value = build()
        stored = store.get(key)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0][1] > now[1]:
            return value  # one built for a newer generation is there: keep it
        store.set(key, (now, zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))), TIMEOUT)
        return value


def clear() -> None:
    """Forget every stored value (a new version of the code, a restore past the services)."""
    caches[ALIAS].clear()
