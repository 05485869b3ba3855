"""What background runs (overview reports, matching a round, importing a return) share: recording their
progress, and telling whether a worker is there to do them."""

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone

# A worker writes its heartbeat every 10 seconds; one unseen for this long is gone. A run queued for
# this long that nobody has started is waiting for a worker that is not there.
WORKER_SILENCE = datetime.timedelta(seconds=60)


def progress_recorder(run: QuerySet) -> Callable[[int, str], None]:
    """A `progress(percent, step)` callback that writes to the run's row only when what the run page
    shows changes: the work may call it thousands of times."""
    last = {"percent": -1, "step": ""}

    def progress(percent: int, step: str) -> None:
        percent = max(0, min(100, int(percent)))
        step = str(step)[:200]
        if percent != last["percent"] or step != last["step"]:
            last.update(percent=percent, step=step)
            run.update(percent=percent, step=step)

    return progress


def worker_is_running(*, now: datetime.datetime | None = None) -> bool:
    """Whether a background worker is alive: a `bluelight db_worker` wrote its heartbeat within the last
    minute, or any worker (django-tasks-db's own `db_worker` writes no heartbeat) started a task in it."""
    from django_tasks_db.models import DBTaskResult

    from bluelight.core.models import WorkerHeartbeat

    since = (now or timezone.now()) - WORKER_SILENCE
    return (
        WorkerHeartbeat.objects.filter(seen_at__gte=since).exists()
        or DBTaskResult.objects.filter(started_at__gte=since).exists()
    )


def run_waiting_for_worker(run, *, now: datetime.datetime | None = None) -> bool:
    """Whether `run` has been queued for over a minute with no worker running: what its page should say.

    `run` is any background run with `state` ("queued" until a worker starts it) and `requested_at`.
    With the immediate task backend (tests, TASKS_BACKEND) there is no worker to wait for.
    """
    from django.conf import settings

    if run.state != "queued" or run.requested_at is None:
        return False
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return False
    now = now or timezone.now()
    return now - run.requested_at > WORKER_SILENCE and not worker_is_running(now=now)
