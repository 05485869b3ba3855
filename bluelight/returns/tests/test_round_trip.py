"""Editors' spreadsheet round trip: the download is the return as it stands, and uploading it back is a no-op."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bluelight.collaborations import rules
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.returns import services
from bluelight.returns.imports import return_import
from bluelight.returns.item_values import item_initial
from bluelight.returns.models import ItemAction, Return
from bluelight.returns.services import template_build
from bluelight.returns.sheet import COLUMNS, cell_text
from bluelight.returns.tests.conftest import good_row, items_complete, xlsx_bytes


@pytest.fixture
def round_(cast):
    today = datetime.date.today()
    return services.round_open(
        name="Summer round", opens_on=today, closes_on=today + datetime.timedelta(days=30), regions=["South East"]
    )


@pytest.fixture
def return_obj(client, cast, round_, org, theme):
    """Surrey Police's return with ten items: three started from known collaborations, two added on
    the web, five uploaded (typed with aliases, money as £12k, month dates)."""
    police = org("surrey_police")
    make_collaboration(
        "surrey_frs",
        "surrey_police",
        title="Joint fire and police station",
        description="One station for both services.\nTwo floors.",
        status="operational",
        scope="regional",
        theme=theme("es_shared_hq"),
        start_date=datetime.date(2016, 5, 1),
        start_precision="month",
        end_date=datetime.date(2030, 12, 31),
        end_precision="year",
        lessons="Agreeing the lease took a year.",
        benefits=[
            saving("50000", basis="realised", price_year=2024, accrues_to=police),
            saving("250000.50", kind="investment_cost", basis="realised", price_year=2024, accrues_to=police),
            saving("75000", kind="external_funding", basis="realised", price_year=2024, accrues_to=police),
        ],
        outcomes=[rules.OutcomeData("Response times down two minutes"), rules.OutcomeData("Fewer call-outs")],
        contacts=[rules.ContactData("Pat Example", "pat@example.org", police)],
    )
    make_collaboration("surrey_police", "south_east_coast_as", title="Planned joint response car", status="planned")
    make_collaboration("surrey_police", "sussex_police", "kent_police", title="Regional dog unit", scope="regional")
    client.force_login(cast.editor_a)
    client.post(overview_url(round_), {"action": "start"})
    create = reverse("returns:item_create", args=[round_.pk, "surrey_police"])
    client.post(create, web_item(title="Shared drone unit", start_date_month="9", start_date_year="2025"))
    client.post(
        create,
        web_item(title="Shared estates team", partners=["Surrey FRS", "SECAmb"], lead_organisation="SECAmb"),
    )
    rows = [
        good_row(reference="U1", partners="SFRS; SECAmb", annual_savings_gbp="£12k", savings_basis="estimated"),
        good_row(reference="U2", title="Co-responding", start_date="2019-03", end_date="2021-11", status="completed"),
        good_row(reference="U3", title="Fleet workshop", one_off_cost_gbp="£1.2m", price_year="2023"),
        good_row(reference="U4", title="Control room", external_funding_gbp="75,000", outcomes="Calls answered faster"),
        good_row(reference="U5", title="Estates", lead_organisation="", evidence_url="https://example.org/report"),
    ]
    assert upload(client, round_, xlsx_bytes(rows)).status_code == 302
    client.get(overview_url(round_))  # read the import's message, so each test sees only its own
    return_obj = Return.objects.get(round=round_, organisation=police)
    assert return_obj.items.count() == 10
    return items_complete(return_obj)  # the three known ones confirmed on the task list, as an editor would


def overview_url(round_):
    return reverse("returns:return_overview", args=[round_.pk, "surrey_police"])


def web_item(**overrides) -> dict:
    data = {
        "title": "Joint station at Epsom",
        "partners": ["SFRS"],
        "theme": "es_shared_hq",
        "status": "operational",
        "start_date_month": "4",
        "start_date_year": "2016",
        "annual_savings_gbp": "£12,000",
        "annual_savings_basis": "estimated",
        "contact_email": "pat@example.org",
        "progress": "completed",
    }
    return {**data, **overrides}


def download(client, round_) -> openpyxl.Workbook:
    response = client.get(reverse("returns:return_template", args=[round_.pk, "surrey_police"]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, round_, content: bytes, *, confirm: bool = True, filename: str = "return.xlsx"):
    """Upload through the page (preview, then confirm): the confirmation's response, or the preview's."""
    url = reverse("returns:return_upload", args=[round_.pk, "surrey_police"])
    file = io.BytesIO(content)
    file.name = filename
    preview = client.post(url, {"file": file})
    if not confirm or preview.status_code != 200:
        return preview
    return client.post(url, {"action": "confirm", "token": preview.context["token"]})


def messages_of(client, response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def rows_by_reference(book: openpyxl.Workbook) -> dict[str, dict]:
    sheet = book["Return"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    return {row["reference"]: row for row in rows}


def cell(book: openpyxl.Workbook, reference: str, column: str):
    sheet = book["Return"]
    number = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == reference)
    return sheet.cell(row=number, column=COLUMNS.index(column) + 1)


def snapshot(return_obj: Return) -> dict:
    """Every stored value of every item, its partners and its history, by reference."""
    return {
        item.reference: {
            **model_to_dict(item),
            "updated_at": item.updated_at,
            "partners": sorted((p.organisation_id, p.typed_as) for p in item.partners.all()),
            "history": item.history.count(),
        }
        for item in return_obj.items.all()
    }


def test_uploading_the_downloaded_return_unchanged_changes_nothing(client, round_, return_obj):
    before = snapshot(return_obj)
    book = download(client, round_)
    assert set(rows_by_reference(book)) == set(before)

    response = upload(client, round_, save(book))

    assert response.status_code == 302
    assert "0 new, 0 updated, 10 unchanged" in messages_of(client, response)
    assert snapshot(return_obj) == before
    page = client.get(reverse("returns:return_upload", args=[round_.pk, "surrey_police"])).content.decode()
    assert "Download your return as a spreadsheet" in page


def test_the_download_writes_each_field_as_stored(client, round_, return_obj):
    book = download(client, round_)
    rows = rows_by_reference(book)
    assert "holds this return as it stood on" in book["Guidance"]["A2"].value
    station = rows[return_obj.items.get(title="Joint fire and police station").reference]
    assert station["partners"] == "Surrey Fire and Rescue Service; Surrey Police"
    assert station["lead_organisation"] == "Surrey Fire and Rescue Service"
    assert (station["start_date"], station["end_date"]) == ("2016-05", "2030")
    assert (station["annual_savings_gbp"], station["one_off_cost_gbp"]) == (50000, 250000.5)
    assert (station["external_funding_gbp"], station["price_year"]) == (75000, 2024)
    assert station["outcomes"] == "Response times down two minutes\nFewer call-outs"
    assert station["description"] == "One station for both services.\nTwo floors."
    # As typed on the web and in the earlier upload; the reporter, only implied, is left out.
    assert rows["W2"]["partners"] == "Surrey FRS; SECAmb" and rows["W2"]["lead_organisation"] == "SECAmb"
    assert rows["U1"]["partners"] == "SFRS; SECAmb" and rows["U1"]["annual_savings_gbp"] == 12000
    assert (rows["U2"]["start_date"], rows["U2"]["end_date"]) == ("2019-03", "2021-11")
    assert rows["U2"]["status"] == "completed"
    assert rows["U3"]["one_off_cost_gbp"] == 1200000 and rows["U3"]["price_year"] == 2023
    assert rows["U4"]["price_year"] == datetime.date.today().year  # filled in by the upload, written back
    assert rows["U5"]["lead_organisation"] == "Surrey Police" and rows["U5"]["theme"] == "es_shared_hq"


def test_an_item_changed_online_is_in_the_download_and_uploading_it_back_keeps_the_change(client, round_, return_obj):
    item = return_obj.items.get(title="Regional dog unit")
    data = {**item_initial(item), "title": "Regional dog and drone unit", "annual_savings_gbp": "8k"}
    data |= {"annual_savings_basis": "estimated", "progress": "completed"}
    response = client.post(reverse("returns:item_edit", args=[round_.pk, "surrey_police", item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Regional dog and drone unit" and item.annual_savings_gbp == 8000

    book = download(client, round_)
    assert cell(book, item.reference, "title").value == "Regional dog and drone unit"
    assert cell(book, item.reference, "annual_savings_gbp").value == 8000
    before = snapshot(return_obj)

    response = upload(client, round_, save(book))

    assert "0 new, 0 updated, 10 unchanged" in messages_of(client, response)
    assert snapshot(return_obj) == before
    item.refresh_from_db()
    assert item.title == "Regional dog and drone unit"


def test_one_cell_changed_in_the_download_updates_exactly_that_field(client, round_, return_obj):
    book = download(client, round_)
    cell(book, "U3", "one_off_cost_gbp").value = "£1.5m"
    before = snapshot(return_obj)

    preview = upload(client, round_, save(book), confirm=False)
    assert preview.context["result"].changes == {"U3": ["one_off_cost_gbp"]}
    assert "U3 (one_off_cost_gbp)" in preview.content.decode()
    response = upload(client, round_, save(book))

    assert "0 new, 1 updated, 9 unchanged" in messages_of(client, response)
    after = snapshot(return_obj)
    assert {ref for ref in before if before[ref] != after[ref]} == {"U3"}
    changed = {k for k in before["U3"] if before["U3"][k] != after["U3"][k]}
    # The value, the cells it came from, and where the row now is in the file.
    assert changed - {"row_number"} == {"one_off_cost_gbp", "raw", "updated_at", "history"}
    assert after["U3"]["one_off_cost_gbp"] == 1_500_000 and after["U3"]["history"] == before["U3"]["history"] + 1


def test_an_uploads_changes_are_in_the_next_download(client, round_, return_obj):
    book = download(client, round_)
    cell(book, "U2", "end_date").value = "2022-02"
    cell(book, "W1", "partners").value = "SFRS; Sussex Police"
    sheet = book["Return"]
    sheet.append({COLUMNS.index(c) + 1: v for c, v in good_row(reference="U6", title="Joint training").items() if v})
    assert upload(client, round_, save(book)).status_code == 302

    rows = rows_by_reference(download(client, round_))
    assert rows["U2"]["end_date"] == "2022-02"
    assert rows["W1"]["partners"] == "SFRS; Sussex Police"
    assert rows["U6"]["title"] == "Joint training"
    assert len(rows) == 11


def test_an_item_started_from_a_known_collaboration_stays_a_confirmation_after_the_round_trip(
    client, round_, return_obj
):
    item = return_obj.items.get(title="Planned joint response car")
    assert item.action == ItemAction.CONFIRM
    upload(client, round_, save(download(client, round_)))
    item.refresh_from_db()
    assert item.action == ItemAction.CONFIRM


def test_rows_deleted_from_the_download_keep_their_items_and_the_message_says_so(client, round_, return_obj):
    book = download(client, round_)
    sheet = book["Return"]
    sheet.delete_rows(cell(book, "U5", "reference").row)
    response = upload(client, round_, save(book))
    message = messages_of(client, response)
    assert "0 updated, 9 unchanged" in message and "were left as they are (U5)" in message
    assert return_obj.items.filter(reference="U5").exists()


def test_a_bad_cell_in_the_download_is_named_and_nothing_is_written(client, round_, return_obj):
    book = download(client, round_)
    cell(book, "U1", "title").value = "Changed"
    cell(book, "U3", "annual_savings_gbp").value = "10-20k"
    before = snapshot(return_obj)
    response = upload(client, round_, save(book), confirm=False)
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(cell(book, "U3", "reference").row, "annual_savings_gbp")]
    assert "not a range" in response.content.decode()
    assert snapshot(return_obj) == before


def test_text_that_looks_like_a_formula_is_downloaded_as_text(client, round_, return_obj):
    item = return_obj.items.get(reference="U1")
    item.benefits = '=HYPERLINK("https://example.org","click")'
    item.save()
    book = download(client, round_)
    benefits = cell(book, "U1", "benefits")
    assert benefits.data_type == "s" and benefits.value == "'" + item.benefits  # apostrophe: never run, read back
    before = snapshot(return_obj)
    assert "0 updated, 10 unchanged" in messages_of(client, upload(client, round_, save(book)))
    assert snapshot(return_obj) == before


def test_the_command_writes_the_return_as_it_stands_and_imports_it_back_as_unchanged(
    tmp_path, capsys, round_, return_obj
):
    path = tmp_path / "surrey.xlsx"
    call_command("returns", "template", "--round", str(round_.pk), "--org", "surrey_police", "-o", str(path))
    before = snapshot(return_obj)
    capsys.readouterr()
    call_command("returns", "import", str(path), "--round", str(round_.pk), "--org", "surrey_police", "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["updated"], len(data["unchanged"]), data["changes"]) == (0, 10, {})
    assert snapshot(return_obj) == before


def test_the_download_saved_as_csv_by_excel_comes_back_unchanged(client, round_, return_obj):
    """Excel writes what cells show: money formatted 12,000.00, dates as the text 2016-05."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in download(client, round_)["Return"].iter_rows():
        writer.writerow(
            [
                f"{c.value:,.2f}" if isinstance(c.value, int | float) and "#" in c.number_format else cell_text(c.value)
                for c in row
            ]
        )
    assert "50,000.00" in out.getvalue() and "2016-05" in out.getvalue()
    before = snapshot(return_obj)
    response = upload(client, round_, out.getvalue().encode("utf-8-sig"), filename="return.csv")
    assert "0 new, 0 updated, 10 unchanged" in messages_of(client, response)
    assert snapshot(return_obj) == before


