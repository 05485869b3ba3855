"""Large return files, checked and imported in the background: asking, confirming, and the worker's part.

The web keeps the file and asks (`import_run_request`); a worker previews it (a dry run); the editor
confirms (`import_run_confirm`) and a worker imports it, all or nothing (`import_run_execute`). The
run keeps its progress and result, so its page shows how far it has got and then what was found.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bluelight.core.runs import progress_recorder
from bluelight.organisations.models import Organisation
from bluelight.returns.imports import ImportResult, return_import
from bluelight.returns.models import ImportPhase, ImportRun, ImportState, Round
from bluelight.returns.sheet import SheetRefused, table_read
from bluelight.returns.uploads import upload_available, upload_delete, upload_load, upload_save

logger = logging.getLogger(__name__)


def background_rows() -> int:
    """Files with more data rows than this are checked and imported by the worker (RETURNS_BACKGROUND_ROWS)."""
    return getattr(settings, "RETURNS_BACKGROUND_ROWS", 2000)


def data_rows(content: bytes, filename: str) -> int:
    """How many rows of collaborations a file holds (blank rows not counted): what decides whether it is
    checked in the request or in the background. 0 for a file that cannot be read; the preview in the
    request then refuses it with its reason."""
    try:
        return len(table_read(content, filename).rows)
    except SheetRefused:
        return 0


def _enqueue(run: ImportRun) -> None:
    """Queue the run's current phase once the transaction that asked for it commits."""
    from bluelight.returns.tasks import return_import_run

    def enqueue():
        result = return_import_run.enqueue(run.pk)
        ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


def import_run_request(
    *, round: Round, organisation: Organisation, content: bytes, filename: str, rows: int, user=None
) -> ImportRun:
    """Keep the file and queue its preview (a dry run) for the worker."""
    token = upload_save(content=content)
    run = ImportRun.objects.create(
        round=round,
        organisation=organisation,
        filename=filename[:255],
        token=token,
        rows=rows,
        requested_by=user,
        step=_("Waiting for the worker"),
    )
    _enqueue(run)
    return run


def import_run_confirm(*, run: ImportRun, user=None) -> ImportRun | None:
    """Queue the import of a previewed run; None when its file has expired (upload it again)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not run.awaiting_confirmation:  # confirmed twice (two tabs): the first one counts
            return run
        if not upload_available(run.token):
            ImportRun.objects.filter(pk=run.pk).update(token="")
            return None
        ImportRun.objects.filter(pk=run.pk).update(
            phase=ImportPhase.IMPORT,
            state=ImportState.QUEUED,
            percent=0,
            step=_("Waiting for the worker"),
            requested_by=user,
            requested_at=timezone.now(),
            started_at=None,
            finished_at=None,
            summary="",
            result={},
        )
        run.refresh_from_db()
        _enqueue(run)
    return run


def _result_json(result: ImportResult) -> dict:
    data = result.as_json()
    data.pop("errors")  # kept in the run's own `errors`
    data["updates_described"] = result.updates_described
    return data


def import_run_execute(*, run_id: int) -> ImportRun:
    """The worker's part: preview or import the run's file, recording progress and then the result."""
    run = ImportRun.objects.select_related("round", "organisation", "requested_by").get(pk=run_id)
    if run.state in (ImportState.DONE, ImportState.FAILED):
        return run  # already finished (a task delivered twice)
    rows = ImportRun.objects.filter(pk=run.pk)
    rows.update(state=ImportState.RUNNING, percent=0, step=_("Starting"), started_at=timezone.now(), failure="")
    content = upload_load(run.token, any_age=True)  # queued, so kept however long the worker took
    if content is None:
        rows.update(
            state=ImportState.FAILED,
            token="",
            failure=_("That upload has expired: upload the file again."),
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    try:
        result = return_import(
            round=run.round,
            organisation=run.organisation,
            content=content,
            filename=run.filename,
            user=run.requested_by,
            dry_run=run.phase == ImportPhase.PREVIEW,
            progress=progress_recorder(rows),
        )
    except Exception as exc:
        logger.exception("Background import run %s failed", run.pk)
        upload_delete(run.token)
        rows.update(
            state=ImportState.FAILED,
            token="",
            failure=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    finished = run.phase == ImportPhase.IMPORT or not result.ok
    if finished:  # nothing left to confirm: the file is not needed any more
        upload_delete(run.token)
    rows.update(
        state=ImportState.DONE,
        percent=100,
        step=_("Done"),
        finished_at=timezone.now(),
        summary=result.summary(),
        errors=[e.as_json() for e in result.errors],
        result=_result_json(result),
        token="" if finished else run.token,
    )
    run.refresh_from_db()
    return run


def import_runs_files_delete() -> int:
    """Remove the kept files of finished runs that no longer need one (all but previews awaiting their
    confirmation); returns how many files were removed. Runs remove their own as they finish: this
    catches a worker stopped in between."""
    removed = 0
    finished = ImportRun.objects.exclude(token="").filter(state__in=[ImportState.DONE, ImportState.FAILED])
    for run in finished:
        if not run.awaiting_confirmation:
            removed += upload_delete(run.token)
            ImportRun.objects.filter(pk=run.pk).update(token="")
    return removed
