"""Uploaded files waiting for their confirmation: kept under a token, gone after RETURNS_PREVIEW_HOURS,
and a confirmation of one that is gone says "upload it again", never a 500."""

import datetime
import io
import json
import os
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from bluelight.returns import services, uploads
from bluelight.returns.models import ImportPhase, ImportRun, ImportState, Return
from bluelight.returns.tests.conftest import good_row, xlsx_bytes
from bluelight.returns.tests.test_round_trip import messages_of

EXPIRED = "That upload has expired: upload the file again."


@pytest.fixture
def round_(cast):
    """An open round asking the South East, Surrey Police and Kent FRS among them."""
    today = datetime.date.today()
    return services.round_open(
        name="Summer round", opens_on=today, closes_on=today + datetime.timedelta(days=30), regions=["South East"]
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETURNS_PREVIEW_HOURS = 24


def age(token: str, hours: float) -> None:
    """Make a kept file `hours` old."""
    then = time.time() - hours * 3600
    os.utime(uploads.upload_dir() / token, (then, then))


def kept() -> set[str]:
    directory = uploads.upload_dir()
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def test_a_kept_file_reads_back_until_it_is_deleted(db):
    token = uploads.upload_save(content=b"reference,title\n")
    assert uploads.upload_load(token) == b"reference,title\n"
    assert uploads.upload_available(token)
    assert uploads.upload_delete(token) is True
    assert uploads.upload_load(token) is None
    assert uploads.upload_delete(token) is False


@pytest.mark.parametrize("token", ["", "nope", "../../settings.py", "a" * 65, "..%2F..%2Fetc%2Fpasswd", None])
def test_a_token_that_is_not_one_of_ours_reads_as_nothing(db, token):
    uploads.upload_save(content=b"x")  # the folder exists
    assert uploads.upload_load(token) is None
    assert uploads.upload_available(token) is False
    assert uploads.upload_delete(token) is False


def test_an_expired_file_reads_as_nothing_and_is_removed(db):
    token = uploads.upload_save(content=b"x")
    age(token, 25)
    assert uploads.upload_load(token) is None
    assert token not in kept()


def test_expired_files_are_deleted_and_counted_and_recent_ones_kept(db, settings):
    old, recent = uploads.upload_save(content=b"old"), uploads.upload_save(content=b"recent")
    age(old, 25)
    age(recent, 23)
    assert uploads.upload_previews_delete_expired() == 1
    assert kept() == {recent}
    settings.RETURNS_PREVIEW_HOURS = 1
    assert uploads.upload_previews_delete_expired() == 1
    assert kept() == set()
    assert uploads.upload_previews_delete_expired() == 0


def test_older_than_overrides_the_setting(db):
    token = uploads.upload_save(content=b"x")
    age(token, 2)
    assert uploads.upload_previews_delete_expired(older_than=uploads.preview_lifetime()) == 0
    assert uploads.upload_previews_delete_expired(older_than=uploads.datetime.timedelta(hours=1)) == 1


def test_saving_a_new_preview_deletes_expired_ones(db):
    old = uploads.upload_save(content=b"old")
    age(old, 30)
    new = uploads.upload_save(content=b"new")
    assert kept() == {new}


def test_the_file_of_a_queued_background_import_is_never_deleted(db, cast, round_):
    token = uploads.upload_save(content=b"x")
    ImportRun.objects.create(round=round_, organisation=cast.editor_a.organisations.get(), filename="f", token=token)
    age(token, 48)
    assert uploads.upload_previews_delete_expired() == 0
    assert uploads.upload_load(token, any_age=True) == b"x"  # as the worker reads it, however late ...
    ImportRun.objects.update(state=ImportState.DONE)
    assert uploads.upload_previews_delete_expired() == 1  # ... until it is finished


# The page -------------------------------------------------------------------------------------


def _preview(client, round_):
    url = reverse("returns:return_upload", args=[round_.pk, "surrey_police"])
    file = io.BytesIO(xlsx_bytes([good_row()]))
    file.name = "return.xlsx"
    response = client.post(url, {"file": file})
    assert response.status_code == 200, response.content.decode()
    return url, response.context["token"]


@pytest.mark.parametrize("how", ["unknown token", "file removed", "file expired", "no session", "traversal"])
def test_a_stale_confirmation_says_upload_again_and_never_500s(client, cast, round_, how):
    client.force_login(cast.editor_a)
    url, token = _preview(client, round_)
    posted = token
    if how == "unknown token":
        posted = "x" * 22
    elif how == "file removed":
        uploads.upload_delete(token)
    elif how == "file expired":
        age(token, 25)
    elif how == "no session":
        session = client.session
        del session["pending_upload"]
        session.save()
    elif how == "traversal":
        session = client.session
        session["pending_upload"] = {**session["pending_upload"], "token": "../../bluelight.sqlite3"}
        session.save()
        posted = "../../bluelight.sqlite3"

    response = client.post(url, {"action": "confirm", "token": posted})

    assert response.status_code == 302 and response.url == url
    assert EXPIRED in messages_of(client, response)
    assert not Return.objects.filter(round=round_).exists()
    page = client.get(url)
    assert page.status_code == 200


def test_a_stale_token_from_another_tab_leaves_the_newer_preview_confirmable(client, cast, round_):
    client.force_login(cast.editor_a)
    url, token = _preview(client, round_)
    assert client.post(url, {"action": "confirm", "token": "y" * 22}).status_code == 302
    response = client.post(url, {"action": "confirm", "token": token})
    assert response.status_code == 302 and "Imported 1 rows" in messages_of(client, response)
    assert token not in kept()


def test_a_confirmed_preview_removes_its_file(client, cast, round_):
    client.force_login(cast.editor_a)
    url, token = _preview(client, round_)
    assert token in kept()
    client.post(url, {"action": "confirm", "token": token})
    assert kept() == set()


# The command ----------------------------------------------------------------------------------


def test_cleanup_removes_expired_previews_and_says_how_many(db, capsys):
    old, recent = uploads.upload_save(content=b"old"), uploads.upload_save(content=b"recent")
    age(old, 25)
    call_command("cleanup")
    assert "Removed 1 uploaded file(s) older than 24 hours and 0 file(s) of finished background imports." in (
        capsys.readouterr().out
    )
    assert kept() == {recent}
    age(recent, 25)
    call_command("cleanup", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "expired_previews": 1,
        "finished_import_files": 0,
        "preview_hours": 24,
    }
    call_command("cleanup", "--json")  # again, from cron: nothing left, no error
    assert json.loads(capsys.readouterr().out)["expired_previews"] == 0


def test_cleanup_removes_the_files_of_finished_background_imports_only(db, cast, round_, capsys):
    organisation = cast.editor_a.organisations.get()

    def run(**fields) -> ImportRun:
        return ImportRun.objects.create(
            round=round_, organisation=organisation, filename="f", token=uploads.upload_save(content=b"x"), **fields
        )

    imported = run(phase=ImportPhase.IMPORT, state=ImportState.DONE)
    failed = run(state=ImportState.FAILED)
    refused = run(state=ImportState.DONE, errors=[{"row": 2, "column": "title", "value": "", "message": "m"}])
    awaiting = run(state=ImportState.DONE)
    queued = run()

    call_command("cleanup", "--json")

    assert json.loads(capsys.readouterr().out)["finished_import_files"] == 3
    assert kept() == {awaiting.token, queued.token}
    for done in (imported, failed, refused):
        done.refresh_from_db()
        assert done.token == ""


def test_cleanup_has_help():
    from bluelight.returns.management.commands.cleanup import Command

    assert len(Command.help) > 20
