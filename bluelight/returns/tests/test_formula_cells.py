"""Returns spreadsheets never hand another organisation a live formula: hostile text is written as text."""

import io

import openpyxl
import pytest

from bluelight.collaborations import rules
from bluelight.collaborations.models import Theme
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.core.tests.test_spreadsheets import HOSTILE
from bluelight.organisations.models import Alias
from bluelight.returns import services
from bluelight.returns.imports import return_import
from bluelight.returns.services import template_build
from bluelight.returns.sheet import COLUMNS
from bluelight.returns.tests.conftest import south_east_round

HOSTILE_COLUMNS = ("title", "description", "benefits", "contact_name", "outcomes", "lessons")


def written(text: str) -> str:
    """What a cell holding hostile `text` reads back as: our apostrophe, then the text (an .xlsx is XML,
    which reads a carriage return back as a line feed)."""
    return "'" + text.replace("\r", "\n")


def formulas(book: openpyxl.Workbook) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def return_rows(book: openpyxl.Workbook) -> list[dict]:
    rows = list(book["Return"].iter_rows())
    assert [c.value for c in rows[0]] == list(COLUMNS)
    return [{column: cell for column, cell in zip(COLUMNS, row, strict=True)} for row in rows[1:]]


@pytest.fixture
def hostile(org):
    """One collaboration of Surrey Police with Surrey FRS per hostile payload, in every free-text field
    a returns row carries: title, description, a benefit's description, an outcome, lessons, the contact."""
    police = org("surrey_police")
    for text in HOSTILE:
        make_collaboration(
            "surrey_police",
            "surrey_frs",
            title=text,
            description=text,
            lessons=text,
            benefits=[rules.BenefitData("non_cashable", 0, "estimated", 2024, description=text)],
            outcomes=[rules.OutcomeData(text)],
            contacts=[rules.ContactData(text, "pat@example.org", police)],
        )


@pytest.fixture
def round_(register):
    return south_east_round("Summer round")


def assert_hostile_rows_are_text(book: openpyxl.Workbook) -> None:
    rows = return_rows(book)
    assert sorted(row["title"].value for row in rows) == sorted(written(t) for t in HOSTILE)
    for row in rows:
        text = row["title"].value[1:].replace("\n", "\r")
        for column in HOSTILE_COLUMNS:
            cell = row[column]
            assert cell.data_type == "s", (column, cell.value)
            assert cell.value.startswith(written(text)), (column, cell.value)


def test_the_prefilled_template_of_a_partner_writes_hostile_text_as_text(hostile, summer, org):
    content = template_build(round=summer, organisation=org("surrey_frs"))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert formulas(book) == []
    assert_hostile_rows_are_text(book)


def test_the_blank_template_writes_hostile_theme_and_organisation_names_as_text(summer, org, theme):
    Alias.objects.create(organisation=org("surrey_police"), name=HOSTILE[0])
    Theme.objects.create(code="hostile", name="@SUM(A1)", parent=theme("es_shared_hq"), description="-2+3")
    content = template_build(round=summer, organisation=org("kent_frs"))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert formulas(book) == []
    assert book["Return"].max_row == 1  # nothing pre-filled: Kent FRS is in no collaboration
    themes = {row[0]: row for row in book["Themes"].iter_rows(values_only=True)}
    assert themes["hostile"][1:] == ("'@SUM(A1)", "Shared headquarters", "'-2+3")
    police = next(row for row in book["Organisations"].iter_rows(values_only=True) if row[0] == "Surrey Police")
    assert police[4].startswith(written(HOSTILE[0]))


def test_the_return_download_writes_hostile_items_as_text(hostile, round_, org):
    frs = org("surrey_frs")
    services.return_start(round_=round_, organisation=frs)
    book = openpyxl.load_workbook(io.BytesIO(template_build(round=round_, organisation=frs)))
    assert formulas(book) == []
    assert_hostile_rows_are_text(book)


@pytest.mark.parametrize("text", [t for t in HOSTILE if "\r" not in t])  # an .xlsx cannot hold a carriage return
def test_a_hostile_title_downloaded_and_uploaded_back_is_unchanged(text, round_, org):
    make_collaboration("surrey_police", "surrey_frs", title=text, description=text)
    frs = org("surrey_frs")
    return_obj = services.return_start(round_=round_, organisation=frs)
    item = return_obj.items.get()
    assert item.title == text

    result = return_import(
        round=round_, organisation=frs, content=template_build(round=round_, organisation=frs), filename="r.xlsx"
    )

    assert result.ok, [str(e) for e in result.errors]
    assert (result.to_create, result.to_update, result.unchanged) == ([], [], [item.reference])
    item.refresh_from_db()
    assert (item.title, item.description) == (text, text)
