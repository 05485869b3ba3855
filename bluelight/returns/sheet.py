"""Reading a return file (.xlsx or UTF-8 .csv) into a table of cell text, refusing unsafe files.

`table_read` turns bytes into a header and rows of cell text, refusing anything that is not a
plain spreadsheet (old .xls, .ods, other encodings, zip bombs, oversized files), naming the fix.
Cleaning those rows into return items is `rows.py`; this module knows nothing of what cells mean.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from openpyxl.utils import get_column_letter

REQUIRED_COLUMNS = (
    "reference",
    "title",
    "description",
    "partners",
    "lead_organisation",
    "theme",
    "status",
    "start_date",
    "end_date",
    "scope",
    "one_off_cost_gbp",
    "one_off_savings_gbp",
    "annual_savings_gbp",
    "savings_basis",
    "price_year",
    "benefits",
    "evidence_url",
    "contact_name",
    "contact_email",
)
# The four money figures: each has its amount (`<figure>_gbp`) and may have its own basis, price year and
# recipient (`<figure>_basis`, ...), which override savings_basis and price_year for that figure (returns/figures.py).
FIGURES = ("annual_savings", "one_off_savings", "one_off_cost", "external_funding")
FIGURE_COLUMNS = tuple(f"{figure}_{part}" for figure in FIGURES for part in ("basis", "price_year", "recipient"))
OPTIONAL_COLUMNS = ("external_funding_gbp", "outcomes", "lessons", "secondary_themes", *FIGURE_COLUMNS)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
# The template has 35 columns; room to spare for columns of notes, which are reported, not read.
DEFAULT_MAX_COLUMNS = 100
# Excel holds at most 32,767 characters in a cell, so no cell typed in a spreadsheet is refused.
# Each column has its own, smaller limit too (rows.LIMITS: 10,000 for description and other free
# text, 250 for a title), reported with the row's other problems; this one bounds the work of reading.
DEFAULT_MAX_CELL_CHARS = 32_767
# A spreadsheet's last column is XFD (16,384); CSV has no last column.
LAST_LETTERED_COLUMN = 18_278  # ZZZ, the last column openpyxl can name
# An .xlsx is a zip: these bound what it may unpack to before openpyxl is allowed to open it.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
# Worksheet XML compresses 10 to 30 times; a zip bomb compresses thousands of times.
MAX_ZIP_RATIO = 200
ZIP_RATIO_MIN_BYTES = 1024 * 1024
# Read past this many rows (blank ones included) only to find more data: a stray cell far
# down would otherwise make us walk a million empty rows.
BLANK_ROW_ALLOWANCE = 5

# Free text is bounded so one cell cannot be a novel (the template says so too).
TEXT_LIMIT = 10_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers", ".xlsb")
SAVE_AS_XLSX = "open it in Excel and choose File > Save As > Excel Workbook (.xlsx)"
SAVE_AS_CSV = "in Excel choose File > Save As > CSV UTF-8 (Comma delimited) (.csv), or send the .xlsx"
# What our downloads say about themselves, read back so an upload cannot undo later changes:
# a workbook-level defined name holding when the file was taken (ISO 8601, UTC), a named constant
# that Excel keeps and that no cell edit or deleted sheet can change; and a very hidden sheet
# with each row's version then (reference, digest). CSV files and other workbooks have neither.
DOWNLOADED_AT_NAME = "bluelight_downloaded_at"
VERSIONS_SHEET = "Versions"


def max_upload_bytes() -> int:
    return getattr(settings, "RETURNS_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def max_rows() -> int:
    return getattr(settings, "RETURNS_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_columns() -> int:
    return getattr(settings, "RETURNS_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)


def max_cell_chars() -> int:
    return getattr(settings, "RETURNS_MAX_CELL_CHARS", DEFAULT_MAX_CELL_CHARS)


def column_letter(number: int) -> str:
    """A column as a spreadsheet names it (A, AB, XFD); past ZZZ, which only a CSV reaches, its number."""
    return get_column_letter(number) if 1 <= number <= LAST_LETTERED_COLUMN else f"number {number:,}"


@dataclass(frozen=True)
class RowError:
    """One problem in a return file. `row` is the row number the user sees (header = 1; None = whole file)."""

    row: int | None
    column: str
    value: str
    message: str
    code: str = ""  # the rule's code (rules.py) when a named rule found it
    web: str = ""  # the message for the online form, naming its fields (rows.py); `message` is the spreadsheet's
    field: str = ""  # the online form's field to show it on, where that is not `column` (rules.py)

    @property
    def web_message(self) -> str:
        """What the online form shows: the web message (every problem a form's values can have has one)."""
        return self.web or self.message

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.row else (self.column or "file")
        value = f" (value: {shorten(self.value)})" if self.value else ""
        return f"{where}: {self.message}{value}"

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


def shorten(text: str, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SheetRefused(Exception):
    """The file cannot be read; the message says what to do instead. A refusal caused by one cell
    (over a limit) names its row and column, so the user can find it."""

    def __init__(self, message: str, *, row: int | None = None, column: str = "file", value: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.value = value


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cell texts), blank rows left out
    download: Download | None = None  # None for files that are not our downloads


@dataclass(frozen=True)
class Download:
    """What one of our downloads says about itself: when it was taken, and each row's version then."""

    at: datetime.datetime
    versions: dict[str, str]  # reference -> digest of the item's values when the file was taken


def size_check(size: int, filename: str) -> None:
    """Refuse a file over RETURNS_MAX_UPLOAD_BYTES (callers with a path can check before reading it)."""
    limit = max_upload_bytes()
    if size > limit:
        raise SheetRefused(
            f"{filename} is {size / 1_048_576:.1f} MB, more than the {limit / 1_048_576:.0f} MB limit: "
            "remove pictures and other sheets, or split the return into two files"
        )


def table_read(content: bytes, filename: str) -> Table:
    """The header and non-blank rows of a return file, as text; raises SheetRefused for unusable files."""
    size_check(len(content), filename)
    if content.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in content:
            raise SheetRefused(f"{filename} is protected with a password: remove the password, then {SAVE_AS_XLSX}")
        raise SheetRefused(f"{filename} is an old Excel 97-2003 (.xls) file: {SAVE_AS_XLSX}")
    if content.startswith(ZIP_MAGIC):
        return _xlsx_read(content, filename)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in (".csv", ".txt"):
        return _csv_read(content, filename)
    if suffix in SPREADSHEET_SUFFIXES:
        raise SheetRefused(f"{filename} is not a spreadsheet (its content is not an Excel workbook): {SAVE_AS_XLSX}")
    raise SheetRefused(f"send the return as an Excel workbook (.xlsx) or a CSV UTF-8 file, not {filename}")


def cell_text(value) -> str:
    """A cell as the text it shows: numbers without a spurious '.0', dates as ISO, formulas as typed.

    Text our downloads wrote with a leading apostrophe (so no spreadsheet runs it) reads back as it was.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        from bluelight.core.spreadsheets import cell_unsafe_text

        return cell_unsafe_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula and DataTableFormula
    return str(text) if text is not None else str(value)


class _Cells:
    """Turns one row's values into cell texts, refusing a value past the last column allowed or a cell
    longer than a cell may be, naming row, column and fix, before any other work is done on them."""

    def __init__(self, filename: str):
        self.filename = filename
        self.columns = max_columns()
        self.chars = max_cell_chars()
        self.header: list[str] = []
        # Empty cells past the last column cost nothing to store but a row each to read: a sheet
        # whose every row is formatted out to column XFD would take minutes. Bounded here.
        self.excess_allowed = max_rows() * self.columns
        self.excess = 0

    def __call__(self, number: int, values) -> list[str]:
        limit = self.columns
        if len(values) > limit:
            extra = values[limit:]
            blank = extra.count(None) + extra.count("")  # counted in C: rows may be 16,384 cells wide
            if blank != len(extra):
                index = limit + next(i for i, v in enumerate(extra) if v is not None and v != "")
                letter = column_letter(index + 1)
                raise SheetRefused(
                    f"{self.filename} row {number:,} has a value in column {letter}, but a return has at most "
                    f"{limit:,} columns: keep to the template's columns and delete those to the right of them",
                    row=number,
                    column=f"column {letter}",
                    value=shorten(cell_text(values[index])),
                )
            self.excess += len(extra)
            if self.excess > self.excess_allowed:
                raise SheetRefused(
                    f"{self.filename} has formatted empty cells out to column {column_letter(len(values))} "
                    f"(row {number:,}), far right of the {limit:,} columns a return may have: select the empty "
                    "columns to the right of your data, delete them, save and upload again",
                    row=number,
                    column=f"column {column_letter(len(values))}",
                )
            values = values[:limit]
        texts = [cell_text(v) for v in values]
        for index, text in enumerate(texts):
            if len(text) > self.chars:
                heading = self.header[index].strip() if index < len(self.header) else ""
                letter = column_letter(index + 1)
                where = f"column {letter} ({heading})" if heading else f"column {letter}"
                fix = "shorten it, linking to a document for the long text"
                if heading.lower() == "partners":
                    fix = "list each partner organisation once, by name, short name or code, separated by semicolons"
                raise SheetRefused(
                    f"{self.filename} row {number:,}, {where}, holds {len(text):,} characters, more than the "
                    f"{self.chars:,} a cell may hold: {fix}",
                    row=number,
                    column=heading or f"column {letter}",
                    value=shorten(text),
                )
        if number == 1:
            self.header = texts
        return texts


def _rows_limit(rows: Iterable[tuple[int, list[str]]], filename: str) -> list[tuple[int, list[str]]]:
    limit = max_rows()
    kept = []
    for number, cells in rows:
        if number > limit * BLANK_ROW_ALLOWANCE + 1:
            raise SheetRefused(
                f"{filename} has rows down to row {number:,}: delete the empty rows below your data "
                f"(a return holds at most {limit:,} rows)"
            )
        if any(c.strip() for c in cells):
            kept.append((number, cells))
            if len(kept) > limit:
                raise SheetRefused(
                    f"{filename} has more than {limit:,} rows of collaborations, the most one file may hold "
                    f"(row {number:,} is one too many): split it into files of at most {limit:,} rows"
                )
    return kept


def _csv_read(content: bytes, filename: str) -> Table:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetRefused(f"{filename} is saved as UTF-16 (Unicode text): {SAVE_AS_CSV}")
    if b"\x00" in content[:65536]:
        raise SheetRefused(f"{filename} is not a text file, so not a CSV: {SAVE_AS_XLSX}")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise SheetRefused(
            f"{filename} is not UTF-8 text (first unreadable character on line {line}); "
            f"it was probably saved as plain CSV: save it as CSV UTF-8 ({SAVE_AS_CSV})"
        ) from None
    # Excel in some locales saves "CSV" with semicolons between columns. The header row holds
    # no partner lists, so counting its separators tells which one the file uses.
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cells_of = _Cells(filename)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):  # the csv module's own bound, 131,072
                raise SheetRefused(
                    f"{filename} line {reader.line_num:,} has a cell longer than the {cells_of.chars:,} characters "
                    "a cell may hold: shorten it (link to a document for long text)",
                    row=reader.line_num,
                ) from None
            raise SheetRefused(f"{filename} line {reader.line_num} cannot be read as CSV: {exc}") from None

    rows = iter(numbered())
    first = next(rows, None)
    if first is None:
        raise SheetRefused(f"{filename} is empty: fill in the template, keeping its header row")
    header = cells_of(1, first[1])
    # csv counts physical lines; users count records, and a quoted cell may span lines.
    body = ((index, cells_of(index, cells)) for index, (_line, cells) in enumerate(rows, start=2))
    return Table(header=header, rows=_rows_limit(body, filename))


def _zip_check(archive: zipfile.ZipFile, filename: str) -> None:
    """Refuse zips that are not workbooks, or that would unpack to far more than they weigh."""
    entries = archive.infolist()
    names = {e.filename for e in entries}
    if "mimetype" in names:
        with archive.open("mimetype") as handle:
            mimetype = handle.read(200)
        if mimetype.startswith(ODS_MIMETYPE):
            raise SheetRefused(f"{filename} is an OpenDocument spreadsheet (.ods): {SAVE_AS_XLSX}")
        raise SheetRefused(f"{filename} is an OpenDocument file, not a spreadsheet: {SAVE_AS_XLSX}")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SheetRefused(f"{filename} holds {len(entries):,} parts, far more than a workbook: {SAVE_AS_XLSX}")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise SheetRefused(
            f"{filename} unpacks to {total / 1_048_576:,.0f} MB, more than the "
            f"{MAX_UNZIPPED_BYTES / 1_048_576:.0f} MB allowed: split the return into smaller files"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
            raise SheetRefused(
                f"{filename} is compressed {ratio:,.0f} times over in {entry.filename}, as a zip bomb is; "
                f"it was not opened: {SAVE_AS_XLSX}"
            )
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise SheetRefused(f"{filename} is a zip file but not an Excel workbook: {SAVE_AS_XLSX}")
    if "xl/workbook.bin" in names:
        raise SheetRefused(f"{filename} is an Excel binary workbook (.xlsb): {SAVE_AS_XLSX}")


def _download(workbook, filename: str) -> Download | None:
    """When the workbook was downloaded from the site and its rows' versions; None if it does not say."""
    name = workbook.defined_names.get(DOWNLOADED_AT_NAME)
    if name is None:
        return None
    text = (name.attr_text or "").strip().lstrip("=").strip('"')
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        # Only an edited file gets here; without the time, changes made since could not be protected.
        raise SheetRefused(
            f"{filename} says when it was downloaded in a form that cannot be read ({shorten(text)}): "
            "download the return again and make your changes in the new file"
        )
    versions = {}
    if VERSIONS_SHEET in workbook.sheetnames:
        versions_sheet = workbook[VERSIONS_SHEET]
        # Two columns only: a sheet may claim 16,384 columns, and each row would be read that wide.
        for values in versions_sheet.iter_rows(min_row=2, max_row=max_rows() + 1, max_col=2, values_only=True):
            reference, version = (cell_text(v).strip() for v in (*values, None, None)[:2])
            if reference and version:
                versions[reference] = version
    return Download(at=moment, versions=versions)


def _xlsx_read(content: bytes, filename: str) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRefused(f"{filename} is damaged or not a spreadsheet: {SAVE_AS_XLSX}") from None
    with archive:
        _zip_check(archive, filename)
    try:
        # data_only=False: a formula is read as its text ("=SUM(A1)") and never evaluated.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds of error on malformed parts
        raise SheetRefused(f"{filename} could not be read as an Excel workbook ({exc}): {SAVE_AS_XLSX}") from None
    try:
        download = _download(workbook, filename)
        sheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == "return"), None)
        sheet = sheet or (workbook.worksheets[0] if workbook.worksheets else None)
        if sheet is None:
            raise SheetRefused(f"{filename} has no worksheet: fill in the template's Return sheet")
        # The sheet's stated size (<dimension ref="A1:XFD1048576"/>) is whatever the file says: read
        # as stated, every row, even those the file does not hold, would be padded to that width.
        # Without it, each row is as wide as its last cell and rows the file lacks come back empty.
        sheet.reset_dimensions()
        cells_of = _Cells(filename)
        try:
            rows = (
                (number, cells_of(number, values))
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            )
            first = next(rows, None)
            if first is None:
                raise SheetRefused(f"{filename} is empty: fill in the template, keeping its header row")
            return Table(header=first[1], rows=_rows_limit(rows, filename), download=download)
        except SheetRefused:
            raise
        except Exception as exc:  # malformed sheet XML surfaces only while reading rows
            raise SheetRefused(f"{filename} could not be read as an Excel workbook ({exc}): {SAVE_AS_XLSX}") from None
    finally:
        workbook.close()


