"""The background worker lives through a busy database, says it is alive, and `bluelight run` restarts it."""

import datetime
import logging
import socket
import subprocess
import sys
import time

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from bluelight.core.models import WorkerHeartbeat
from bluelight.core.runs import run_waiting_for_worker, worker_is_running
from bluelight.core.worker import LivingWorker, WorkerSupervisor, heartbeat_write, tasks_orphaned_requeue
from bluelight.core.worker import logger as worker_logger

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _no_connection_tidying(monkeypatch):
    """Retrying closes broken connections; these tests fake the errors and hold no connection."""
    monkeypatch.setattr("bluelight.core.worker.close_old_connections", lambda: None)


def _worker(sleeps: list, **kwargs) -> LivingWorker:
    return LivingWorker(
        queue_names=["default"],
        interval=0.01,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        sleep=sleeps.append,
        **kwargs,
    )


def test_the_worker_waits_and_tries_again_when_the_database_is_locked(monkeypatch, caplog):
    errors = [OperationalError("database is locked"), OperationalError("database is locked"), OperationalError("disk")]
    calls = []

    def run(self):
        calls.append(1)
        if errors:
            raise errors.pop(0)

    monkeypatch.setattr(Worker, "run", run)
    # db_worker's own logging set-up (another test may have run it) stops its logger propagating.
    monkeypatch.setattr(worker_logger, "propagate", True)
    caplog.set_level(logging.WARNING, logger=worker_logger.name)
    sleeps = []
    _worker(sleeps, heartbeat_seconds=0).run()

    assert len(calls) == 4  # three failures, then a clean finish
    assert sleeps == [1.0, 2.0, 4.0]  # backing off
    assert "Database busy, retrying in 1 s" in caplog.text
    assert "Database error (disk), retrying in 4 s" in caplog.text


def test_a_worker_told_to_stop_does_not_retry(monkeypatch):
    def run(self):
        self.running = False
        raise OperationalError("database is locked")

    monkeypatch.setattr(Worker, "run", run)
    with pytest.raises(OperationalError):
        _worker([], heartbeat_seconds=0).run()


def test_the_back_off_stops_growing_at_a_minute(monkeypatch):
    errors = [OperationalError("database is locked")] * 9

    def run(self):
        if errors:
            raise errors.pop()

    monkeypatch.setattr(Worker, "run", run)
    sleeps = []
    _worker(sleeps, heartbeat_seconds=0).run()
    assert sleeps == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_beats_and_a_stopped_one_says_goodbye(monkeypatch):
    seen = []

    def run(self):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not WorkerHeartbeat.objects.filter(worker_id="test-worker").exists():
            time.sleep(0.02)
        seen.append(worker_is_running())

    monkeypatch.setattr(Worker, "run", run)
    _worker([], heartbeat_seconds=0.05).run()

    assert seen == [True]
    assert not WorkerHeartbeat.objects.exists()  # removed on a clean stop
    assert not worker_is_running()


@pytest.mark.django_db
def test_a_heartbeat_older_than_a_minute_means_no_worker():
    heartbeat_write(worker_id="w1", started_at=timezone.now())
    now = timezone.now()
    assert worker_is_running(now=now)
    assert not worker_is_running(now=now + datetime.timedelta(seconds=61))


@pytest.mark.django_db
def test_a_run_waits_for_a_worker_only_with_the_database_backend_and_after_a_minute(settings):
    class Run:
        state = "queued"
        requested_at = timezone.now() - datetime.timedelta(seconds=90)

    run = Run()
    assert not run_waiting_for_worker(run)  # tests run tasks at once: there is no worker to wait for
    settings.TASKS = DATABASE_TASKS
    assert run_waiting_for_worker(run)
    heartbeat_write(worker_id="w1", started_at=timezone.now())
    assert not run_waiting_for_worker(run)
    WorkerHeartbeat.objects.all().delete()
    run.requested_at = timezone.now() - datetime.timedelta(seconds=30)
    assert not run_waiting_for_worker(run)  # give a worker a minute to pick it up
    run.requested_at, run.state = timezone.now() - datetime.timedelta(seconds=90), "running"
    assert not run_waiting_for_worker(run)


def _lines() -> tuple[list[str], callable]:
    lines: list[str] = []
    return lines, lines.append


def _until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_bluelight_run_starts_a_worker_again_when_it_exits_and_says_so():
    lines, say = _lines()
    supervisor = WorkerSupervisor([sys.executable, "-c", "import sys; sys.exit(3)"], say=say, first_delay=0.01)
    supervisor.start()
    try:
        assert _until(lambda: supervisor.restarts >= 2)
    finally:
        supervisor.stop()
    assert "The background worker stopped (exit code 3); starting it again in 0.01 s." in lines
    assert "The background worker stopped (exit code 3); starting it again in 0.02 s." in lines  # backing off
    assert "The background worker is running again." in lines


def test_stopping_the_server_stops_the_worker_without_a_restart():
    lines, say = _lines()
    supervisor = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"], say=say, first_delay=0.01)
    supervisor.start()
    process = supervisor._process
    supervisor.stop(timeout=5)
    assert process.poll() is not None
    assert supervisor.restarts == 0 and lines == []


@pytest.mark.django_db
def test_a_task_left_running_by_a_worker_that_was_killed_is_queued_again():
    from django_tasks_db.models import DBTaskResult

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        now = timezone.now()
        for worker_id, pid in (("killed", int(gone.stdout)), ("busy", living.pid)):
            WorkerHeartbeat.objects.create(
                worker_id=worker_id, host=socket.gethostname(), pid=pid, started_at=now, seen_at=now
            )
        results = {
            owner: DBTaskResult.objects.create(
                args_kwargs={"args": [1], "kwargs": {}},
                task_path="bluelight.editions.tasks.report_generate",
                backend_name="default",
                queue_name="default",
                run_after=now,
                status="RUNNING",
                started_at=now,
                worker_ids=[owner],
            )
            for owner in ("killed", "busy", "no heartbeat")
        }

        assert tasks_orphaned_requeue() == 1
    finally:
        living.kill()
        living.wait()
    states = {owner: DBTaskResult.objects.get(pk=r.pk).status for owner, r in results.items()}
    assert states == {"killed": "READY", "busy": "RUNNING", "no heartbeat": "RUNNING"}
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["busy"]
