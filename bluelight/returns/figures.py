"""The money columns of a return row: the four figures (annual savings, one-off savings, one-off cost, external
funding), the basis and price year they default to, and each figure's own basis, price year and recipient.

`FigureColumns` is mixed into `rows.ReturnRow`: one `clean_<column>` method per money column. A row's
savings_basis and price_year are the default for every figure; a figure's own basis or price year
(`<figure>_basis`, `<figure>_price_year`) overrides it, and is kept only where it differs (blank means the
default), so a row written back from the item reads the same. A figure's recipient (`<figure>_recipient`) is the
organisation it accrues to: blank for the reporting organisation, else one of the row's partners.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bluelight.collaborations.models import Basis
from bluelight.organisations.models import Organisation
from bluelight.returns.cells import WEB_NAMES, CellError, money_parse
from bluelight.returns.sheet import FIGURES, normal, shorten

MONEY_COLUMNS = tuple(f"{figure}_gbp" for figure in FIGURES)
COST_NOT_NEGATIVE = gettext_lazy("enter the cost itself, without a minus sign")
SAVING_NOT_NEGATIVE = gettext_lazy("enter a cost under One-off cost, not as a negative saving")
FUNDING_NOT_NEGATIVE = gettext_lazy("enter the funding received, without a minus sign")
PARTNER_NAME_LIMIT = 250  # ItemPartner.typed_as


def _choices(choices) -> dict[str, str]:
    """Accept each choice by its value or its label, in any case."""
    lookup = {}
    for value, label in choices:
        lookup[normal(value)] = value
        lookup[normal(label)] = value
    return lookup


BASIS_LOOKUP = {
    **_choices(Basis.choices),
    "projected": Basis.ESTIMATED,
    "realized": Basis.REALISED,
    "independently evaluated": Basis.INDEPENDENTLY_EVALUATED,
}
_PRICE_YEAR = re.compile(r"(\d{4})(?:\s*[/\-]\s*(?:\d{2}|\d{4}))?")


@dataclass(frozen=True)
class Figure:
    """One money figure of an item as consolidation uses it: its amount, basis, price year and who it accrues to
    (its own values where given, else the item's defaults and the reporting organisation)."""

    name: str  # one of FIGURES
    amount: Decimal | None
    basis: str
    price_year: int | None
    recipient: Organisation


def price_year_parse(text: str) -> int | None:
    """A price year from "2016" or a financial year "2016/17" or "2016-2017" (its first year); None if it is not one."""
    match = _PRICE_YEAR.fullmatch(text)
    if not match or not 1990 <= int(match[1]) <= 2100:
        return None
    return int(match[1])


class FigureColumns:
    """The money columns of `rows.ReturnRow` (which provides `values`, `context`, `cells` and `day`)."""

    def clean_one_off_cost_gbp(self, text: str) -> Decimal | None:
        return money_parse(
            text,
            negative_hint="enter the cost itself, without a minus sign",
            column="one_off_cost_gbp",
            negative_web=COST_NOT_NEGATIVE,
        )

    def clean_one_off_savings_gbp(self, text: str) -> Decimal | None:
        return money_parse(
            text,
            negative_hint="a cost goes in one_off_cost_gbp, not as a negative saving",
            column="one_off_savings_gbp",
            negative_web=SAVING_NOT_NEGATIVE,
        )

    def clean_annual_savings_gbp(self, text: str) -> Decimal | None:
        return money_parse(
            text,
            negative_hint="a cost goes in one_off_cost_gbp, not as a negative saving",
            column="annual_savings_gbp",
            negative_web=SAVING_NOT_NEGATIVE,
        )

    def clean_external_funding_gbp(self, text: str) -> Decimal | None:
        return money_parse(
            text,
            negative_hint="enter the funding received, without a minus sign",
            column="external_funding_gbp",
            negative_web=FUNDING_NOT_NEGATIVE,
        )

    def clean_savings_basis(self, text: str) -> str:
        if not text:
            return ""
        basis = BASIS_LOOKUP.get(normal(text))
        if basis is None:
            raise CellError(
                f"savings_basis must be one of {', '.join(Basis.values)}",
                web=_("Select the basis of the savings from the list"),
            )
        return basis

    def clean_price_year(self, text: str) -> int | None:
        """Blank stays None here; `figures_complete()` fills it in when the row gives money."""
        if not text:
            return None
        year = price_year_parse(text)
        if year is None:
            raise CellError(
                "price_year is the year the money figures are priced in: a year from 1990 to 2100",
                web=_("Price year of the figures must be a year from 1990 to 2100, like 2016"),
            )
        return year

    # Each figure's own basis, price year and recipient --------------------------------------

    def _figure_basis(self, text: str, figure: str) -> str:
        if not text:
            return ""
        basis = BASIS_LOOKUP.get(normal(text))
        if basis is None:
            raise CellError(
                f"{figure}_basis must be one of {', '.join(Basis.values)}, or blank for the row's savings_basis",
                web=_("Select the %(name)s from the list") % {"name": _lower_first(WEB_NAMES[f"{figure}_basis"])},
            )
        return basis

    def _figure_price_year(self, text: str, figure: str) -> int | None:
        if not text:
            return None
        year = price_year_parse(text)
        if year is None:
            raise CellError(
                f"{figure}_price_year is the year this figure is priced in: a year from 1990 to 2100, "
                "or blank for the row's price_year",
                web=_("%(Name)s must be a year from 1990 to 2100, like 2016")
                % {"Name": WEB_NAMES[f"{figure}_price_year"]},
            )
        return year

    def _figure_recipient(self, text: str, figure: str) -> Organisation | None:
        """The partner the figure accrues to; None for the reporting organisation (also when named)."""
        if not text:
            return None
        column, reporter = f"{figure}_recipient", self.context.organisation
        name = {"Name": WEB_NAMES[column]}
        if len(text) > PARTNER_NAME_LIMIT:
            raise CellError(
                "this is too long for an organisation name: give the partner's name, short name or code",
                web=_("%(Name)s is too long for a name: select one of the partners") % name,
                value=shorten(text),
            )
        partners = self.values.get("partners")  # None when the partners cell has an error: reported there
        found = next((org for org, typed in partners or [] if typed and normal(typed) == normal(text)), None)
        if found is None:
            others = [org for org, _typed in partners or []]
            resolution = self.context.resolve(text, others, day=self.day)
            if resolution.match is None:
                raise CellError(
                    f"{resolution.message} The organisation a figure accrues to must be one of the partners: use "
                    "the name, short name or code you gave in partners, or leave it blank for your organisation",
                    web=_("%(message)s Select one of the partners under %(Name)s")
                    % {"message": resolution.message, **name},
                )
            found = resolution.match
        if found.pk == reporter.pk or found.current_body(self.context.day).pk == reporter.pk:
            return None
        if partners is not None and all(found.pk != org.pk for org, _typed in partners):
            raise CellError(
                f"{found.name} is not one of the partners: add it to partners, or leave {column} blank if the "
                f"money accrues to {reporter.name}",
                web=_("%(org)s is not one of the partners: add it as a partner, or select another organisation")
                % {"org": found.name},
            )
        return found

    def clean_annual_savings_basis(self, text: str) -> str:
        return self._figure_basis(text, "annual_savings")

    def clean_annual_savings_price_year(self, text: str) -> int | None:
        return self._figure_price_year(text, "annual_savings")

    def clean_annual_savings_recipient(self, text: str) -> Organisation | None:
        return self._figure_recipient(text, "annual_savings")

    def clean_one_off_savings_basis(self, text: str) -> str:
        return self._figure_basis(text, "one_off_savings")

    def clean_one_off_savings_price_year(self, text: str) -> int | None:
        return self._figure_price_year(text, "one_off_savings")

    def clean_one_off_savings_recipient(self, text: str) -> Organisation | None:
        return self._figure_recipient(text, "one_off_savings")

    def clean_one_off_cost_basis(self, text: str) -> str:
        return self._figure_basis(text, "one_off_cost")

    def clean_one_off_cost_price_year(self, text: str) -> int | None:
        return self._figure_price_year(text, "one_off_cost")

    def clean_one_off_cost_recipient(self, text: str) -> Organisation | None:
        return self._figure_recipient(text, "one_off_cost")

    def clean_external_funding_basis(self, text: str) -> str:
        return self._figure_basis(text, "external_funding")

    def clean_external_funding_price_year(self, text: str) -> int | None:
        return self._figure_price_year(text, "external_funding")

    def clean_external_funding_recipient(self, text: str) -> Organisation | None:
        return self._figure_recipient(text, "external_funding")

    def figures_complete(self) -> None:
        """After the cross-column rules: a blank price year is this round's where the row gives money, and a
        figure's own basis or price year that only repeats the default is dropped (kept once, as the default)."""
        values = self.values
        money = [values.get(column) for column in MONEY_COLUMNS]
        if "price_year" in values and values["price_year"] is None and any(m is not None for m in money):
            # Figures reported in a round are taken to be in that round's prices: people quote
            # today's money, whenever the collaboration started. The original cell stays blank in `raw`.
            values["price_year"] = self.context.day.year
        for figure in FIGURES:
            for part, default in (("basis", "savings_basis"), ("price_year", "price_year")):
                own = f"{figure}_{part}"
                if own in values and default in values and values[own] == values[default]:
                    values[own] = "" if part == "basis" else None


def _lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


def item_figure(item, figure: str) -> Figure:
    """`item`'s figure (a ReturnItem; expects its return's organisation and the recipients loaded)."""
    return Figure(
        name=figure,
        amount=getattr(item, f"{figure}_gbp"),
        basis=getattr(item, f"{figure}_basis") or item.savings_basis,
        price_year=getattr(item, f"{figure}_price_year") or item.price_year,
        recipient=getattr(item, f"{figure}_recipient") or item.return_obj.organisation,
    )