def normal(text: str) -> str:
    """Case, underscores, hyphens and spacing folded, for matching names and choices typed by hand."""
    return " ".join(re.sub(r"[_\-]+", " ", str(text)).lower().split())


def _column_like(typed: str, free: list[str]) -> str | None:
    """The template column a typed header most likely means, among those the header lacks: one that starts with
    the typed words ("start" -> start_date), else the closest spelling; never a column the file already has."""
    starting = [c for c in free if c.startswith(typed + "_")]
    if len(starting) == 1:
        return starting[0]
    close = difflib.get_close_matches(typed, free, n=1, cutoff=0.6)
    return close[0] if close else None


def header_map(header: list[str]) -> tuple[dict[str, int], set[int], list[RowError]]:
    """Template column -> position; positions of columns reported as unknown; header errors."""
    positions: dict[str, int] = {}
    unknown: set[int] = set()
    errors: list[RowError] = []
    present = {typed.strip().lower() for typed in header}
    for index, typed in enumerate(header):
        name = typed.strip().lower()
        if not name:
            continue
        letter = column_letter(index + 1)
        if name in positions:
            first = column_letter(positions[name] + 1)
            errors.append(
                RowError(1, name, typed, f"column {letter} repeats {name} (already column {first}): delete one of them")
            )
        elif name in COLUMNS:
            positions[name] = index
        else:
            unknown.add(index)
            close = _column_like(normal(name).replace(" ", "_"), [c for c in COLUMNS if c not in present])
            hint = f"rename it {close}" if close else "rename it to a template column or delete it"
            errors.append(RowError(1, typed.strip(), typed, f"column {letter} is not a template column: {hint}"))
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            errors.append(
                RowError(1, name, "", "this required column is missing from the header row: add it, spelt exactly so")
            )
    return positions, unknown, errors
