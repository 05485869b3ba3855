"""One cell's text made a value, whichever column it is in: the error a cell raises, with its two messages
(for a spreadsheet and for the online form), how the online form names each column, and money amounts."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# How the online form's messages name each column: its label on the form (returns/forms.py ItemForm).
WEB_NAMES = {
    "reference": gettext_lazy("Reference"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "partners": gettext_lazy("Partner"),
    "lead_organisation": gettext_lazy("Lead organisation"),
    "theme": gettext_lazy("Main theme"),
    "status": gettext_lazy("Status"),
    "start_date": gettext_lazy("Start"),
    "end_date": gettext_lazy("End"),
    "scope": gettext_lazy("Scope"),
    "one_off_cost_gbp": gettext_lazy("One-off cost"),
    "one_off_savings_gbp": gettext_lazy("One-off or cumulative savings"),
    "annual_savings_gbp": gettext_lazy("Annual recurring savings"),
    "external_funding_gbp": gettext_lazy("External funding received"),
    "savings_basis": gettext_lazy("Basis of the savings"),
    "price_year": gettext_lazy("Price year of the figures"),
    "benefits": gettext_lazy("Benefits"),
    "outcomes": gettext_lazy("Outcomes"),
    "lessons": gettext_lazy("Lessons and barriers"),
    "evidence_url": gettext_lazy("Link to an evaluation or report"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact email"),
    "secondary_themes": gettext_lazy("Other themes"),
    "annual_savings_basis": gettext_lazy("Basis of the annual recurring savings"),
    "annual_savings_price_year": gettext_lazy("Price year of the annual recurring savings"),
    "annual_savings_recipient": gettext_lazy("Who the annual recurring savings accrue to"),
    "one_off_savings_basis": gettext_lazy("Basis of the one-off or cumulative savings"),
    "one_off_savings_price_year": gettext_lazy("Price year of the one-off or cumulative savings"),
    "one_off_savings_recipient": gettext_lazy("Who the one-off or cumulative savings accrue to"),
    "one_off_cost_basis": gettext_lazy("Basis of the one-off cost"),
    "one_off_cost_price_year": gettext_lazy("Price year of the one-off cost"),
    "one_off_cost_recipient": gettext_lazy("Who bears the one-off cost"),
    "external_funding_basis": gettext_lazy("Basis of the external funding"),
    "external_funding_price_year": gettext_lazy("Price year of the external funding"),
    "external_funding_recipient": gettext_lazy("Who received the external funding"),
}
MAX_AMOUNT = Decimal("1000000000000")  # ReturnItem money fields hold 12 digits before the point
NOTHING = {"-", "–", "—", "n/a", "na", "none"}  # how people write "no figure" in a money cell
_RANGE = re.compile(r"\d\s*(?:k|m)?\s*(?:-|–|—|to)\s*£?\s*\d", re.I)
_MONEY = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(k|m|thousand|million)?", re.I)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:k|m|thousand|million)?", re.I)
_NUMBER_LIKE = re.compile(r"[\d,.]+(?:k|m|thousand|million)?", re.I)
_UNITS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}


class CellError(Exception):
    """A cell cannot be used: `message` says so for a spreadsheet, `web` for the online form. `problems` are
    (value, message, web) triples: one cell may hold several (partners)."""

    def __init__(self, message: str = "", *, web: str = "", value: str | None = None, problems=None):
        super().__init__(message)
        self.problems: list[tuple[str | None, str, str]] = problems or [(value, message, web)]


def money_parse(
    text: str, *, negative_hint: str, column: str = "one_off_cost_gbp", negative_web: str = ""
) -> Decimal | None:
    """An amount in pounds from "12000", "12,000", "£12,000.50", "12k" or "£1.2m"; blank is None.

    `negative_hint` (for a spreadsheet) and `negative_web` (for the online form) say what to do with a
    negative amount in `column`."""
    text = text.strip()
    if not text or text.lower() in NOTHING:
        return None

    def web(message: str) -> str:  # built only for a cell in error: most cells are fine
        return message % {"Name": WEB_NAMES[column]}

    as_money = gettext_lazy("%(Name)s must be an amount in pounds, like 12000, £12,000 or 12k")
    if text.startswith("="):
        raise CellError("type the number, not a formula: copy the cell and paste it as a value", web=web(as_money))
    if _RANGE.search(text):
        raise CellError(
            "give one figure, not a range (your best estimate, e.g. the middle of the range)",
            web=web(_("%(Name)s must be one figure, not a range: your best estimate, like the middle of the range")),
        )
    compact = re.sub(r"\s+|£|gbp", "", text, flags=re.I)
    if compact.startswith(("-", "−")) or (compact.startswith("(") and compact.endswith(")")):
        positive = web(_("%(Name)s must be a positive amount"))
        raise CellError(
            f"enter a positive amount: {negative_hint}",
            web=f"{positive}: {negative_web}" if negative_web else positive,
        )
    if "," in compact and _NUMBER_LIKE.fullmatch(compact):
        if not _GROUPED.fullmatch(compact):
            raise CellError(
                "use commas only between thousands, like 12,000 (and a point for pence: 12,000.50)",
                web=web(_("%(Name)s must have commas only between thousands, like 12,000 (and a point for pence)")),
            )
        compact = compact.replace(",", "")
    match = _MONEY.fullmatch(compact)
    if not match:
        raise CellError(
            "enter an amount in pounds as figures, like 12000, £12,000 or 12k; explain it in benefits",
            web=_("%(as_money)s; explain it under Benefits") % {"as_money": web(as_money)},
        )
    try:
        amount = Decimal(match[1]) * _UNITS.get((match[2] or "").lower(), 1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise CellError("enter an amount in pounds, like 12000", web=web(as_money)) from None
    if amount >= MAX_AMOUNT:
        raise CellError(
            "this amount is too large: enter it in pounds, like 1200000 or 1.2m",
            web=web(_("%(Name)s is too large: enter it in pounds, like 1200000 or 1.2m")),
        )
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
