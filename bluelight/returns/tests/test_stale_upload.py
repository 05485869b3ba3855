"""A download uploaded after the return changed online (or by another upload) never silently undoes that change."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.returns import services
from bluelight.returns.item_values import item_initial
from bluelight.returns.models import Return, ReturnItem
from bluelight.returns.sheet import DOWNLOADED_AT_NAME, VERSIONS_SHEET, cell_text
from bluelight.returns.tests.conftest import good_row, xlsx_bytes
from bluelight.returns.tests.test_round_trip import (
    cell,
    download,
    messages_of,
    overview_url,
    rows_by_reference,
    save,
    snapshot,
    upload,
)

UTC = datetime.UTC


@pytest.fixture
def round_(cast):
    today = datetime.date.today()
    return services.round_open(
        name="Winter round", opens_on=today, closes_on=today + datetime.timedelta(days=30), regions=["South East"]
    )


@pytest.fixture
def return_obj(client, cast, round_):
    """Surrey Police's return of five uploaded items, U1 to U5; editor A is signed in."""
    client.force_login(cast.editor_a)
    titles = ["Joint station", "Co-responding", "Fleet workshop", "Control room", "Estates"]
    rows = [good_row(reference=f"U{n}", title=title) for n, title in enumerate(titles, start=1)]
    assert upload(client, round_, xlsx_bytes(rows)).status_code == 302
    client.get(overview_url(round_))  # read the import's message, so each test sees only its own
    return Return.objects.get(round=round_, organisation__slug="surrey_police")


def edit_online(client, round_, item: ReturnItem, **changes) -> None:
    """Save the item through its page, as an editor working online does."""
    url = reverse("returns:item_edit", args=[round_.pk, "surrey_police", item.pk])
    response = client.post(url, {**item_initial(item), **changes})
    assert response.status_code == 302, response.content.decode()


def row_of(book, reference: str) -> int:
    return cell(book, reference, "reference").row


def errors_of(response) -> list[tuple]:
    return [(e.row, e.column, e.value) for e in response.context["result"].errors]


def test_the_download_says_when_it_was_taken_and_keeps_each_rows_version_hidden(client, round_, return_obj):
    before = datetime.datetime.now(UTC)
    book = download(client, round_)
    taken = datetime.datetime.fromisoformat(book.defined_names[DOWNLOADED_AT_NAME].value.strip('"'))
    assert before <= taken <= datetime.datetime.now(UTC)
    versions = book[VERSIONS_SHEET]
    assert versions.sheet_state == "veryHidden"
    assert [row[0] for row in versions.iter_rows(min_row=2, values_only=True)] == ["U1", "U2", "U3", "U4", "U5"]
    assert book.sheetnames[0] == "Return"


def test_a_row_that_would_undo_a_change_made_online_after_the_download_is_refused_and_nothing_is_written(
    client, round_, return_obj
):
    book = download(client, round_)
    edit_online(client, round_, return_obj.items.get(reference="U3"), title="Fleet workshop (shared)")
    cell(book, "U3", "contact_name").value = "Sam Example"  # a different column of the same item
    cell(book, "U1", "title").value = "Joint station at Epsom"  # a row that alone would be accepted
    before = snapshot(return_obj)

    response = upload(client, round_, save(book), confirm=False)

    assert response.status_code == 400
    assert errors_of(response) == [(row_of(book, "U3"), "reference", "U3")]
    message = response.context["result"].errors[0].message
    assert message.startswith("this item was changed on the website on ")
    assert "after this file was downloaded (" in message
    assert "this row differs from it (title, contact_name), so uploading it would undo that change" in message
    assert "download the return again and make your changes in the new file, or make them online" in message
    page = response.content.decode()
    assert "nothing was imported" in page and "after this file was downloaded" in page
    assert snapshot(return_obj) == before


