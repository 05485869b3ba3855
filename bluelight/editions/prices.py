"""Constant prices: HM Treasury's GDP deflator, so that sums of money from different years can be compared.

The index ships as data (``data/gdp_deflators.csv``), with its vintage and source in the file's ``#`` lines,
so that a report can say which release it used and a refresh means replacing one file. This module reads it
and does nothing else: no database, no network.
"""

import csv
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "gdp_deflators.csv"

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_BASE = re.compile(r"^(\d{4}-\d{2}) = 100$")
_STATUSES = {"outturn", "forecast"}


@dataclass(frozen=True)
class Deflators:
    """The published series as read from the file. Shared and cached: read it, never change it."""

    source: str  # one line for a report: publisher, release, base year and address
    base: int  # the financial year whose index is 100, by its first calendar year
    years: dict[int, Decimal]  # 2014 stands for 2014-15
    forecast_years: frozenset[int]  # the OBR's forecasts, not outturn: a report should say so
    notes: tuple[str, ...]  # the file's own caveats, verbatim


def label(year: int) -> str:
    """The way the Treasury and the ONS write a financial year: 2014 -> "2014-15"."""
    return f"{year}-{(year + 1) % 100:02d}"


def _year_of_label(text: str) -> int:
    match = _LABEL.match(text)
    if not match or label(int(match[1])) != text:
        raise ValueError(f"not a financial year: {text!r}")
    return int(match[1])


def financial_year_of(day: datetime.date) -> int:
    """The UK government financial year a day falls in, April to March, by its first calendar year."""
    return day.year if day.month >= 4 else day.year - 1


@functools.cache
def deflators() -> Deflators:
    """Read the file once per process; a malformed file fails loudly rather than converting with bad numbers."""
    meta: dict[str, list[str]] = {}
    rows: list[str] = []
    with DATA_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta.setdefault(key.strip(), []).append(value.strip())
            elif line.strip():
                rows.append(line)
    years: dict[int, Decimal] = {}
    forecast: set[int] = set()
    for row in csv.DictReader(rows):
        year = _year_of_label(row["financial_year"])
        if year in years:
            raise ValueError(f"{label(year)} appears twice in {DATA_FILE.name}")
        if row["status"] not in _STATUSES:
            raise ValueError(f"{label(year)}: status {row['status']!r} is not one of {sorted(_STATUSES)}")
        years[year] = Decimal(row["index"])
        if row["status"] == "forecast":
            forecast.add(year)
    base_match = _BASE.match(meta["base"][0])
    if not base_match:
        raise ValueError(f"base {meta['base'][0]!r} is not of the form '2024-25 = 100'")
    base = _year_of_label(base_match[1])
    if years.get(base) != 100:
        raise ValueError(f"the index for the base year {label(base)} is {years.get(base)}, not 100")
    source = (
        f"{meta['publisher'][0]}, {meta['title'][0]}, {meta['release'][0]} "
        f"(financial years, {meta['base'][0]}): {meta['source'][0]}"
    )
    return Deflators(
        source=source,
        base=base,
        years=dict(sorted(years.items())),
        forecast_years=frozenset(forecast),
        notes=tuple(meta.get("note", [])),
    )


def to_constant_prices(amount: Decimal, price_year: int, target_year: int) -> Decimal | None:
    """``amount`` in ``price_year``'s prices restated in ``target_year``'s, to the nearest pound.

    None when either year is outside the series: the caller says "not converted" rather than guess.
    """
    years = deflators().years
    if price_year not in years or target_year not in years:
        return None
    return (amount * years[target_year] / years[price_year]).quantize(Decimal(1), rounding=ROUND_HALF_UP)
