"""Small helpers shared by the project's management commands."""

import datetime

from django.core.management.base import CommandError


def date_option(option: str, text: str) -> datetime.date:
    """A YYYY-MM-DD option value, or a CommandError naming the option and the format."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: {text!r} is not a date; use YYYY-MM-DD, e.g. 2016-04-01") from None
