"""Formatting for the overview report: one way to write a number, used by the page and the PDF, in the language
the report is written in (Django's formats for the active language)."""

from decimal import Decimal

from django import template

from bluelight.editions.report import language
from bluelight.editions.report.tables import number

register = template.Library()


@register.filter
def cell(value):
    """12,345 for counts and pounds, 12.5 for percentages, an en dash for 'not known'; text as it is (record text
    keeps its language mark)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return number(value)
    return value if isinstance(value, str) else str(value)


@register.filter
def pounds(value) -> str:
    return "–" if value is None else f"£{number(value)}"


@register.filter
def record(value):
    """Text from a record (an edition's or a theme's name), marked with the language it was written in where the
    page is in another (never inside an attribute or <title>: there it would be markup)."""
    return language.record(value)
