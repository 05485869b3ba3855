"""Matching runs: asking for a round to be matched, matching it in the background, and the run in progress.

The web asks (`matching_request`), a worker matches (`matching_run_execute`), and the run keeps its
progress, so the run page and the review queue show how far it has got. Matching never runs inside
a web request: a round of 10,000 reports takes longer than a request may.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bluelight.consolidation import services
from bluelight.consolidation.models import MatchingRun, MatchingState
from bluelight.core.runs import progress_recorder
from bluelight.returns.models import Round

logger = logging.getLogger(__name__)


def matching_in_progress(round_: Round) -> MatchingRun | None:
    """The round's queued or running matching, if any: while there is one, no second one starts."""
    return (
        MatchingRun.objects.filter(round=round_, state__in=(MatchingState.QUEUED, MatchingState.RUNNING))
        .order_by("-requested_at", "-pk")
        .first()
    )


@transaction.atomic
def matching_request(*, round_: Round, user=None) -> MatchingRun:
    """Queue a matching of `round_`; the worker runs it after this transaction commits.

    Refused while another matching of the round is queued or running: the second would delete the
    clusters the first is writing.
    """
    Round.objects.select_for_update().filter(pk=round_.pk).first()  # two analysts clicking at once queue one run
    if matching_in_progress(round_) is not None:
        raise ValidationError(_("This round is already being matched. Wait for it to finish."), code="running")
    run = MatchingRun.objects.create(round=round_, requested_by=user, step=_("Queued"))

    def enqueue():
        from bluelight.consolidation.tasks import round_match

        result = round_match.enqueue(run.pk)
        MatchingRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return run


def matching_run_execute(*, run_id: int) -> MatchingRun:
    """Match the run's round, recording progress; on failure the run says what went wrong."""
    run = MatchingRun.objects.select_related("round").get(pk=run_id)
    if run.state in (MatchingState.DONE, MatchingState.FAILED):
        return run
    MatchingRun.objects.filter(pk=run.pk).update(
        state=MatchingState.RUNNING, percent=0, step=_("Starting"), error="", started_at=timezone.now()
    )
    progress = progress_recorder(MatchingRun.objects.filter(pk=run.pk))
    try:
        clusters = services.consolidation_propose(round_=run.round, progress=progress)
    except Exception as exc:
        logger.exception("Matching run %s failed", run.pk)
        MatchingRun.objects.filter(pk=run.pk).update(
            state=MatchingState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    MatchingRun.objects.filter(pk=run.pk).update(
        state=MatchingState.DONE,
        percent=100,
        step=_("Clusters proposed"),
        clusters=len(clusters),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run
