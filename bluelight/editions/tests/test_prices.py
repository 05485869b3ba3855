"""Constant prices: financial years, conversions checked against the file itself, and an honest source line."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from bluelight.editions.prices import DATA_FILE, deflators, financial_year_of, label, to_constant_prices


def _published() -> dict[str, tuple[str, str]]:
    """The file read as plain text, independently of the module: label -> (index, status)."""
    lines = [line for line in DATA_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines[0] == "financial_year,index,status"
    return {fy: (index, status) for fy, index, status in (line.split(",") for line in lines[1:])}


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2015, 1, 1), 2014),
        (datetime.date(2015, 2, 1), 2014),
        (datetime.date(2015, 3, 31), 2014),
        (datetime.date(2015, 4, 1), 2015),
        (datetime.date(2015, 12, 31), 2015),
    ],
)
def test_a_financial_year_runs_from_april_to_march(day, year):
    assert financial_year_of(day) == year


def test_a_financial_year_is_written_the_treasury_way():
    assert label(2014) == "2014-15"
    assert label(2009) == "2009-10"
    assert label(1999) == "1999-00"


def test_the_series_is_read_as_published():
    published = _published()
    series = deflators()
    assert {label(year): str(index) for year, index in series.years.items()} == {
        fy: index for fy, (index, _) in published.items()
    }
    assert {label(year) for year in series.forecast_years} == {
        fy for fy, (_, status) in published.items() if status == "forecast"
    }
    assert series.years[series.base] == 100
    assert set(range(2008, 2026)) <= set(series.years)
    assert max(series.years) in series.forecast_years  # the last years are the OBR's, and marked so


def test_converting_to_the_same_year_returns_the_amount():
    for year in deflators().years:
        assert to_constant_prices(Decimal(123456), year, year) == Decimal(123456)


def test_a_conversion_matches_a_hand_computation_from_the_file():
    published = _published()
    price, target = Fraction(published["2014-15"][0]), Fraction(published["2024-25"][0])
    amount = 250_000
    exact = amount * target / price
    by_hand = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)  # half up; exact is positive
    converted = to_constant_prices(Decimal(amount), 2014, 2024)
    assert converted == Decimal(by_hand)
    assert converted.as_tuple().exponent == 0  # whole pounds


def test_rounding_is_to_the_nearest_pound_half_up():
    assert to_constant_prices(Decimal("10.50"), 2014, 2014) == Decimal(11)
    assert to_constant_prices(Decimal("10.49"), 2014, 2014) == Decimal(10)


def test_a_year_outside_the_series_is_not_converted():
    years = deflators().years
    before, after = min(years) - 1, max(years) + 1
    assert to_constant_prices(Decimal(1000), before, 2014) is None
    assert to_constant_prices(Decimal(1000), 2014, after) is None
    assert to_constant_prices(Decimal(1000), before, after) is None


def test_the_source_line_names_the_treasury_and_an_address():
    source = deflators().source
    assert "HM Treasury" in source
    assert "https://www.gov.uk/" in source
    assert label(deflators().base) in source
