"""The workspace's page cache (organisation/cache.py) shared by the server's processes: a value
stored by one process is read by another, and a value missing or out of date is built by one
builder at a time, across threads and processes, while the others wait and read what it stored.

The generation (one query on the audit log) is fixed here, so that threads and forked
processes need no database connection: what is tested is the storing and the locking."""

import os
import threading
import time
import uuid

import pytest

from styrkort.organisation import cache
from styrkort.organisation.audience import Audience, Level
from styrkort.organisation.models import Organisation


@pytest.fixture
def org(db, monkeypatch):
    monkeypatch.setattr(cache, "generation", lambda organisation: (7, 42))
    return Organisation.objects.create(name="Cacheregionen", slug=f"c-{uuid.uuid4().hex[:8]}")


def _member(org):
    return Audience(org.pk, Level.MEMBER)


def test_one_builder_at_a_time_the_others_read_what_it_stored(org):
    name = f"page-{uuid.uuid4().hex}"
    built = []
    guard = threading.Lock()

    def build():
        with guard:
            built.append(threading.get_ident())
        time.sleep(0.2)
        return {"html": "<tr>…</tr>", "by": threading.get_ident()}

    results = []
    start = threading.Barrier(8)

    def ask():
        start.wait()
        value = cache.cached_for(_member(org), org, name, build, 1, per_level=True)
        with guard:
            results.append(value)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1  # not eight builds side by side
    assert len(results) == 8
    assert all(r == results[0] for r in results)


def test_a_value_stored_by_one_process_is_read_by_another(org):
    name = f"page-{uuid.uuid4().hex}"
    pid = os.fork()
    if pid == 0:  # the other process: builds and stores
        code = 0
        try:
            cache.cached_for(_member(org), org, name, lambda: "byggd i en annan process", 1)
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0

    def must_not_build():
        raise AssertionError("built again in this process")

    # The same viewer key: the audience's level, no roles or bodies.
    assert cache.cached_for(_member(org), org, name, must_not_build, 1) == (
        "byggd i en annan process"
    )


def test_the_build_lock_holds_other_processes_off(org):
    digest = uuid.uuid4().hex
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # holds the lock for half a second
        os.close(read)
        with cache._build_lock("sida", digest):
            os.write(write, b"x")
            time.sleep(0.5)
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"x"  # the child holds it now
    began = time.perf_counter()
    with cache._build_lock("sida", digest):
        waited = time.perf_counter() - began
    os.waitpid(pid, 0)
    assert waited > 0.3


def test_a_newer_generation_is_built_again_and_an_older_value_never_served(org, monkeypatch):
    name = f"page-{uuid.uuid4().hex}"
    assert cache.cached_for(_member(org), org, name, lambda: "före", 1) == "före"
    monkeypatch.setattr(cache, "generation", lambda organisation: (8, 43))
    assert cache.cached_for(_member(org), org, name, lambda: "efter", 1) == "efter"
    assert cache.cached_for(_member(org), org, name, lambda: "igen", 1) == "efter"


def test_levels_and_viewers_are_kept_apart(org, django_user_model):
    name = f"page-{uuid.uuid4().hex}"
    member = _member(org)
    registrar = Audience(org.pk, Level.REGISTRAR)
    assert cache.cached_for(member, org, name, lambda: "medlem", 1, per_level=True) == "medlem"
    # Another level never meets it, per level or not.
    assert cache.cached_for(registrar, org, name, lambda: "reg", 1, per_level=True) == "reg"
    assert cache.cached_for(member, org, name, lambda: "per person", 1) == "per person"
    assert cache.cached_for(member, org, name, lambda: "x", 1, per_level=True) == "medlem"


def test_clear_forgets_everything(org):
    name = f"page-{uuid.uuid4().hex}"
    cache.cached_for(_member(org), org, name, lambda: "sparad", 1)
    cache.clear()
    assert cache.cached_for(_member(org), org, name, lambda: "ny", 1) == "ny"


