"""Cells a spreadsheet never runs: cell_safe, its reverse, the .xlsx value and the CSV writer."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell

from bluelight.core.spreadsheets import cell_safe, cell_unsafe_text, csv_writer, xlsx_value

# The payloads every writer's test uses: a formula, and text starting with each character OWASP names.
HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", [*HOSTILE, "=", "-", "\n=1", "\0=1", "-5", "@"])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert cell_safe(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Joint station at Epsom", "£12,000", "2016-05", " =1", "a=1", "'", "'quoted'", "C12", "x-1"]
)
def test_other_text_is_unchanged(text):
    assert cell_safe(text) == text


@pytest.mark.parametrize(
    "value",
    [
        None,
        0,
        12000,
        -5000,
        -2.5,
        Decimal("-12.50"),
        Decimal("250000.50"),
        True,
        datetime.date(2016, 5, 1),
        datetime.datetime(2026, 1, 2, 3, 4, 5),
    ],
)
def test_numbers_dates_and_none_stay_as_they_are(value):
    assert cell_safe(value) is value
    assert xlsx_value(value) is value


@pytest.mark.parametrize("text", [*HOSTILE, "plain", "", "-", "'quoted'", "' =1", "\n=1", "\0=1"])
def test_the_reverse_gives_back_exactly_what_cell_safe_was_given(text):
    assert cell_unsafe_text(cell_safe(text)) == text


def test_the_reverse_leaves_an_apostrophe_that_is_not_before_a_formula_character():
    assert cell_unsafe_text("'quoted'") == "'quoted'"
    assert cell_unsafe_text("'") == "'"
    assert cell_unsafe_text("=SUM(A1)") == "=SUM(A1)"  # a formula someone typed is read as typed


def test_text_that_starts_with_an_apostrophe_is_written_as_it_is_and_read_as_excel_reads_it():
    """The one value that does not come back: an apostrophe of its own before a formula character is
    taken for ours, as Excel takes it when typed; written as it is, the cell already cannot run."""
    assert cell_safe("'+ wider public sector' marks") == "'+ wider public sector' marks"
    assert cell_unsafe_text("'+ wider public sector' marks") == "+ wider public sector' marks"


def test_the_xlsx_value_drops_control_characters_before_it_looks_at_the_first_character():
    assert xlsx_value("\x01=1+1") == "'=1+1"
    assert xlsx_value("\x00@x") == "'@x"


@pytest.mark.parametrize("write_only", [False, True])
def test_openpyxl_stores_every_safe_value_as_text_and_numbers_as_numbers(tmp_path, write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("Data") if write_only else book.active
    values = [*HOSTILE, -5, Decimal("-2.5"), 3]
    sheet.append([xlsx_value(v) for v in values])
    if write_only:
        sheet.append([WriteOnlyCell(sheet, value=xlsx_value(v)) for v in values])
    book.save(tmp_path / "safe.xlsx")

    for row in openpyxl.load_workbook(tmp_path / "safe.xlsx").worksheets[-1].iter_rows():
        assert [c.data_type for c in row] == ["s"] * len(HOSTILE) + ["n"] * 3
        # An .xlsx cannot hold a carriage return: XML reads it back as a line feed.
        assert [c.value for c in row] == ["'" + t.replace("\r", "\n") for t in HOSTILE] + [-5, -2.5, 3]


def test_the_csv_writer_neutralises_each_cell_and_leaves_numbers_alone():
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow(["title", "amount"])
    writer.writerows([[text, -5] for text in HOSTILE] + [["a, =1", Decimal("12.50")], [None, 0]])

    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == ["title", "amount"]
    assert rows[1 : 1 + len(HOSTILE)] == [["'" + text, "-5"] for text in HOSTILE]
    assert rows[-2:] == [["a, =1", "12.50"], ["", "0"]]
    assert '"a, =1"' in out.getvalue()  # quoted by the csv module, so "=1" cannot start a cell of its own


def test_the_csv_writer_takes_the_csv_modules_options():
    out = io.StringIO(newline="")
    writer = csv_writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["=1", "b"])
    assert out.getvalue() == "'=1;b\n"
    assert writer.dialect.delimiter == ";"