def test_partners_formed_by_a_merger_after_the_start_come_back_as_themselves(round_, org):
    """Hampshire and Isle of Wight FRS (formed 2021) in a 2016 collaboration: the name is read back at 2016."""
    police = org("hampshire_iow_constabulary")
    make_collaboration(
        "hampshire_iow_frs", "hampshire_iow_constabulary", start_date=datetime.date(2016, 1, 1), start_precision="year"
    )
    return_obj = items_complete(services.return_start(round_=round_, organisation=police))
    before = snapshot(return_obj)
    content = template_build(round=round_, organisation=police)
    result = return_import(round=round_, organisation=police, content=content, filename="hants.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert (result.to_update, len(result.unchanged)) == ([], 1)
    assert snapshot(return_obj) == before


def test_the_download_reads_the_return_in_the_same_number_of_queries_however_many_items(round_, return_obj):
    police = return_obj.organisation

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            template_build(round=round_, organisation=police)
        return len(captured)

    ten = queries()
    rows = [good_row(reference=f"X{n}", partners="SFRS; SECAmb", lead_organisation="SECAmb") for n in range(20)]
    assert return_import(round=round_, organisation=police, content=xlsx_bytes(rows), filename="x.xlsx").ok
    assert queries() == ten


def test_text_typed_in_a_browser_box_with_line_breaks_round_trips_unchanged(client, round_, return_obj):
    """Browsers send a text box's line breaks as CR LF; a workbook gives them back as LF."""
    item = return_obj.items.get(title="Regional dog unit")
    data = {**item_initial(item), "description": "First line.\r\nSecond line.\r\n\r\nThird.", "progress": "completed"}
    response = client.post(reverse("returns:item_edit", args=[round_.pk, "surrey_police", item.pk]), data)
    assert response.status_code == 302
    before = snapshot(return_obj)

    response = upload(client, round_, save(download(client, round_)))

    assert "0 new, 0 updated, 10 unchanged" in messages_of(client, response)
    assert snapshot(return_obj) == before
