"""What each headline count counts: one definition per count, quoted wherever the count is shown (the home
page, an edition's page, the overview report and its spreadsheet annex), so two numbers with the same name
are always the same kind of number, and a reader can say why two of them differ (a date, not a rule)."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bluelight.editions.report.language import Phrase, phrase


def collaborations() -> str:
    return _("Collaborations: published records of joint work, each counted once however many partners reported it.")


def organisations(day: datetime.date) -> str:
    return _(
        "Organisations taking part: the bodies that are a partner in at least one of these collaborations, as they "
        "stood on %(date)s; services that had merged by then count once, as the body they became."
    ) % {"date": date_format(day, "j F Y")}


def main_theme() -> str:
    return _(
        "By main theme: each collaboration counts once, under the top-level theme of its main theme, so the themes "
        "add up to the total."
    )


def services() -> str:
    return _(
        "By service: a collaboration counts under each service taking part, so the services add up to more than the "
        "total; the combinations of services add up to the total."
    )


def growth(baseline: str) -> Phrase:
    """The baseline's name keeps its language mark (a `RecordText`) in a page written in another language."""
    return phrase(
        _(
            "Since %(baseline)s: collaborations are matched by their stable identifier, which they keep when records "
            "are merged. New, continuing, ended since then and had already ended at the baseline add up to the "
            "collaborations in this edition; those in %(baseline)s but not in this edition are counted apart."
        ),
        baseline=baseline,
    )


def headlines(day: datetime.date) -> dict[str, str]:
    """The definitions of the headline counts of records as they stood on `day`, by name, for a page."""
    return {
        "collaborations": collaborations(),
        "organisations": organisations(day),
        "main_theme": main_theme(),
        "services": services(),
    }