def _digest_on_stripe(stripe, avoid=None):
    """Arguments whose key falls on lock stripe `stripe` (the viewer key of a member level)."""
    import hashlib

    for n in range(100_000):
        digest = hashlib.sha256(repr(((int(Level.MEMBER),), (n,))).encode()).hexdigest()[:32]
        if int(digest[:8], 16) % cache.LOCK_STRIPES == stripe and n != avoid:
            return n
    raise AssertionError("no key found")


def test_nested_builds_never_wait_for_each_other(org):
    """A page built with a frame inside (the matrix): two pages whose frames fall on each
    other's stripes. With one set of lock files for every kind of value, each thread held its
    page's stripe and waited for the other's forever (found in review); frames have lock files
    of their own, taken only inside a page's."""
    x, y = _digest_on_stripe(3), _digest_on_stripe(5)
    both_hold_their_page = threading.Barrier(2, timeout=5)
    name = f"page-{uuid.uuid4().hex}"
    done = []

    def page(outer, inner):
        def build():
            both_hold_their_page.wait()
            frame = cache.cached_for(
                _member(org), org, name + "-frame", lambda: f"ram {inner}", inner, per_level=True
            )
            return f"sida {outer} med {frame}"

        done.append(cache.cached_for(_member(org), org, name, build, outer, per_level=True))

    threads = [
        threading.Thread(target=page, args=(x, y), daemon=True),
        threading.Thread(target=page, args=(y, x), daemon=True),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(done) == sorted([f"sida {x} med ram {y}", f"sida {y} med ram {x}"])


def test_a_waiter_never_stores_a_page_made_from_an_older_frame(org, monkeypatch):
    """Found in review: a request that waited for another builder read the generation again,
    but built its page from the frame generation of its first reading, and stored it under the
    newer label: an item made secret meanwhile showed in full until the next change. Now the
    page and the frame are read together, and again together after a wait (the view's rule,
    followed here with the view's own parts)."""
    state = {"page": (10, 110), "frame": (5, 100), "text": "punkt 7: öppen text"}
    monkeypatch.setattr(cache, "generation", lambda organisation: state["page"])
    name = f"matrix-{uuid.uuid4().hex}"
    seen = {}

    def read_both():
        seen["page"], seen["frame"] = state["page"], state["frame"]
        return seen["page"]

    def page():
        at = read_both()

        def build():
            frame = cache.cached_for(
                _member(org),
                org,
                name + "-frame",
                lambda: state["text"],
                1,
                per_level=True,
                at=seen["frame"],
                generation_of=lambda: state["frame"],
            )
            return f"matris av {frame}"

        return cache.cached_for(
            _member(org), org, name, build, 1, per_level=True, at=at, generation_of=read_both
        )

    assert page() == "matris av punkt 7: öppen text"  # frame @5, page @10 stored
    state["page"] = (11, 111)  # a save: the frame stays
    digest = __import__("hashlib").sha256(repr(((int(Level.MEMBER),), (1,))).encode())
    digest = digest.hexdigest()[:32]
    holding, release = threading.Event(), threading.Event()

    def other_builder():  # holds the page's lock, as a builder of @11 would
        with cache._build_lock(name, digest):
            holding.set()
            release.wait(5)

    other = threading.Thread(target=other_builder, daemon=True)
    other.start()
    holding.wait(5)
    state["page"] = (12, 112)  # another save; the request below reads @12 and waits
    served = {}
    waiter = threading.Thread(target=lambda: served.setdefault("R", page()), daemon=True)
    waiter.start()
    time.sleep(0.3)
    # The item is made secret meanwhile: both generations move on.
    state["page"], state["frame"] = (13, 113), (6, 113)
    state["text"] = "punkt 7: sekretessbelagd"
    release.set()
    other.join(5)
    waiter.join(5)
    assert served["R"] == "matris av punkt 7: sekretessbelagd"
    assert page() == "matris av punkt 7: sekretessbelagd"
