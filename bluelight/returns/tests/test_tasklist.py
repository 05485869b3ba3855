"""The return as a task list: each pre-filled collaboration confirmed, updated or ended; check answers; send."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.returns import items, services
from bluelight.returns.models import ItemAction, ItemProgress, Return, ReturnItem, ReturnState
from bluelight.returns.tests.conftest import south_east_round


@pytest.fixture
def started(cast, org):
    """Surrey Police's return started with two known collaborations, both not yet started."""
    round_ = south_east_round("Task list round")
    make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    make_collaboration("surrey_police", "surrey_frs", title="Joint control room", start_date=datetime.date(2015, 1, 1))
    return_obj = services.return_start(round_=round_, organisation=org("surrey_police"))
    return round_, return_obj


def url(name, round_, *args):
    return reverse(f"returns:{name}", args=[round_.pk, "surrey_police", *args])


def item(return_obj, title) -> ReturnItem:
    return return_obj.items.get(title=title)


def test_pre_filled_collaborations_start_not_started_and_the_submit_task_cannot_start_yet(client, cast, started):
    round_, return_obj = started
    assert set(return_obj.items.values_list("progress", flat=True)) == {ItemProgress.NOT_STARTED}
    client.force_login(cast.editor_a)
    page = client.get(url("return_overview", round_)).content.decode()
    assert page.count("Not yet started") == 2
    assert "You have completed 0 of 2 collaborations." in page
    assert "Cannot start yet" in page
    assert url("return_submit", round_) not in page  # no link to the check-answers page yet
    assert url("item_check", round_, item(return_obj, "Joint control room").pk) in page


def test_submitting_with_a_collaboration_not_completed_is_refused_naming_it(started):
    round_, return_obj = started
    items.return_item_confirm(item=item(return_obj, "Shared fleet workshop"), expected_version=1)
    with pytest.raises(ValidationError) as refused:
        services.return_submit(return_obj=return_obj)
    assert any("Joint control room" in message and "confirm it" in message for message in refused.value.messages)
    assert not any("Shared fleet workshop" in message for message in refused.value.messages)
    assert Return.objects.get(pk=return_obj.pk).state == ReturnState.DRAFT


def test_editor_confirms_each_collaboration_checks_answers_and_submits_with_the_declaration(client, cast, started):
    round_, return_obj = started
    client.force_login(cast.editor_a)
    for title in ("Shared fleet workshop", "Joint control room"):
        it = item(return_obj, title)
        page = client.get(url("item_check", round_, it.pk)).content.decode()
        assert "Is this collaboration still right?" in page and title in page
        response = client.post(url("item_check", round_, it.pk), {"answer": "confirm", "version": it.version})
        assert response.status_code == 302
    assert set(return_obj.items.values_list("progress", flat=True)) == {ItemProgress.COMPLETED}
    assert set(return_obj.items.values_list("action", flat=True)) == {ItemAction.CONFIRM}
    overview = client.get(url("return_overview", round_)).content.decode()
    assert "You have completed 2 of 2 collaborations." in overview and url("return_submit", round_) in overview
    check = client.get(url("return_submit", round_)).content.decode()
    assert "Check your answers before submitting your return" in check
    assert "to the best of your knowledge" in check and "Accept and submit" in check
    assert "Shared fleet workshop" in check and "Joint control room" in check
    version = Return.objects.get(pk=return_obj.pk).version
    client.post(url("return_submit", round_), {"version": version})
    assert Return.objects.get(pk=return_obj.pk).state == ReturnState.SUBMITTED


def test_the_check_answers_page_offers_no_submit_button_until_every_item_is_completed(client, cast, started):
    round_, _return = started
    client.force_login(cast.editor_a)
    page = client.get(url("return_submit", round_)).content.decode()
    assert "You have completed 0 of 2 collaborations: finish the rest before you submit." in page
    assert "Accept and submit" not in page


def test_the_answer_is_required_and_update_and_ended_lead_to_their_pages(client, cast, started):
    round_, return_obj = started
    it = item(return_obj, "Joint control room")
    client.force_login(cast.editor_a)
    missing = client.post(url("item_check", round_, it.pk), {"version": it.version})
    assert missing.status_code == 400
    assert "Select an answer to ‘Is this collaboration still right?’" in missing.content.decode()
    update = client.post(url("item_check", round_, it.pk), {"answer": "update", "version": it.version})
    assert update.headers["Location"] == url("item_edit", round_, it.pk)
    ended = client.post(url("item_check", round_, it.pk), {"answer": "ended", "version": it.version})
    assert ended.headers["Location"] == url("item_end", round_, it.pk)
    assert ReturnItem.objects.get(pk=it.pk).progress == ItemProgress.NOT_STARTED  # choosing a path saves nothing


def test_marking_a_collaboration_ended_records_the_month_how_and_completes_it(client, cast, started):
    round_, return_obj = started
    it = item(return_obj, "Joint control room")
    client.force_login(cast.editor_a)
    response = client.post(
        url("item_end", round_, it.pk), {"end_month": "3", "end_year": "2024", "how": "discontinued", "version": 1}
    )
    assert response.status_code == 302
    it.refresh_from_db()
    assert (it.end_date, it.end_precision) == (datetime.date(2024, 3, 31), "month")
    assert (it.status, it.action, it.progress) == ("discontinued", ItemAction.ENDED, ItemProgress.COMPLETED)


