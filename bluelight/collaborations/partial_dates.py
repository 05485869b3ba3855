"""Dates known to a year or a month ("2016", "2016-05"), as returns report them.

A start is stored as the first day of its period and an end as the last day, so that
"started 2016-05, ended 2016" compares correctly with a plain date constraint.
"""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")


_PATTERN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$")


def parse_partial_date(text: str, *, end: bool = False) -> tuple[datetime.date, str]:
    """Turn "YYYY" or "YYYY-MM" into (date, precision); the date is the period's last day if `end`."""
    match = _PATTERN.match(str(text))
    if not match:
        raise ValidationError(
            _("Enter a year or a year and month, like 2016 or 2016-05, not %(value)s"),
            params={"value": text},
            code="partial_date",
        )
    year = int(match[1])
    if not 1900 <= year <= 2100:
        raise ValidationError(_("Enter a year between 1900 and 2100, like 2016"), code="partial_date_year")
    if match[2] is None:
        return (datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)), Precision.YEAR
    month = int(match[2])
    if not 1 <= month <= 12:
        raise ValidationError(_("Enter a month from 01 to 12, like 2016-05"), code="partial_date_month")
    day = calendar.monthrange(year, month)[1] if end else 1
    return datetime.date(year, month, day), Precision.MONTH


def format_partial_date(day: datetime.date | None, precision: str) -> str:
    if day is None:
        return ""
    return str(day.year) if precision == Precision.YEAR else f"{day.year}-{day.month:02d}"
