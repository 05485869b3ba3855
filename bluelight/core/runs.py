"""What background runs (overview reports, matching a round) share: recording their progress."""

from collections.abc import Callable

from django.db.models import QuerySet


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