@pytest.mark.parametrize(
    ("month", "year", "field", "message"),
    [
        ("", "", "end_year", "Enter the year it ended"),
        ("13", "2024", "end_month", "End month must be a number from 1 to 12"),
        ("3", "24", "end_year", "End year must be 4 numbers"),
        ("", "2014", "end_year", "The end date must be on or after the start (2015)"),
        ("", str(datetime.date.today().year + 1), "end_year", "The end date must be this month or earlier"),
    ],
)
def test_an_end_date_that_cannot_be_right_is_refused_with_a_message_and_nothing_saved(
    client, cast, started, month, year, field, message
):
    round_, return_obj = started
    it = item(return_obj, "Joint control room")
    client.force_login(cast.editor_a)
    response = client.post(
        url("item_end", round_, it.pk), {"end_month": month, "end_year": year, "how": "completed", "version": 1}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'<a href="#id_{field}">' in response.content.decode()  # the error summary leads to the box at fault
    it.refresh_from_db()
    assert (it.end_date, it.progress) == (None, ItemProgress.NOT_STARTED)


def test_removing_asks_first_and_only_the_confirmation_removes(client, cast, started):
    round_, return_obj = started
    it = item(return_obj, "Shared fleet workshop")
    client.force_login(cast.editor_a)
    page = client.get(url("item_remove", round_, it.pk)).content.decode()
    assert "Are you sure you want to remove this collaboration?" in page
    assert ReturnItem.objects.filter(pk=it.pk).exists()
    client.post(url("item_remove", round_, it.pk), {"version": it.version})
    assert not ReturnItem.objects.filter(pk=it.pk).exists()


def test_a_confirmation_from_a_page_opened_before_someone_else_changed_the_item_is_refused(client, cast, started):
    round_, return_obj = started
    it = item(return_obj, "Shared fleet workshop")
    items.return_item_end(
        item=it, end_date=datetime.date(2020, 12, 31), precision="year", status="completed", expected_version=1
    )
    client.force_login(cast.editor_a)
    response = client.post(url("item_check", round_, it.pk), {"answer": "confirm", "version": 1})
    assert response.status_code == 409 and "changed after you opened it" in response.content.decode()
    assert ReturnItem.objects.get(pk=it.pk).action == ItemAction.ENDED


def submitted(return_obj):
    for it in return_obj.items.all():
        items.return_item_confirm(item=it, expected_version=it.version)
    return services.return_submit(return_obj=return_obj)


def test_analysts_comment_on_one_collaboration_and_the_editor_sees_it_there_once_sent_back(client, cast, started):
    round_, return_obj = started
    submitted(return_obj)
    it = item(return_obj, "Joint control room")
    client.force_login(cast.analyst)
    review = client.get(url("return_overview", round_)).content.decode()
    assert url("item_comment", round_, it.pk) in review
    client.post(url("item_comment", round_, it.pk), {"comment": "Add the savings figure from your 2024 review."})
    # Sent back with no general comment: the comment on the collaboration says what to change.
    response = client.post(url("return_review", round_), {"decision": "send_back", "comment": ""})
    assert response.status_code == 302
    assert Return.objects.get(pk=return_obj.pk).state == ReturnState.RETURNED
    assert ReturnItem.objects.get(pk=it.pk).progress == ItemProgress.IN_PROGRESS
    assert item(return_obj, "Shared fleet workshop").progress == ItemProgress.COMPLETED
    client.force_login(cast.editor_a)
    overview = client.get(url("return_overview", round_)).content.decode()
    assert "Add the savings figure from your 2024 review." in overview and "In progress" in overview
    assert (
        "Add the savings figure from your 2024 review." in client.get(url("item_check", round_, it.pk)).content.decode()
    )


def test_only_analysts_comment_and_only_while_the_return_waits_for_review(client, cast, started):
    round_, return_obj = started
    it = item(return_obj, "Joint control room")
    client.force_login(cast.analyst)
    draft = client.post(url("item_comment", round_, it.pk), {"comment": "Too early"}, follow=True)
    assert "while the return is submitted" in draft.content.decode()
    assert ReturnItem.objects.get(pk=it.pk).analyst_comment == ""
    submitted(return_obj)
    client.force_login(cast.editor_a)
    assert client.post(url("item_comment", round_, it.pk), {"comment": "Mine"}).status_code == 403
    assert ReturnItem.objects.get(pk=it.pk).analyst_comment == ""


def test_sending_back_with_nothing_said_anywhere_is_refused_on_the_form(client, cast, started):
    round_, return_obj = started
    submitted(return_obj)
    client.force_login(cast.analyst)
    response = client.post(url("return_review", round_), {"decision": "send_back", "comment": ""})
    assert response.status_code == 400
    assert "Say what the organisation should change, here or as a comment on a collaboration" in (
        response.content.decode()
    )
    assert Return.objects.get(pk=return_obj.pk).state == ReturnState.SUBMITTED


def test_a_spreadsheet_listing_the_pre_filled_rows_answers_them_and_rows_left_out_stay_to_do(started, org):
    import io

    import openpyxl

    from bluelight.returns import imports

    round_, return_obj = started
    book = openpyxl.load_workbook(io.BytesIO(services.template_build(round=round_, organisation=org("surrey_police"))))
    sheet = book["Return"] if "Return" in book.sheetnames else book.worksheets[0]
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "Joint control room"]
    assert len(rows) == 1, "the download lists the known collaboration"
    sheet.delete_rows(rows[0])  # the editor leaves this one out of the file
    out = io.BytesIO()
    book.save(out)
    result = imports.return_import(
        round=round_, organisation=org("surrey_police"), content=out.getvalue(), filename="r.xlsx"
    )
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.unchanged) == 1  # the file's row matched the item exactly: nothing else was written
    assert item(return_obj, "Shared fleet workshop").progress == ItemProgress.COMPLETED
    assert item(return_obj, "Joint control room").progress == ItemProgress.NOT_STARTED
