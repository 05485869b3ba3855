"""The report's table, and the one way the report writes money, dates and coded values in words.

Every number of the overview reaches the page, the PDF and the spreadsheet annex as a cell of a `Table`;
the helpers here make sure a reader meets a name where the records keep a code, and sums of money rounded
alike whatever their price basis.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Basis, Scope, Status
from bluelight.organisations.models import REGIONS, Country

LIST_LIMIT = 100  # rows of a long list shown in the page and PDF; the spreadsheet has them all
ROUNDING = 1000  # every sum of money in the report, cash and constant prices alike, to the nearest £1,000


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass
class Table:
    """A titled table: what a chart draws, what the text alternative reads and what the annex holds."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""

    @property
    def shown_rows(self) -> list[list]:
        return self.rows[:LIST_LIMIT]

    @property
    def hidden(self) -> int:
        return max(0, len(self.rows) - LIST_LIMIT)

    @property
    def numeric(self) -> list[bool]:
        """Per column, whether it holds figures (set right) or words (set left). A header is set as its column's
        cells are, so it sits over them; a figure not known (empty) does not make a column of words."""
        return [
            any(_is_number(row[i]) for row in self.rows)
            and all(_is_number(row[i]) or row[i] is None or row[i] == "" for row in self.rows)
            for i in range(len(self.columns))
        ]

    @property
    def header(self) -> list[tuple[str, bool]]:
        """(column title, whether the column holds figures)."""
        return list(zip(self.columns, self.numeric, strict=True))

    @property
    def shown_cells(self) -> list[list[tuple[object, bool]]]:
        """The rows shown, each cell with whether its column holds figures."""
        numeric = self.numeric
        return [list(zip(row, numeric, strict=True)) for row in self.shown_rows]


def number(value: int | float | Decimal) -> str:
    """A count, share or index as the active language writes numbers: 12,345, 12.5 (a share to one place), a
    Decimal with the precision it was published with (deflator indices)."""
    return number_format(value, decimal_pos=1 if isinstance(value, float) else None, force_grouping=True)


def whole_pounds(value: Decimal | int) -> int:
    """Whole pounds, half up (Counter totals start at the integer 0): one record's amounts, as reported."""
    return int(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def rounded_pounds(value: Decimal | int) -> int:
    """A sum of money as the report gives it: to the nearest £1,000, half up. Cash and constant-price sums are
    rounded alike: a conversion to constant prices gives pounds and pence, a precision the amounts reported
    (mostly in round thousands) never had."""
    return int((Decimal(value) / ROUNDING).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) * ROUNDING


def rounding_note() -> str:
    return _(
        "Sums of money are rounded to the nearest £1,000, in cash and at constant prices alike, so they may not "
        "add up exactly."
    )


def long_date(value: datetime.date | str) -> str:
    """A date as the report writes it ("1 November 2026"), from a date or an ISO date as frozen in JSON."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return date_format(value, "j F Y")


def _choice_label(choices, code: str | None) -> str:
    return str(choices(code).label) if code in choices.values else code or ""


def status_label(code: str) -> str:
    return _choice_label(Status, code)


def scope_label(code: str) -> str:
    return _choice_label(Scope, code)


def basis_label(code: str) -> str:
    return _choice_label(Basis, code)


def country_label(code: str) -> str:
    return _choice_label(Country, code)


def _position(values, value: str) -> tuple:
    """Known values in their list's order, any other after them by name."""
    values = list(values)
    return (values.index(value), "") if value in values else (len(values), value)


def basis_key(code: str) -> tuple:
    return _position(Basis.values, code)


def region_key(region: str) -> tuple:
    """Regions in the register's order (north to south, then Wales)."""
    return _position(REGIONS, region)


def country_key(code: str) -> tuple:
    return _position(Country.values, code)
