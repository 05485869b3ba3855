"""Files that are not plain returns are refused whole, with a message saying what to do instead."""

import io
import zipfile

import pytest

from bluelight.returns.models import Return, ReturnItem
from bluelight.returns.sheet import COLUMNS
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
