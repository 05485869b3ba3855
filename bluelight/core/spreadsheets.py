"""Cells a spreadsheet never runs: every .xlsx and CSV the site writes passes its values through here."""

import csv
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet reads text starting with = + - or @ as a formula, and may skip a leading tab or
# carriage return first (OWASP "CSV Injection"); ASVS 5.0 (1.2.10) adds the null character, and a
# line feed is here because an .xlsx is XML, which reads a carriage return back as one. Such text gets
# a leading apostrophe: a spreadsheet opening a CSV takes it as "this is text" and hides it; in an
# .xlsx cell it is plain text, shown, and never run.
# Written here rather than taken from defusedcsv (3.0): that wraps CSV only, while the .xlsx writers
# need the same rule; it misses tab and carriage return, and it also rewrites "|" inside the text,
# which no reader could undo, so a downloaded return would not upload back unchanged.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
QUOTE = "'"


def cell_safe(value):
    """The value as a cell should hold it: text a spreadsheet would run gets a leading apostrophe.

    Numbers (negative ones too), Decimals, dates, booleans and None are returned unchanged, so they stay
    numbers and dates in the file.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def cell_unsafe_text(text: str) -> str:
    """Text read from an uploaded cell without the apostrophe `cell_safe` put before a formula character.

    Readers call this so that a file we wrote comes back as the values we wrote. An apostrophe the text
    itself began with ("'+1") is dropped too, as Excel drops it from typed input: only our apostrophe
    is expected there.
    """
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def xlsx_value(value):
    """What an openpyxl cell is given: `cell_safe` text without the control characters a workbook cannot hold.

    openpyxl stores any text starting with "=" as a formula; after `cell_safe` none does, so text is
    always a text cell, in normal and write-only workbooks alike. Other values pass unchanged.
    """
    if isinstance(value, str):
        return cell_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


class SafeCsvWriter:
    """`csv.writer` whose rows pass through `cell_safe` first; see `csv_writer`."""

    def __init__(self, stream, dialect="excel", **fmtparams):
        self._writer = csv.writer(stream, dialect, **fmtparams)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable):
        return self._writer.writerow([cell_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, dialect="excel", **fmtparams) -> SafeCsvWriter:
    """A CSV writer for downloads: like `csv.writer(stream, ...)`, with every cell passed through `cell_safe`.

    Cells holding a separator, quote or line break are quoted by the csv module itself, so text in the
    middle of a cell cannot start a new one.
    """
    return SafeCsvWriter(stream, dialect, **fmtparams)
