"""Dates known to a year or a month."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from bluelight.collaborations.partial_dates import format_partial_date, parse_partial_date


def test_a_year_starts_on_1_january_and_ends_on_31_december():
    assert parse_partial_date("2016") == (datetime.date(2016, 1, 1), "year")
    assert parse_partial_date("2016", end=True) == (datetime.date(2016, 12, 31), "year")


def test_a_month_ends_on_its_last_day_including_leap_years():
    assert parse_partial_date("2016-02", end=True) == (datetime.date(2016, 2, 29), "month")
    assert parse_partial_date("2016-5") == (datetime.date(2016, 5, 1), "month")


def test_a_start_in_a_month_is_not_after_an_end_in_the_same_year():
    start, _ = parse_partial_date("2016-05")
    end, _ = parse_partial_date("2016", end=True)
    assert end >= start


@pytest.mark.parametrize("text", ["16", "May 2016", "2016-13", "2016/05", "", "1066"])
def test_other_forms_are_refused_with_the_expected_format(text):
    with pytest.raises(ValidationError) as exc:
        parse_partial_date(text)
    assert "2016" in str(exc.value)


def test_format_shows_the_precision_it_was_given():
    assert format_partial_date(datetime.date(2016, 12, 31), "year") == "2016"
    assert format_partial_date(datetime.date(2016, 5, 31), "month") == "2016-05"
    assert format_partial_date(None, "year") == ""
