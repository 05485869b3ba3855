"""Files that are not plain returns are refused whole, with a message saying what to do instead."""

import io
import re
import zipfile

import pytest

from bluelight.returns.models import Return, ReturnItem
from bluelight.returns.rows import SheetContext
from bluelight.returns.sheet import COLUMNS, REQUIRED_COLUMNS
from bluelight.returns.tests.conftest import csv_bytes, good_row, xlsx_bytes


def refusal(parsed) -> str:
    assert parsed.items == []
    [error] = parsed.errors
    assert error.row is None and error.column == "file"
    return error.message


def test_a_latin1_csv_is_refused_with_how_to_save_it(parse):
    content = csv_bytes([good_row(title="Café station")], encoding="latin-1")
    message = refusal(parse(content, "return.csv"))
    assert "not UTF-8" in message and "line 2" in message and "CSV UTF-8" in message


def test_a_utf16_csv_is_refused_with_how_to_save_it(parse):
    content = "reference,title\nA1,x\n".encode("utf-16")
    assert "CSV UTF-8" in refusal(parse(content, "return.csv"))


def test_an_old_xls_file_is_refused_by_its_content(parse):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    message = refusal(parse(content, "return.xls"))
    assert ".xls" in message and "Save As > Excel Workbook (.xlsx)" in message


def test_an_old_xls_renamed_to_xlsx_is_still_recognised(parse):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    assert "Excel 97-2003" in refusal(parse(content, "return.xlsx"))


def test_a_password_protected_workbook_is_refused_with_the_fix(parse):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    assert "remove the password" in refusal(parse(content, "return.xlsx"))


def test_an_ods_file_is_refused_with_how_to_save_it(parse):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    message = refusal(parse(out.getvalue(), "return.ods"))
    assert "OpenDocument spreadsheet (.ods)" in message and ".xlsx" in message


@pytest.mark.parametrize("name", ["return.xlsx", "return.xls", "return.ods"])
def test_random_bytes_with_a_spreadsheet_name_are_refused(parse, name):
    content = bytes(range(256)) * 40
    message = refusal(parse(content, name))
    assert "not a spreadsheet" in message


def test_a_zip_that_is_not_a_workbook_is_refused(parse):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "not an Excel workbook" in refusal(parse(out.getvalue(), "return.xlsx"))


