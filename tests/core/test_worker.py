"""The worker's side: periodic jobs once per slot whatever the number of workers, the
heartbeat and what /healthz makes of it, and `styrkort worker` as a real process."""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F
from django.utils import timezone

from styrkort.core import periodic
from styrkort.core.management.commands.worker import beat
from styrkort.core.models import PeriodicRun, WorkerHeartbeat
from tests.worker_helpers import run_worker

RUNS: list[str] = []


def _count_run() -> None:
    RUNS.append("ran")


@pytest.fixture
def counted(monkeypatch):
    """A periodic job of its own, every hour, that counts its runs."""
    periodic.registered()  # the apps' own first, so that they outlive this test's copy
    monkeypatch.setattr(periodic, "_PERIODIC", dict(periodic._PERIODIC))
    periodic.periodic("tests.count", every=timedelta(hours=1))(_count_run)
    RUNS.clear()
    return RUNS


@pytest.mark.django_db
def test_a_periodic_job_runs_once_per_slot_with_two_workers(counted):
    now = timezone.now()
    assert "tests.count" in periodic.enqueue_due(worker_id="a", now=now)
    assert "tests.count" not in periodic.enqueue_due(worker_id="b", now=now)
    run_worker("--worker-id", "b")
    run_worker("--worker-id", "a")
    assert counted == ["ran"]
    assert PeriodicRun.objects.filter(name="tests.count").count() == 1
    later = now + timedelta(hours=1)
    assert "tests.count" in periodic.enqueue_due(worker_id="b", now=later)
    run_worker()
    assert counted == ["ran", "ran"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_a_slot_enqueue_it_once(counted):
    """Two workers at the same moment, each on its own database connection (the row's unique
    key decides: on PostgreSQL the second insert waits for the first, then finds it)."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("an in-memory SQLite database is not shared between connections")
    now = timezone.now()
    start = threading.Barrier(2)
    got: dict[str, list[str]] = {}

    def worker(worker_id: str) -> None:
        try:
            start.wait()
            got[worker_id] = periodic.enqueue_due(worker_id=worker_id, now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(n for names in got.values() for n in names if n == "tests.count") == [
        "tests.count"
    ]
    assert PeriodicRun.objects.filter(name="tests.count").count() == 1


def test_slots_are_the_same_on_every_worker():
    at = timezone.now().replace(minute=37, second=5)
    assert periodic.slot_of(at, timedelta(hours=1)).minute == 0
    assert periodic.slot_of(at, timedelta(minutes=15)).minute == 30


def test_a_periodic_job_runs_at_most_once_a_minute():
    with pytest.raises(ValueError):
        periodic.periodic("too-often", every=timedelta(seconds=5))


@pytest.mark.django_db
def test_healthz_is_healthy_with_a_recent_heartbeat(client):
    beat("w1", timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["status"] == "ok" and answer["database"] == "ok"
    assert answer["migrations"] == {"unapplied": 0}
    assert answer["worker"]["alive"] is True and answer["worker"]["last_heartbeat_seconds_ago"] < 5
    assert "w1" not in response.content.decode()  # no names of machines or processes


@pytest.mark.django_db
def test_healthz_without_a_worker_or_with_a_stale_one_is_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"alive": False, "last_heartbeat_seconds_ago": None}
    WorkerHeartbeat.objects.create(
        worker_id="old",
        started_at=timezone.now() - timedelta(hours=1),
        seen_at=timezone.now() - timedelta(minutes=5),
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["worker"]
    assert worker["alive"] is False and 290 < worker["last_heartbeat_seconds_ago"] < 400


@pytest.mark.django_db
def test_healthz_with_an_unapplied_migration_is_503(client):
    beat("w1", timezone.now())
    MigrationRecorder.Migration.objects.filter(app="core", name="0004_jobs_worker").delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == {"unapplied": 1}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_is_cheap(client, django_assert_max_num_queries):
    beat("w1", timezone.now())
    client.get("/healthz")  # reads the migrations on disk once per process
    with django_assert_max_num_queries(2):
        assert client.get("/healthz").status_code == 200


@pytest.mark.live
def test_styrkort_worker_runs_as_a_process_and_beats(tmp_path):
    """`styrkort worker` started as it is in production: it says so in Swedish, records its
    heartbeat at once, and /healthz (from another process) calls it alive; Ctrl+C ends it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "styrkort.settings",
        "SECRET_KEY": "worker-test",
        "STYRKORT_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    styrkort = [sys.executable, "-m", "styrkort"]
    subprocess.run([*styrkort, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    proc = subprocess.Popen(
        [*styrkort, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        first = proc.stdout.readline()
        assert "styrkort worker" in first and "startar: kör bakgrundsjobb från SQLite" in first
        probe = (
            "import django, json; django.setup();"
            "from django.test import Client;"
            "r = Client().get('/healthz', HTTP_HOST='localhost');"
            "print(r.status_code, r.content.decode())"
        )
        for _ in range(50):
            out = subprocess.run(
                [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
            ).stdout.strip()
            if out.startswith("200"):
                break
        status, body = out.split(" ", 1)
        assert status == "200" and json.loads(body)["worker"]["alive"] is True
    finally:
        proc.send_signal(2)
        proc.wait(timeout=30)
    assert proc.returncode == 0


@pytest.mark.django_db
def test_the_daily_prune_clears_old_jobs_and_keeps_recent_ones():
    from styrkort.core.jobs import job_start
    from styrkort.core.models import Job, JobData
    from styrkort.core.tasks import prune

    assert "core.prune" in periodic.registered()
    old = job_start(
        kind="exchange.import_all",
        title="gammal",
        owner=None,
        organisation_id=None,
        input_data=b"{}",
    )
    new = job_start(kind="exchange.import_all", title="ny", owner=None, organisation_id=None)
    long_ago = timezone.now() - timedelta(days=8)
    Job.objects.filter(pk__in=[old.pk, new.pk]).update(state="done", finished_at=long_ago)
    Job.objects.filter(pk=new.pk).update(finished_at=timezone.now())
    WorkerHeartbeat.objects.create(worker_id="gone", started_at=long_ago, seen_at=long_ago)
    beat("here", timezone.now())
    prune()
    assert list(Job.objects.values_list("title", flat=True)) == ["ny"]
    assert not JobData.objects.exists()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]


@pytest.mark.live
def test_two_worker_processes_on_one_sqlite_file_take_each_slot_once(tmp_path):
    """The race on SQLite, with real processes: two `styrkort worker --once` started together
    on the same database file enqueue and run each periodic job once."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "styrkort.settings",
        "SECRET_KEY": "worker-test",
        "STYRKORT_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    styrkort = [sys.executable, "-m", "styrkort"]
    subprocess.run([*styrkort, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    workers = [
        subprocess.Popen([*styrkort, "worker", "--once"], env=env, stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    for w in workers:
        assert w.wait(timeout=120) == 0
    count = (
        "import django; django.setup();"
        "from django.db.models import Count;"
        "from django_tasks_db.models import DBTaskResult;"
        "from styrkort.core.models import PeriodicRun;"
        "from styrkort.core.jobs import discover; from styrkort.core.periodic import registered;"
        "import json; discover(); print(json.dumps(sorted(registered())));"
        "print(json.dumps(sorted(PeriodicRun.objects.values_list('name', flat=True))));"
        "print(DBTaskResult.objects.filter(status='SUCCESSFUL').count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", count], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    every, ran, successful = out.splitlines()[-3:]
    # Each periodic job (every app's, as registered) was enqueued once and ran once.
    assert {"core.prune", "register.search_index"} <= set(json.loads(every))
    assert json.loads(ran) == json.loads(every)
    assert int(successful) == len(json.loads(every))


def _orphan(job_pk, worker="killed"):
    """The job as a worker left it when it stopped in the middle: running, under its id."""
    from styrkort.core.models import Job

    Job.objects.filter(pk=job_pk).update(
        state="running", worker_id=worker, attempts=F("attempts") + 1
    )


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_is_queued_again_then_failed_with_a_reason(client):
    from styrkort.core.jobs import MAX_ATTEMPTS, ORPHANED, job_start, recover_orphaned_jobs
    from styrkort.core.models import Job

    beat("alive", timezone.now())
    WorkerHeartbeat.objects.create(
        worker_id="killed",
        started_at=timezone.now() - timedelta(hours=1),
        seen_at=timezone.now() - timedelta(minutes=5),
    )
    jobs = {
        w: job_start(kind="exchange.import_all", title=w, owner=None, organisation_id=None)
        for w in ("alive", "killed")
    }
    _orphan(jobs["alive"].pk, worker="alive")
    silent = timedelta(minutes=2)
    for attempt in range(1, MAX_ATTEMPTS):
        _orphan(jobs["killed"].pk)
        assert recover_orphaned_jobs(silent_for=silent) == (1, 0)
        again = Job.objects.get(pk=jobs["killed"].pk)
        assert (again.state, again.worker_id, again.attempts) == ("queued", "", attempt)
        assert f"försök {attempt + 1} av {MAX_ATTEMPTS}" in again.progress_text
        # Every worker asks at each beat: the next one finds nothing left to take.
        assert recover_orphaned_jobs(silent_for=silent) == (0, 0)
    _orphan(jobs["killed"].pk)
    assert recover_orphaned_jobs(silent_for=silent) == (0, 1)
    assert Job.objects.get(pk=jobs["alive"].pk).state == "running"
    killed = Job.objects.get(pk=jobs["killed"].pk)
    assert (killed.state, killed.error, killed.attempts) == ("failed", ORPHANED, MAX_ATTEMPTS)
    assert "bakgrundsprocessen som körde det stannade" in ORPHANED


@pytest.mark.django_db
def test_a_job_queued_again_after_its_worker_stopped_is_done_by_the_next_worker():
    from styrkort.core.jobs import JobResult, job_file, job_kind, job_start, recover_orphaned_jobs
    from styrkort.core.models import Job

    @job_kind("tests.document")
    def document(run):
        return JobResult(b"%PDF-1.7 klart", "dokument.pdf", "application/pdf")

    job = job_start(kind="tests.document", title="Dokument", owner=None, organisation_id=None)
    _orphan(job.pk)
    assert recover_orphaned_jobs(silent_for=timedelta(minutes=2)) == (1, 0)
    run_worker("--worker-id", "next")
    done = Job.objects.get(pk=job.pk)
    assert (done.state, done.attempts, done.worker_id) == ("done", 2, "next")
    assert job_file(done) == b"%PDF-1.7 klart"


@pytest.mark.django_db
def test_a_job_already_taken_is_not_started_a_second_time():
    """The queue may hand a job out twice (a worker's task row left behind when it stopped):
    only a queued job is claimed."""
    from styrkort.core.jobs import job_kind, job_start
    from styrkort.core.models import Job

    started = []

    @job_kind("tests.once")
    def once(run):
        started.append(run.job.pk)

    job = job_start(kind="tests.once", title="En gång", owner=None, organisation_id=None)
    Job.objects.filter(pk=job.pk).update(state="running", worker_id="other", attempts=1)
    run_worker("--worker-id", "second")
    assert started == []
    assert Job.objects.get(pk=job.pk).worker_id == "other"


@pytest.mark.django_db
def test_a_running_job_knows_its_worker(counted):
    from styrkort.core.jobs import JobResult, job_kind, job_start
    from styrkort.core.models import Job

    seen = []

    @job_kind("tests.whoami")
    def whoami(run):
        seen.append(Job.objects.get(pk=run.job.pk).worker_id)
        return JobResult(content=b"", file_name="x.txt", content_type="text/plain")

    job_start(kind="tests.whoami", title="vem", owner=None, organisation_id=None)
    run_worker("--worker-id", "arbetare-1")
    assert seen == ["arbetare-1"]