def test_the_command_refuses_a_stale_file_naming_row_reference_and_both_times(
    tmp_path, capsys, client, round_, return_obj
):
    """Times set explicitly: downloaded 09:15 and changed online 10:42 on 1 December 2026 (GMT)."""
    book = download(client, round_)
    book.defined_names[DOWNLOADED_AT_NAME].attr_text = '"2026-12-01T09:15:00+00:00"'
    early = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    ReturnItem.objects.filter(return_obj=return_obj).update(updated_at=early)
    ReturnItem.history.filter(return_obj_id=return_obj.pk).update(history_date=early)
    item = return_obj.items.get(reference="U3")
    edit_online(client, round_, item, title="Fleet workshop (shared)")
    late = datetime.datetime(2026, 12, 1, 10, 42, tzinfo=UTC)
    ReturnItem.objects.filter(pk=item.pk).update(updated_at=late)
    ReturnItem.history.filter(history_id=item.history.order_by("-history_id")[0].history_id).update(history_date=late)
    cell(book, "U3", "contact_name").value = "Sam Example"
    path = tmp_path / "stale.xlsx"
    path.write_bytes(save(book))
    before = snapshot(return_obj)
    command = ["returns", "import", str(path), "--round", str(round_.pk), "--org", "surrey_police"]

    with pytest.raises(SystemExit) as exit_:
        call_command(*command)

    assert exit_.value.code == 1
    expected = (
        f"row {row_of(book, 'U3')}, column reference: this item was changed on the website on 1 December 2026 at "
        "10:42, after this file was downloaded (1 December 2026 at 09:15), and this row differs from it (title, "
        "contact_name), so uploading it would undo that change: download the return again and make your changes "
        "in the new file, or make them online (value: U3)"
    )
    assert expected in capsys.readouterr().err.splitlines()
    with pytest.raises(SystemExit):
        call_command(*command, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["updated"] == 0
    assert [(e["row"], e["column"], e["value"]) for e in data["errors"]] == [(row_of(book, "U3"), "reference", "U3")]
    assert "changed on the website on 1 December 2026 at 10:42" in data["errors"][0]["message"]
    assert snapshot(return_obj) == before


def test_a_change_to_an_item_not_changed_online_is_written_and_the_online_change_stands(client, round_, return_obj):
    book = download(client, round_)
    edit_online(client, round_, return_obj.items.get(reference="U3"), title="Fleet workshop (shared)")
    cell(book, "U1", "title").value = "Joint station at Epsom"

    response = upload(client, round_, save(book))

    assert response.status_code == 302
    message = messages_of(client, response)
    assert "0 new, 1 updated, 4 unchanged" in message
    assert (
        "this item was changed on the website on" in message and "the row is as downloaded, so that stands" in message
    )
    titles = dict(return_obj.items.values_list("reference", "title"))
    assert titles["U1"] == "Joint station at Epsom" and titles["U3"] == "Fleet workshop (shared)"


def test_the_download_uploaded_unchanged_after_an_online_change_changes_nothing(client, round_, return_obj):
    book = download(client, round_)
    edit_online(client, round_, return_obj.items.get(reference="U3"), title="Fleet workshop (shared)")
    before = snapshot(return_obj)

    response = upload(client, round_, save(book))

    assert "0 new, 0 updated, 5 unchanged" in messages_of(client, response)
    assert snapshot(return_obj) == before


def test_an_item_removed_online_after_the_download_stays_removed_and_a_changed_row_for_it_is_refused(
    client, round_, return_obj
):
    book = download(client, round_)
    item = return_obj.items.get(reference="U5")
    client.post(reverse("returns:item_remove", args=[round_.pk, "surrey_police", item.pk]), {"version": item.version})
    client.get(overview_url(round_))

    unchanged = messages_of(client, upload(client, round_, save(book)))
    assert "0 new, 0 updated, 5 unchanged" in unchanged
    assert "this item was removed on the website on" in unchanged and "as downloaded, so that stands" in unchanged
    assert not return_obj.items.filter(reference="U5").exists()

    cell(book, "U5", "title").value = "Estates and fleet"
    refused = upload(client, round_, save(book), confirm=False)
    assert refused.status_code == 400
    assert errors_of(refused) == [(row_of(book, "U5"), "reference", "U5")]
    assert "this item was removed on the website on" in refused.context["result"].errors[0].message
    assert "delete the row if the item should stay removed" in refused.context["result"].errors[0].message
    assert not return_obj.items.filter(reference="U5").exists()


def test_a_change_made_by_another_upload_after_the_download_is_kept_too(client, round_, return_obj):
    mine, theirs = download(client, round_), download(client, round_)
    cell(theirs, "U2", "status").value = "completed"
    cell(theirs, "U2", "end_date").value = "2026-11"
    assert upload(client, round_, save(theirs)).status_code == 302
    cell(mine, "U2", "contact_name").value = "Sam Example"

    response = upload(client, round_, save(mine), confirm=False)

    assert response.status_code == 400
    assert errors_of(response) == [(row_of(mine, "U2"), "reference", "U2")]
    assert "this item was changed by a spreadsheet upload on" in response.context["result"].errors[0].message
    assert return_obj.items.get(reference="U2").contact_name == "Pat Example"


def test_the_same_download_uploaded_again_with_more_changes_is_accepted(client, round_, return_obj):
    """An upload of this very download is not someone else's change: fix a row and upload it again."""
    book = download(client, round_)
    cell(book, "U1", "title").value = "Joint station at Epsom"
    assert "1 updated" in messages_of(client, upload(client, round_, save(book)))
    cell(book, "U1", "title").value = "Joint station at Epsom and Ewell"

    response = upload(client, round_, save(book))

    assert "0 new, 1 updated, 4 unchanged" in messages_of(client, response)
    assert return_obj.items.get(reference="U1").title == "Joint station at Epsom and Ewell"


def test_an_item_changed_online_between_the_preview_and_the_confirmation_is_not_overwritten(client, round_, return_obj):
    book = download(client, round_)
    cell(book, "U3", "one_off_cost_gbp").value = "£1.5m"
    url = reverse("returns:return_upload", args=[round_.pk, "surrey_police"])
    file = io.BytesIO(save(book))
    file.name = "return.xlsx"
    preview = client.post(url, {"file": file})
    assert preview.status_code == 200 and preview.context["result"].to_update == ["U3"]
    edit_online(client, round_, return_obj.items.get(reference="U3"), title="Fleet workshop (shared)")
    before = snapshot(return_obj)

    response = client.post(url, {"action": "confirm", "token": preview.context["token"]})

    assert response.status_code == 400
    assert errors_of(response) == [(row_of(book, "U3"), "reference", "U3")]
    assert snapshot(return_obj) == before


def test_a_file_that_does_not_say_when_it_was_downloaded_updates_as_before(client, round_, return_obj):
    """CSV files and workbooks not downloaded from the site carry no time: their rows are written as they
    were before there was a time to check, so an online change in between is overwritten."""
    book = download(client, round_)
    edit_online(client, round_, return_obj.items.get(reference="U3"), title="Fleet workshop (shared)")
    out = io.StringIO(newline="")
    csv.writer(out).writerows([cell_text(c.value) for c in row] for row in book["Return"].iter_rows())
    as_csv = out.getvalue().encode("utf-8-sig")
    rows = list(rows_by_reference(book).values())
    own_workbook = xlsx_bytes([{k: cell_text(v) for k, v in row.items()} for row in rows])
    assert not openpyxl.load_workbook(io.BytesIO(own_workbook)).defined_names

    for content, filename in [(as_csv, "return.csv"), (own_workbook, "return.xlsx")]:
        edit_online(client, round_, return_obj.items.get(reference="U3"), title="Fleet workshop (shared)")
        response = upload(client, round_, content, filename=filename)
        assert "0 new, 1 updated, 4 unchanged" in messages_of(client, response), filename
        assert return_obj.items.get(reference="U3").title == "Fleet workshop"


def test_a_download_time_that_cannot_be_read_is_refused(client, round_, return_obj):
    book = download(client, round_)
    book.defined_names[DOWNLOADED_AT_NAME].attr_text = '"yesterday"'
    response = upload(client, round_, save(book), confirm=False)
    assert response.status_code == 400
    assert "says when it was downloaded in a form that cannot be read" in response.content.decode()


def test_the_template_downloaded_before_the_return_was_started_is_checked_against_later_edits_only(
    client, cast, round_
):
    """Starting a return pre-fills its items from the same known collaborations as the template: that is
    not a change the template would undo. An edit made online after it is."""
    collaboration = make_collaboration("surrey_police", "surrey_frs", title="Joint station")
    reference = f"C{collaboration.pk}"
    client.force_login(cast.editor_a)
    first, second = download(client, round_), download(client, round_)
    client.post(overview_url(round_), {"action": "start"})
    return_obj = Return.objects.get(round=round_, organisation__slug="surrey_police")
    assert return_obj.items.filter(reference=reference).exists()

    cell(first, reference, "title").value = "Joint station at Epsom"
    response = upload(client, round_, save(first))
    assert "0 new, 1 updated, 0 unchanged" in messages_of(client, response)

    edit_online(client, round_, return_obj.items.get(reference=reference), title="Joint station at Reigate")
    cell(second, reference, "description").value = "Police and fire share one station."
    refused = upload(client, round_, save(second), confirm=False)
    assert refused.status_code == 400
    assert errors_of(refused) == [(row_of(second, reference), "reference", reference)]
    assert return_obj.items.get(reference=reference).title == "Joint station at Reigate"


def test_an_item_changed_after_the_download_without_a_trace_in_its_history_is_protected_by_its_time(
    client, round_, return_obj
):
    """A correction made in the database leaves no history; the item's updated_at still says it changed."""
    book = download(client, round_)
    later = datetime.datetime.now(UTC) + datetime.timedelta(minutes=1)
    ReturnItem.objects.filter(return_obj=return_obj, reference="U3").update(title="Fleet garage", updated_at=later)
    cell(book, "U3", "contact_name").value = "Sam Example"

    response = upload(client, round_, save(book), confirm=False)

    assert response.status_code == 400
    assert errors_of(response) == [(row_of(book, "U3"), "reference", "U3")]
    assert response.context["result"].errors[0].message.startswith("this item was changed on ")
    assert return_obj.items.get(reference="U3").title == "Fleet garage"
