"""The editor's return pages in Welsh keep lang true to the content: the collaborations' titles and
descriptions, organisation names and the round's name, written in English, are marked lang="en"."""

import io

from django.urls import reverse

from bluelight.explorer.tests.test_pages_lang import WELSH, languages_of
from bluelight.returns.imports import return_import
from bluelight.returns.models import Return
from bluelight.returns.tests.conftest import csv_bytes, good_row, south_east_round


def test_the_welsh_return_pages_mark_the_english_record_text(client, cast, org):
    round_ = south_east_round("Summer 2026 call for examples")
    result = return_import(
        round=round_, organisation=org("surrey_police"), content=csv_bytes([good_row()]), filename="return.csv"
    )
    assert result.ok, [str(e) for e in result.errors]
    return_obj = Return.objects.get(pk=result.return_id)
    item = return_obj.items.get()
    client.force_login(cast.editor_a)
    args = [return_obj.round.pk, "surrey_police"]

    overview = client.get(reverse("returns:return_overview", args=args), **WELSH).content.decode()
    check = client.get(reverse("returns:return_submit", args=args), **WELSH).content.decode()
    requests = client.get(reverse("returns:my_requests"), **WELSH).content.decode()

    assert '<html lang="cy"' in overview
    assert languages_of(overview, "Joint station at Epsom") == {"en"}
    assert languages_of(overview, "Surrey Fire and Rescue Service") == {"en"}
    assert languages_of(check, "Joint station at Epsom") == {"en"}
    assert languages_of(check, "Police and fire share one station.") == {"en"}
    assert languages_of(requests, round_.name) == {"en"}
    assert item.title == "Joint station at Epsom"  # the text checked is the record's own


def test_a_welsh_upload_page_marks_the_files_english_problem_messages(client, cast):
    """The spreadsheet's problem messages name its English columns and are written in English (README: not yet in
    Welsh), so on a Welsh page the table's column and message cells say so; the page's own words stay Welsh."""
    round_ = south_east_round("Summer 2026 call for examples")
    client.force_login(cast.editor_a)
    upload = io.BytesIO(b"title,partners\nJoint station,Surrey Fire and Rescue Service\n")
    upload.name = "return.csv"
    response = client.post(
        reverse("returns:return_upload", args=[round_.pk, "surrey_police"]), {"file": upload}, **WELSH
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="cy"' in html
    missing = "this required column is missing from the header row"
    assert languages_of(html, missing) == {"en"}
    assert languages_of(html, "lead_organisation") == {"en"}
    assert languages_of(html, "Problemau a ganfuwyd") == {"cy"}
