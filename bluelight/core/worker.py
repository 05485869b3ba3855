"""The background worker that lives: django-tasks-db's worker, kept going through a busy database, with a heartbeat.

django-tasks-db's own worker skips a "database is locked" only while claiming a task. The same error
anywhere else (opening the claiming transaction, recording a result after its three quick retries) ends
the process, and queued reports then wait for ever. This one waits and tries again, 1 s, 2 s, 4 s ... up
to a minute, saying so in the log; and a thread writes a `WorkerHeartbeat` every few seconds, even during
a long task, so that run pages can tell the user when no worker is running at all.
"""

import contextlib
import datetime
import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable

from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

from bluelight.core.models import WorkerHeartbeat

logger = logging.getLogger("django_tasks_db")

HEARTBEAT_SECONDS = 10
FIRST_DELAY = 1.0
MAX_DELAY = 60.0
# A worker that ran this long since its last error starts its back-off from the beginning again.
CALM_SECONDS = 120.0


def heartbeat_write(*, worker_id: str, started_at) -> None:
    """Record that `worker_id` is alive now (one short write)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "pid": os.getpid(), "host": socket.gethostname()[:255]},
        create_defaults={
            "seen_at": now,
            "pid": os.getpid(),
            "host": socket.gethostname()[:255],
            "started_at": started_at,
        },
    )


def heartbeats_prune(*, older_than_seconds: int = 86400) -> int:
    """Forget workers not seen for a day (killed ones never say goodbye); how many were forgotten."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()[0]


def _heartbeat_alive(beat: WorkerHeartbeat, *, now) -> bool:
    """Whether the worker behind a heartbeat still runs: seen within the minute and, on this machine,
    its process still there (a killed worker's heartbeat stays fresh for up to a minute)."""
    from bluelight.core.runs import WORKER_SILENCE

    if beat.seen_at < now - WORKER_SILENCE:
        return False
    if beat.host != socket.gethostname()[:255]:
        return True
    if beat.pid == os.getpid():  # this process is the new worker: the pid was used again
        return False
    try:
        os.kill(beat.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def tasks_orphaned_requeue() -> int:
    """Queue again the tasks that a worker which has since died had started (killed, out of memory):
    otherwise they, and the report or matching run behind them, stay "running" for ever. Reports and
    matching start again from the beginning; a return import ran in one transaction, so it either
    committed before the worker died (then its run was marked done with it) or wrote nothing.
    A task whose worker left no heartbeat (django-tasks-db's own worker) is left alone. How many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    beats = list(WorkerHeartbeat.objects.all())
    dead = {b.worker_id for b in beats if not _heartbeat_alive(b, now=now)}
    requeued = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids"):
        if result.worker_ids and result.worker_ids[-1] in dead:
            requeued += DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            logger.warning("Task %s was left running by a worker that stopped: queued again", result.pk)
    WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    return requeued


class LivingWorker(Worker):
    """A `Worker` that retries after database errors with back-off and keeps a heartbeat."""

    def __init__(
        self, *, heartbeat_seconds: float = HEARTBEAT_SECONDS, sleep: Callable[[float], None] = time.sleep, **kwargs
    ):
        super().__init__(**kwargs)
        self.heartbeat_seconds = heartbeat_seconds
        self.sleep = sleep
        self.started_at = timezone.now()
        self._stop_beating = threading.Event()

    def run(self) -> None:
        beating = self._heartbeat_start()
        try:
            self._run_through_errors()
        finally:
            self._stop_beating.set()
            if beating is not None:
                beating.join(timeout=self.heartbeat_seconds + 5)
            self._say_goodbye()

    def _run_through_errors(self) -> None:
        delay = FIRST_DELAY
        while True:
            began = time.monotonic()
            try:
                return super().run()
            except OperationalError as exc:
                if not self.running:
                    raise
                if time.monotonic() - began > CALM_SECONDS:
                    delay = FIRST_DELAY
                if is_locked_database_exception(exc):
                    logger.warning("Database busy, retrying in %g s", delay)
                else:
                    logger.warning("Database error (%s), retrying in %g s", exc, delay)
                close_old_connections()
                self.startup_delay = False
                self.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    def _heartbeat_start(self) -> threading.Thread | None:
        if not self.heartbeat_seconds:
            return None
        with contextlib.suppress(OperationalError):  # tidying up can wait for the next start
            heartbeats_prune()
            tasks_orphaned_requeue()
        thread = threading.Thread(target=self._beat, name="worker-heartbeat", daemon=True)
        thread.start()
        return thread

    def _beat(self) -> None:
        """The heartbeat thread: its own database connection, closed after each beat."""
        while True:
            try:
                heartbeat_write(worker_id=self.worker_id, started_at=self.started_at)
            except OperationalError as exc:
                # Busy for longer than the timeout: the next beat will do, well inside the minute pages allow.
                logger.info("Heartbeat skipped: %s", exc)
            finally:
                connection.close()
            if self._stop_beating.wait(self.heartbeat_seconds):
                return

    def _say_goodbye(self) -> None:
        """A worker that stops cleanly removes its heartbeat, so pages know at once that none is running."""
        if not self.heartbeat_seconds:
            return
        with contextlib.suppress(OperationalError):  # if not, the heartbeat goes stale within a minute
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class WorkerSupervisor:
    """Keeps one worker process running beside `bluelight run`'s server: when it exits (killed, out of
    memory, a bug), it is started again after a pause that doubles up to a minute, and the terminal
    says so. Without this the server went on serving and reports waited "Queued, 0%" for ever."""

    def __init__(
        self,
        command: list[str],
        *,
        say: Callable[[str], None],
        popen: Callable[[list[str]], subprocess.Popen] = subprocess.Popen,
        first_delay: float = FIRST_DELAY,
    ):
        self.command = command
        self.say = say
        self.popen = popen
        self.first_delay = first_delay
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        self._process = self.popen(self.command)
        self._watcher = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        delay = self.first_delay
        while True:
            began = time.monotonic()
            code = self._process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - began > CALM_SECONDS:
                delay = self.first_delay
            self.say(f"The background worker stopped (exit code {code}); starting it again in {delay:g} s.")
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._process = self.popen(self.command)
                self.restarts += 1
            self.say("The background worker is running again.")
            delay = min(delay * 2, MAX_DELAY)

    def stop(self, *, timeout: float = 10) -> None:
        """Stop the worker for good (the server is stopping): no restart after this."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self._watcher is not None:
            self._watcher.join(timeout=timeout)
