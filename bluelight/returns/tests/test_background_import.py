"""A file of more than RETURNS_BACKGROUND_ROWS rows is checked, then imported, by the worker, with its progress
on its own page. Tests use the immediate task backend: a task runs as soon as its transaction commits."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from bluelight.returns import runs, services, uploads
from bluelight.returns.models import ImportPhase, ImportRun, ImportState, Return
from bluelight.returns.tests.conftest import good_row, xlsx_bytes
from bluelight.returns.tests.test_round_trip import messages_of

ROWS = [good_row(reference=f"B{n}", title=f"Shared station {n}") for n in range(1, 4)]


@pytest.fixture
def round_(cast):
    """An open round asking the South East, Surrey Police and Kent FRS among them."""
    today = datetime.date.today()
    return services.round_open(
        name="Summer round", opens_on=today, closes_on=today + datetime.timedelta(days=30), regions=["South East"]
    )


@pytest.fixture(autouse=True)
def _small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETURNS_BACKGROUND_ROWS = 2


@pytest.fixture
def editor(client, cast):
    client.force_login(cast.editor_a)
    return client


def upload_url(round_, org="surrey_police"):
    return reverse("returns:return_upload", args=[round_.pk, org])


def post_file(client, round_, content: bytes, capture, filename="return.xlsx"):
    file = io.BytesIO(content)
    file.name = filename
    with capture(execute=True):
        return client.post(upload_url(round_), {"file": file})


def confirm(client, run: ImportRun, capture):
    with capture(execute=True):
        return client.post(run.get_absolute_url(), {"action": "confirm"})


def test_a_large_file_is_previewed_in_the_background_then_imported_on_confirmation(
    editor,
    cast,
    round_,
    django_capture_on_commit_callbacks,
):
    response = post_file(editor, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert response.url == f"/returns/rounds/{round_.pk}/surrey_police/imports/{run.pk}/"
    assert (run.phase, run.state, run.percent, run.rows) == (ImportPhase.PREVIEW, ImportState.DONE, 100, 3)
    assert run.requested_by == cast.editor_a and run.filename == "return.xlsx"
    assert run.started_at and run.finished_at and run.task_id
    assert run.errors == [] and run.awaiting_confirmation
    assert run.result["to_create"] == ["B1", "B2", "B3"] and run.result["rows"] == 3
    assert run.summary.startswith("Dry run, nothing written: 3 rows would give 3 new")
    assert not Return.objects.filter(round=round_).exists()
    page = editor.get(run.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm and import" in html and "B1, B2, B3" in html
    assert "data-refresh-seconds" not in html  # finished: the page stops refreshing itself
    listed = editor.get(upload_url(round_)).content.decode()  # where to find it again after leaving it
    assert f'href="{run.get_absolute_url()}">return.xlsx</a>' in listed and "waiting for you to confirm it" in listed

    response = confirm(editor, run, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == run.get_absolute_url()
    run.refresh_from_db()
    assert (run.phase, run.state, run.token) == (ImportPhase.IMPORT, ImportState.DONE, "")
    assert run.summary.startswith("Imported 3 rows into the return of Surrey Police")
    return_obj = Return.objects.get(round=round_, organisation__slug="surrey_police")
    assert sorted(return_obj.items.values_list("reference", flat=True)) == ["B1", "B2", "B3"]
    assert {h.history_user for h in return_obj.items.get(reference="B1").history.all()} == {cast.editor_a}
    html = editor.get(run.get_absolute_url()).content.decode()
    assert "The file is imported" in html and "Imported 3 rows" in html and "Confirm and import" not in html
    assert not any(uploads.upload_dir().iterdir())  # the file went with the import


def test_a_file_at_the_threshold_is_still_previewed_in_the_request(editor, round_, django_capture_on_commit_callbacks):
    response = post_file(editor, round_, xlsx_bytes(ROWS[:2]), django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.context["token"]
    assert not ImportRun.objects.exists()


def test_a_file_that_cannot_be_read_is_refused_in_the_request(editor, round_, django_capture_on_commit_callbacks):
    response = post_file(editor, round_, b"\x00\x01 not a spreadsheet", django_capture_on_commit_callbacks, "r.csv")
    assert response.status_code == 400 and "not a text file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_background_preview_names_each_row_with_a_problem_and_imports_nothing(
    editor,
    round_,
    django_capture_on_commit_callbacks,
):
    rows = [*ROWS, good_row(reference="B4", theme="not_a_theme"), good_row(reference="B5", contact_email="nope")]

    post_file(editor, round_, xlsx_bytes(rows), django_capture_on_commit_callbacks)

    run = ImportRun.objects.get()
    assert run.state == ImportState.DONE and not run.awaiting_confirmation and run.token == ""
    assert [(e["row"], e["column"]) for e in run.errors] == [(5, "theme"), (6, "contact_email")]
    assert all(set(e) == {"row", "column", "value", "message"} for e in run.errors)
    html = editor.get(run.get_absolute_url()).content.decode()
    assert "2 problems in the file: nothing was imported" in html and "not_a_theme" in html
    assert "Confirm and import" not in html and "Upload the corrected file" in html
    response = confirm(editor, run, django_capture_on_commit_callbacks)  # a hand-made POST changes nothing
    run.refresh_from_db()
    assert response.status_code == 302 and run.phase == ImportPhase.PREVIEW
    assert not Return.objects.filter(round=round_).exists()


def test_a_change_made_between_preview_and_confirmation_is_checked_again_when_importing(
    editor,
    round_,
    django_capture_on_commit_callbacks,
):
    post_file(editor, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    Return.objects.create(round=round_, organisation=run.organisation, state="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        runs.import_run_confirm(run=run)

    run.refresh_from_db()
    assert run.phase == ImportPhase.IMPORT and run.state == ImportState.DONE
    assert run.errors[0]["column"] == "return" and "submitted" in run.errors[0]["message"]
    assert not Return.objects.get(round=round_).items.exists()


def test_an_expired_preview_cannot_be_confirmed(editor, round_, django_capture_on_commit_callbacks):
    post_file(editor, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    uploads.upload_delete(run.token)

    response = confirm(editor, run, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == upload_url(round_)
    assert "That upload has expired: upload the file again." in messages_of(editor, response)
    run.refresh_from_db()
    assert run.phase == ImportPhase.PREVIEW and run.token == ""
    assert not Return.objects.filter(round=round_).exists()


def test_a_queued_run_shows_its_progress_in_a_polite_live_region_that_refreshes_itself(
    editor,
    cast,
    round_,
    settings,
):
    run = runs.import_run_request(  # not committed, so never started: queued
        round=round_, organisation=cast.editor_a.organisations.get(), content=b"x", filename="big.csv", rows=2500
    )
    html = editor.get(run.get_absolute_url()).content.decode()
    assert 'id="run-status" aria-live="polite" data-refresh-seconds="3"' in html
    assert "Queued: Waiting for the worker" in html and 'value="0"' in html and "Refresh the page" in html
    assert "big.csv, 2,500 rows" in html and "js/run-progress.js" in html
    assert 'id="worker-not-running"' not in html  # the immediate backend has no worker to wait for

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ImportRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=5))
    assert 'id="worker-not-running"' in editor.get(run.get_absolute_url()).content.decode()


def test_progress_is_reported_as_rows_are_checked(import_file):
    heard = []
    import_file(
        xlsx_bytes([good_row(reference=f"P{n}") for n in range(250)]), dry_run=True, progress=lambda *a: heard.append(a)
    )
    percents = [p for p, _step in heard]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 85
    steps = [step for _p, step in heard]
    assert "Reading the file" in steps and "Checking row 2 of 251" in steps and "Checking row 202 of 251" in steps


def test_a_run_that_fails_says_what_went_wrong_and_keeps_no_file(
    editor,
    round_,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(runs, "return_import", broken)
    post_file(editor, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)

    run = ImportRun.objects.get()
    assert run.state == ImportState.FAILED and run.failure == "RuntimeError: the database went away"
    assert run.token == "" and not any(uploads.upload_dir().iterdir())
    html = editor.get(run.get_absolute_url()).content.decode()
    assert "The file could not be checked or imported" in html and "the database went away" in html


def test_a_finished_run_delivered_again_does_nothing(editor, round_, django_capture_on_commit_callbacks):
    post_file(editor, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    finished_at = run.finished_at
    assert runs.import_run_execute(run_id=run.pk).finished_at == finished_at


def test_confirming_twice_imports_once(editor, round_, django_capture_on_commit_callbacks):
    post_file(editor, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    confirm(editor, run, django_capture_on_commit_callbacks)
    finished_at = ImportRun.objects.get().finished_at
    assert confirm(editor, run, django_capture_on_commit_callbacks).status_code == 302
    assert ImportRun.objects.get().finished_at == finished_at


# Who may see and confirm a run ---------------------------------------------------------------------


@pytest.fixture
def previewed(client, cast, round_, django_capture_on_commit_callbacks):
    client.force_login(cast.editor_a)
    post_file(client, round_, xlsx_bytes(ROWS), django_capture_on_commit_callbacks)
    client.logout()
    return ImportRun.objects.get()


def test_another_organisations_editor_cannot_see_or_confirm_a_run(
    client,
    cast,
    round_,
    previewed,
    django_capture_on_commit_callbacks,
):
    client.force_login(cast.editor_b)
    assert client.get(previewed.get_absolute_url()).status_code == 404
    assert confirm(client, previewed, django_capture_on_commit_callbacks).status_code == 404
    # Through the editor's own organisation's address, the run is still not theirs.
    own = reverse("returns:import_run", args=[round_.pk, "kent_frs", previewed.pk])
    assert client.get(own).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(own, {"action": "confirm"}).status_code == 404
    previewed.refresh_from_db()
    assert previewed.phase == ImportPhase.PREVIEW and not Return.objects.filter(round=round_).exists()


def test_a_run_is_found_only_under_its_own_round(client, cast, round_, previewed):
    today = datetime.date.today()
    other = services.round_open(
        name="Other round", opens_on=today, closes_on=today + datetime.timedelta(days=30), regions=["South East"]
    )
    client.force_login(cast.editor_a)
    assert client.get(reverse("returns:import_run", args=[other.pk, "surrey_police", previewed.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, previewed):
    response = client.get(previewed.get_absolute_url())
    assert response.status_code == 302 and "login" in response.url


def test_whoever_may_use_the_upload_page_may_use_the_run_page(client, cast, round_, previewed):
    for user in (cast.analyst, cast.editor_b):
        client.force_login(user)
        upload_page = client.get(upload_url(round_)).status_code
        assert client.get(previewed.get_absolute_url()).status_code == upload_page, user
