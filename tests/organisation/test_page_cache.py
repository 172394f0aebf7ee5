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
        with cache._build_lock(digest):
            os.write(write, b"x")
            time.sleep(0.5)
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"x"  # the child holds it now
    began = time.perf_counter()
    with cache._build_lock(digest):
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