def test_a_truncated_workbook_is_refused(parse):
    content = xlsx_bytes([good_row()])
    message = refusal(parse(content[: len(content) // 2], "return.xlsx"))
    assert "damaged" in message or "could not be read" in message


def test_an_unexpected_file_type_is_refused(parse):
    assert "not return.pdf" in refusal(parse(b"%PDF-1.7 ...", "return.pdf"))


def test_a_zip_bomb_is_refused_before_it_is_opened(parse):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < 200_000
    assert "zip bomb" in refusal(parse(content, "return.xlsx"))


def test_a_workbook_unpacking_past_the_limit_is_refused(parse, monkeypatch):
    monkeypatch.setattr("bluelight.returns.sheet.MAX_UNZIPPED_BYTES", 1000)
    assert "unpacks to" in refusal(parse(xlsx_bytes([good_row()]), "return.xlsx"))


def test_a_file_over_the_size_limit_is_refused(parse, settings):
    settings.RETURNS_MAX_UPLOAD_BYTES = 1000
    message = refusal(parse(xlsx_bytes([good_row()]), "return.xlsx"))
    assert "more than the" in message and "limit" in message


def test_too_many_rows_are_refused(parse, settings):
    settings.RETURNS_MAX_ROWS = 3
    rows = [good_row(reference=f"A{i}") for i in range(4)]
    assert "more than 3 rows" in refusal(parse(xlsx_bytes(rows), "return.xlsx"))
    assert "more than 3 rows" in refusal(parse(csv_bytes(rows), "return.csv"))


def test_exactly_the_row_limit_is_accepted(parse, settings):
    settings.RETURNS_MAX_ROWS = 3
    rows = [good_row(reference=f"A{i}") for i in range(3)]
    assert parse(xlsx_bytes(rows), "return.xlsx").ok


def test_a_stray_cell_far_below_the_data_is_refused_not_walked_to(parse, settings):
    import openpyxl

    settings.RETURNS_MAX_ROWS = 10
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active["A5000"] = "oops"
    out = io.BytesIO()
    book.save(out)
    assert "delete the empty rows" in refusal(parse(out.getvalue(), "return.xlsx"))


def test_a_csv_with_binary_content_is_refused(parse):
    assert "not a text file" in refusal(parse(b"reference\x00\x01\x02", "return.csv"))


def test_an_empty_file_is_refused(parse):
    assert "empty" in refusal(parse(b"", "return.csv"))


def test_a_refused_file_writes_nothing(import_file):
    result = import_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "return.xls")
    assert not result.ok
    assert Return.objects.count() == 0 and ReturnItem.objects.count() == 0


def test_script_and_formula_text_is_stored_verbatim(import_file):
    title = "<script>alert('pwned')</script>"
    description = "=cmd|' /C calc'!A0"
    result = import_file(xlsx_bytes([good_row(title=title, description=description)]))
    assert result.ok, result.errors
    item = ReturnItem.objects.get()
    assert item.title == title and item.description == description
    assert item.raw["description"] == description


# Limits: each refusal names the limit, the row (and column) and the fix -------------------------


def refused_at(parsed) -> tuple[int | None, str, str]:
    """A refusal caused by one place in the file: (row, column, message)."""
    assert parsed.items == []
    [error] = parsed.errors
    return error.row, error.column, error.message


def xlsx_with_text(text: str, column: str = "partners", **row) -> bytes:
    """An .xlsx with one row whose `column` holds `text` as it is, however long.

    openpyxl cuts text to Excel's 32,767 characters when it writes, so the cell is written as a
    marker and the marker replaced in the sheet, as a hand-made file would hold it.
    """
    content = xlsx_bytes([good_row(**{column: "MARKER-CELL"}, **row)])
    return rewrite_sheet(content, lambda xml: xml.replace(b"MARKER-CELL", text.encode()))


def rewrite_sheet(content: bytes, change) -> bytes:
    """The workbook with its first worksheet's XML passed through `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(entry, data)
    return out.getvalue()


def sixty_thousand_partners() -> str:
    return "; ".join(f"Partner organisation {i}" for i in range(60_000))


def test_a_csv_wider_than_any_spreadsheet_is_refused_naming_the_column_limit(parse):
    header = list(REQUIRED_COLUMNS) + [f"extra {i}" for i in range(18_300)]
    content = csv_bytes([good_row()], header=header)
    row, column, message = refused_at(parse(content, "return.csv"))
    assert (row, column) == (1, "column CW")  # the 101st column
    assert "at most 100 columns" in message and "delete those to the right" in message


def test_a_csv_wider_than_any_spreadsheet_is_refused_on_the_upload_page(client, cast, summer):
    from django.urls import reverse

    from bluelight.returns import services

    services.round_open(
        name="Wide",
        opens_on=summer.opens_on,
        closes_on=summer.closes_on,
        organisations=[cast.editor_a.organisations.get()],
    )
    round_ = services.Round.objects.get(name="Wide")
    client.force_login(cast.editor_a)
    upload = io.BytesIO(",".join(list(REQUIRED_COLUMNS) + [f"c{i}" for i in range(18_300)]).encode() + b"\nA1\n")
    upload.name = "return.csv"
    response = client.post(reverse("returns:return_upload", args=[round_.pk, "surrey_police"]), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "at most 100 columns" in html and "nothing was imported" in html
    assert not ReturnItem.objects.exists()


def test_empty_cells_past_the_column_limit_are_ignored(parse):
    header = list(REQUIRED_COLUMNS) + [""] * 300
    assert parse(csv_bytes([good_row()], header=header), "return.csv").ok


def test_a_value_past_the_column_limit_in_a_workbook_is_refused_naming_row_and_column(parse):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([good_row()])))
    book.active.cell(row=2, column=150, value="stray note")
    out = io.BytesIO()
    book.save(out)
    row, column, message = refused_at(parse(out.getvalue(), "return.xlsx"))
    assert (row, column) == (2, "column ET") and "at most 100 columns" in message


def test_the_column_limit_is_a_setting(parse, settings):
    settings.RETURNS_MAX_COLUMNS = 10
    row, column, message = refused_at(parse(xlsx_bytes([good_row()]), "return.xlsx"))
    assert (row, column) == (1, "column K") and "at most 10 columns" in message


def test_a_sheet_claiming_the_largest_size_is_read_as_the_cells_it_holds(parse):
    content = rewrite_sheet(
        xlsx_bytes([good_row()]), lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert parse(content, "return.xlsx").ok


def test_rows_formatted_out_to_the_last_column_are_refused_with_the_fix(parse, settings):
    settings.RETURNS_MAX_ROWS = 10

    def styled_to_xfd(xml: bytes) -> bytes:
        return re.sub(
            rb'(<row r="(\d+)"[^>]*>)(.*?)</row>',
            lambda m: m[1] + m[3] + b'<c r="XFD' + m[2] + b'" s="0"/></row>',
            xml,
            flags=re.S,
        )

    rows = [good_row(reference=f"A{i}") for i in range(10)]
    row, column, message = refused_at(parse(rewrite_sheet(xlsx_bytes(rows), styled_to_xfd), "return.xlsx"))
    assert column == "column XFD" and "formatted empty cells" in message and "delete them" in message


def test_sixty_thousand_partners_in_a_workbook_cell_are_refused_before_any_is_resolved(parse, monkeypatch):
    monkeypatch.setattr(SheetContext, "resolve", lambda *a, **k: pytest.fail("a name was resolved"))
    content = xlsx_with_text(sixty_thousand_partners(), lead_organisation="")
    assert len(content) < 600_000  # no bigger than the 510 KB file that timed out a worker
    row, column, message = refused_at(parse(content, "return.xlsx"))
    assert (row, column) == (2, "partners")
    assert f"holds {len(sixty_thousand_partners()):,} characters, more than the 32,767 a cell may hold" in message
    assert "list each partner organisation once" in message


def test_sixty_thousand_partners_in_a_csv_cell_are_refused(parse):
    row, column, message = refused_at(parse(csv_bytes([good_row(partners=sixty_thousand_partners())]), "return.csv"))
    # Refused by our cell limit, or earlier by the csv module's own (131,072 unless a library raised it).
    assert row == 2 and "32,767" in message and "a cell may hold" in message


def test_more_partners_than_a_collaboration_may_list_are_refused_before_any_is_resolved(parse, monkeypatch):
    monkeypatch.setattr(SheetContext, "resolve", lambda *a, **k: pytest.fail("a name was resolved"))
    parsed = parse(xlsx_bytes([good_row(partners="; ".join(f"P{i}" for i in range(101)), lead_organisation="")]))
    [error] = parsed.errors
    assert (error.row, error.column) == (2, "partners")
    assert "names 101 partners, more than the 100 a collaboration may list" in error.message


def test_the_partner_limit_is_a_setting_and_inclusive(parse, settings):
    settings.RETURNS_MAX_PARTNERS = 2
    assert parse(xlsx_bytes([good_row(partners="Surrey FRS; Kent Police")])).ok
    [error] = parse(xlsx_bytes([good_row(partners="Surrey FRS; Kent Police; Kent FRS")])).errors
    assert "more than the 2 a collaboration may list" in error.message


def test_an_over_long_cell_is_refused_naming_row_column_and_limit(parse):
    row, column, message = refused_at(parse(xlsx_with_text("x" * 40_000, column="description"), "return.xlsx"))
    assert (row, column) == (2, "description")
    assert "column C (description), holds 40,000 characters, more than the 32,767" in message
    assert "linking to a document" in message
    row, column, _message = refused_at(parse(csv_bytes([good_row(description="x" * 40_000)]), "return.csv"))
    assert (row, column) == (2, "description")


def test_the_cell_limit_is_a_setting(parse, settings):
    settings.RETURNS_MAX_CELL_CHARS = 100
    row, column, message = refused_at(parse(xlsx_bytes([good_row(description="y" * 101)]), "return.xlsx"))
    assert (row, column) == (2, "description") and "more than the 100 a cell may hold" in message


def test_an_over_long_lead_is_refused_without_resolving_it(parse):
    parsed = parse(xlsx_bytes([good_row(lead_organisation="Surrey Police " * 1000)]))
    [error] = parsed.errors
    assert (error.row, error.column) == (
        2,
        "lead_organisation",
    ) and "too long for an organisation name" in error.message


def test_too_many_rows_are_refused_naming_the_row_and_the_fix(parse, settings):
    settings.RETURNS_MAX_ROWS = 3
    rows = [good_row(reference=f"A{i}") for i in range(5)]
    message = refusal(parse(csv_bytes(rows), "return.csv"))
    assert "more than 3 rows" in message and "row 5 is one too many" in message and "split it into files" in message
