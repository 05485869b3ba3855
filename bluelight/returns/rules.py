"""Named rules for a return item: checks across the columns of one row, each with a code, one check and two
messages, one for each channel: its docstring for a spreadsheet, `web` for the online form.

A rule takes `ItemValues`, a row's clean values as `ReturnRow` holds them once every column is
cleaned, and is run only when the columns it `needs` cleaned without error (a bad cell is reported
by its own column, not again by every rule that reads it). The spreadsheet and the online form both
clean through `ReturnRow`, so both channels apply the same rules. A spreadsheet's message speaks of
cells and columns and reads after "row 3, column end_date: ", hence its small first letter; the web
message is a GOV.UK one, naming the form's fields by their labels ("End must be the same as or after
the start").
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bluelight.organisations.models import Organisation
from bluelight.returns.sheet import normal


@dataclass
class ItemValues:
    """One row's clean values (column -> value; a column whose cell had an error is absent), and its setting."""

    values: dict
    reporter: Organisation | None = None
    day: datetime.date | None = None  # the date the row's names were resolved at
    typed_partners: list[tuple[Organisation, str]] = field(default_factory=list)  # as the row named them


@dataclass(frozen=True)
class Said:
    """A failed rule's messages made specific to one row: for a spreadsheet, and for the online form."""

    sheet: str
    web: str


@dataclass(frozen=True)
class Rule:
    code: str
    column: str  # the column the problem is reported in
    needs: tuple[str, ...]  # columns that must have cleaned for the rule to run
    check: Callable[[ItemValues], bool | Said]
    web: str  # the online form's message
    field: str = ""  # the online form's field for the problem, where the form has no field named `column`

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def message(self) -> str:
        """The spreadsheet's message: the check's docstring."""
        return " ".join((self.check.__doc__ or "").split())

    def failure(self, item: ItemValues) -> Said | None:
        """None when the row passes (or the rule does not apply); else the messages to show.

        A check returns True when the row passes; when it fails, False (the messages are the
        docstring and `web`) or `Said`: both made specific to the row.
        """
        if any(column not in item.values for column in self.needs):
            return None
        outcome = self.check(item)
        if outcome is True:
            return None
        return outcome if isinstance(outcome, Said) else Said(self.message, str(self.web))


RULES: list[Rule] = []


def rule(code: str, column: str, *, needs: tuple[str, ...], web: str, field: str = ""):
    """Declare a check as rule `code`, reported in `column` (on the online form, in `field` if given); its
    docstring is the spreadsheet's message, `web` the online form's."""

    def register(check):
        RULES.append(Rule(code, column, needs, check, web, field))
        return check

    return register


TOO_FEW_PARTNERS = gettext_lazy("Enter at least one partner: a collaboration needs at least two organisations")


@rule("RET001", "partners", needs=("partners",), web=TOO_FEW_PARTNERS)
def at_least_two_partners(item: ItemValues) -> bool | Said:
    """a collaboration needs at least two organisations: list the partners of your organisation
    (names, short names or codes), separated by semicolons"""
    # Run after the lead column, which adds a lead missing from the partners.
    if len(item.values["partners"]) >= 2:
        return True
    reporter = item.reporter
    if reporter is None:
        return False
    itself = [t for org, t in item.typed_partners if org.pk == reporter.pk and normal(t) != normal(reporter.name)]
    why, web = "", str(TOO_FEW_PARTNERS)
    if itself:
        why = (
            f"{'; '.join(itself)} is {reporter.name} itself on {item.day:%Y-%m-%d} "
            "(give the start_date if the partner was a service that later merged into it); "
        )
        web = _(
            "%(typed)s is %(reporter)s itself on %(day)s: enter the other organisations taking part (if the "
            "partner was a service that later merged into %(reporter)s, give the start of the collaboration)"
        ) % {"typed": "; ".join(itself), "reporter": reporter.name, "day": date_format(item.day, "j F Y")}
    sheet = (
        f"a collaboration needs at least two organisations: {why}list the partners of {reporter.name} "
        "(names, short names or codes), separated by semicolons"
    )
    return Said(sheet, web)


@rule(
    "RET002",
    "end_date",
    needs=("start_date", "end_date"),
    web=gettext_lazy("End must be the same as or after the start"),
)
def end_not_before_start(item: ItemValues) -> bool:
    """the end is before the start: check both dates"""
    start, end = item.values["start_date"], item.values["end_date"]
    return not (start and end and end[0] < start[0])


def _has_a_basis(item: ItemValues, figure: str) -> bool:
    """A figure without an amount needs no basis; one with an amount has its own basis or the row's savings_basis.

    An amount cell with an error is not in the values, as if blank: its own column reports it."""
    values = item.values
    return values[f"{figure}_gbp"] is None or bool(values[f"{figure}_basis"] or values["savings_basis"])


@rule(
    "RET003",
    "savings_basis",
    needs=("annual_savings_gbp", "savings_basis", "annual_savings_basis"),
    web=gettext_lazy("Select the basis of the annual recurring savings"),
    field="annual_savings_basis",
)
def annual_savings_have_a_basis(item: ItemValues) -> bool:
    """say how the annual savings are known: estimated, realised or independently_evaluated, in savings_basis
    (or in annual_savings_basis for this figure alone)"""
    return _has_a_basis(item, "annual_savings")


@rule(
    "RET004",
    "savings_basis",
    needs=("one_off_savings_gbp", "savings_basis", "one_off_savings_basis"),
    web=gettext_lazy("Select the basis of the one-off or cumulative savings"),
    field="one_off_savings_basis",
)
def one_off_savings_have_a_basis(item: ItemValues) -> bool:
    """say how the one-off savings are known: estimated, realised or independently_evaluated, in savings_basis
    (or in one_off_savings_basis for this figure alone)"""
    return _has_a_basis(item, "one_off_savings")


def check(item: ItemValues) -> list[tuple[Rule, Said]]:
    """Every rule the row fails, in code order, with its messages for this row."""
    failures = []
    for r in RULES:
        said = r.failure(item)
        if said is not None:
            failures.append((r, said))
    return failures
