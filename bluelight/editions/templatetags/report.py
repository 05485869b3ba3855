"""Formatting for the overview report: one way to write a number, used by the page and the PDF."""

from django import template

register = template.Library()


@register.filter
def cell(value) -> str:
    """12,345 for counts and pounds, 12.5 for percentages, an en dash for 'not known'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)  # a Decimal keeps the precision it was published with (deflator indices)


@register.filter
def pounds(value) -> str:
    return "–" if value is None else f"£{value:,}"
