"""The online return item form: the spreadsheet's columns as fields, checked by the same row class (rows.py).

Partners are a list kept in the page (hidden `partners` inputs, each with a Remove button) and one select of the
register's organisations that "Add partner" adds to the list; the page is shown again, nothing saved. On Save a
partner chosen but not yet added is added too. Dates are GOV.UK date inputs (month optional, year), sent on as
"2016" or "2016-05". Each money figure has its own basis, price year and recipient; the item's savings_basis and
price_year, the figures' defaults, are not on the page but passed in (`defaults`), so the row class keeps them.
"""

from collections.abc import Callable

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Basis
from bluelight.core.forms import GovukMessages
from bluelight.core.versions import version_form_field
from bluelight.returns.cells import WEB_NAMES
from bluelight.returns.models import ItemProgress
from bluelight.returns.sheet import FIGURES, RowError

DATES = ("start_date", "end_date")
DATE_HINTS = {
    "start_date": _("When it started or will start. For example, 5 2016, or 2016 if you do not know the month."),
    "end_date": _("If it has ended or will end. For example, 3 2019, or 2019."),
}
# The fields the form shows for each money figure, in the page's order.
FIGURE_PARTS = ("gbp", "basis", "price_year", "recipient")
FIGURE_LEGENDS = {
    "annual_savings": _("Annual recurring savings"),
    "one_off_savings": _("One-off or cumulative savings"),
    "one_off_cost": _("One-off cost"),
    "external_funding": _("External funding received"),
}
FIGURE_HINTS = {
    "one_off_cost": _("What it cost to set up. A cost is never a negative saving."),
    "external_funding": _("Grants such as the Police Transformation Fund. Never counted as a saving."),
}
# The item form's fields as returns/item_form.html shows them (the error summary lists problems in this order).
PAGE_ORDER = [
    "title", "description", "partner", "lead_organisation", "theme", "secondary_themes", "status",
    "start_date_month", "start_date_year", "end_date_month", "end_date_year", "scope",
    *[f"{figure}_{part}" for figure in FIGURES for part in FIGURE_PARTS],
    "benefits", "outcomes", "lessons", "evidence_url", "contact_name", "contact_email", "progress",
]  # fmt: skip
FINISHED = [
    (ItemProgress.COMPLETED, _("Yes, I have finished")),
    (ItemProgress.IN_PROGRESS, _("No, I'll come back to it later")),
]


class OfferedChoice(forms.ChoiceField):
    """Radios or a list on the page, whose value is checked by the row class as a spreadsheet's cell is: a value
    not offered gets the row class's message only, not Django's as well."""

    def valid_value(self, value) -> bool:
        return True


class OfferedChoices(forms.MultipleChoiceField):
    """Checkboxes whose values the row class checks (as OfferedChoice)."""

    def valid_value(self, value) -> bool:
        return True


def date_problem(month: str, year: str, name) -> tuple[str, str] | None:
    """(box, message) for a date typed wrongly in its month and year boxes, naming the first box at fault."""
    if month and (not month.isdigit() or not 1 <= int(month) <= 12):
        return "month", _("%(Name)s month must be a number from 1 to 12") % {"Name": name}
    if not year:
        return ("year", _("%(Name)s must include a year") % {"Name": name}) if month else None
    if not year.isdigit() or len(year) != 4:
        return "year", _("%(Name)s year must be 4 numbers, like 2016") % {"Name": name}
    if not 1900 <= int(year) <= 2100:
        return "year", _("%(Name)s year must be between 1900 and 2100") % {"Name": name}
    return None


class ItemForm(GovukMessages, forms.Form):
    """The online return item, in the page's order.

    `organisations` are the register's names the partner list offers; `reporter` the reporting organisation
    (never listed as a partner: it is one already); `describe_partners` gives each partner's name in the register
    for the names in the list (as typed, in a spreadsheet or chosen here); `defaults` the item's savings_basis and
    price_year.
    """

    error_names = {"progress": _("whether you have finished with this collaboration")}

    title = forms.CharField(label=_("Title"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    partner = OfferedChoice(label=_("Partner to add"), required=False)
    lead_organisation = OfferedChoice(
        label=_("Lead organisation"),
        required=False,
        help_text=_("Your organisation or one of the partners: add a partner above to choose it here."),
    )
    theme = OfferedChoice(label=_("Main theme"), required=False)
    secondary_themes = OfferedChoices(
        label=_("Other themes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select any other themes the collaboration covers besides the main theme."),
    )
    status = OfferedChoice(label=_("Status"), required=False, widget=forms.RadioSelect)
    start_date_month = forms.CharField(label=_("Month"), required=False)
    start_date_year = forms.CharField(label=_("Year"), required=False)
    end_date_month = forms.CharField(label=_("Month"), required=False)
    end_date_year = forms.CharField(label=_("Year"), required=False)
    scope = OfferedChoice(label=_("Scope"), required=False, widget=forms.RadioSelect)
    annual_savings_gbp = forms.CharField(label=_("Annual recurring savings (£)"), required=False)
    one_off_savings_gbp = forms.CharField(label=_("One-off or cumulative savings (£)"), required=False)
    one_off_cost_gbp = forms.CharField(
        label=_("One-off cost (£)"), required=False, help_text=_("For example 250000 or £250k")
    )
    external_funding_gbp = forms.CharField(label=_("External funding received (£)"), required=False)
    benefits = forms.CharField(label=_("Benefits"), required=False, widget=forms.Textarea)
    outcomes = forms.CharField(
        label=_("Outcomes"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Non-financial results: response minutes, hours released, lives saved."),
    )
    lessons = forms.CharField(
        label=_("Lessons and barriers"),
        required=False,
        widget=forms.Textarea,
        help_text=_("What did not work is as useful to others as what did."),
    )
    evidence_url = forms.CharField(label=_("Link to an evaluation or report"), required=False)
    contact_name = forms.CharField(label=_("Contact name"), required=False, help_text=_("Never published."))
    contact_email = forms.CharField(label=_("Contact email"), required=False)
    progress = forms.ChoiceField(
        label=_("Have you finished with this collaboration?"),
        choices=FINISHED,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if you have finished with this collaboration")},
    )
    version = version_form_field()  # the item's version the form was opened at (none for a new item)

    def __init__(
        self,
        *args,
        theme_choices=(),
        status_choices=(),
        scope_choices=(),
        organisations=(),
        reporter=None,
        describe_partners: Callable[[list[str]], dict[str, str]] | None = None,
        defaults: dict | None = None,
        price_year_default: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.reporter = reporter
        self.defaults = defaults or {}
        reporter_name = reporter.name if reporter is not None else ""
        names = self.partner_names
        shown = (describe_partners or (lambda names: {}))(names)
        self.partner_rows = [{"name": name, "label": shown.get(name, name)} for name in names]
        among = [("", _("%(org)s (your organisation)") % {"org": reporter_name})]
        among += [(row["name"], row["label"]) for row in self.partner_rows]
        register = [(name, name) for name in organisations if name not in names]
        self.fields["partner"].choices = [("", _("Choose an organisation")), *register]
        self.fields["lead_organisation"].choices = among
        self.fields["theme"].choices = [("", _("Not sure"))] + list(theme_choices)
        self.fields["secondary_themes"].choices = list(theme_choices)
        self.fields["status"].choices = list(status_choices)
        self.fields["scope"].choices = list(scope_choices)
        year_hint = _("For example 2024. Leave it blank for %(year)s.") % {"year": price_year_default or ""}
        for figure in FIGURES:
            self.fields[f"{figure}_basis"] = OfferedChoice(
                label=WEB_NAMES[f"{figure}_basis"], required=False, widget=forms.RadioSelect, choices=Basis.choices
            )
            self.fields[f"{figure}_price_year"] = forms.CharField(
                label=WEB_NAMES[f"{figure}_price_year"],
                required=False,
                help_text=year_hint if price_year_default else _("For example 2024"),
            )
            self.fields[f"{figure}_recipient"] = OfferedChoice(label=WEB_NAMES[f"{figure}_recipient"], required=False)
            self.fields[f"{figure}_recipient"].choices = among
        self.order_fields(PAGE_ORDER)
        if not self.is_bound and self.initial.get("_nothing_chosen"):
            # "Add partner" with no partner chosen: said on the list to choose from (nothing else is checked).
            self.cleaned_data = {}
            self.add_error("partner", _("Select a partner to add"))

    # The partners ---------------------------------------------------------------------------

    def _list(self, name: str) -> list:
        """A posted field's values (several for the partners and the other themes)."""
        if isinstance(self.data, QueryDict):
            return self.data.getlist(name)
        value = self.data.get(name)
        return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]

    @property
    def partner_names(self) -> list[str]:
        """The partners listed on the page (the reporting organisation is never one of them)."""
        names = self._list("partners") if self.is_bound else self.initial.get("partners")
        return list(dict.fromkeys(" ".join(str(n).split()) for n in names or [] if str(n).strip()))

    def _chosen(self) -> str:
        """A partner chosen in the list but not added yet (not one listed, nor the reporting organisation)."""
        name = " ".join((self.data.get("partner") or "").split())
        reporter = self.reporter.name if self.reporter is not None else None
        return "" if not name or name in self.partner_names or name == reporter else name

    def values(self) -> dict:
        """The posted values, to show again as the form's initial values (nothing checked, nothing saved), with a
        partner chosen but not yet added in the list."""
        values = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                values[name] = self._list(name)
            else:
                values[name] = self.data.get(name, "")
        values["partners"] = self.partner_names + ([self._chosen()] if self._chosen() else [])
        values["partner"] = ""
        return values

    def partners_changed(self) -> dict | None:
        """The values to show again after "Add partner" or a partner's "Remove" button; None for Save."""
        if self.data.get("action") == "add_partner":
            return {**self.values(), "_nothing_chosen": not self._chosen()}
        removed = self.data.get("remove_partner")
        if removed is not None:
            values = self.values()
            values["partners"] = [name for name in values["partners"] if name != removed]
            return values
        return None

    # Dates ------------------------------------------------------------------------------------

    def _date_boxes(self, column: str) -> tuple[str, str]:
        return str(self.data.get(f"{column}_month") or "").strip(), str(self.data.get(f"{column}_year") or "").strip()

    def clean(self):
        data = super().clean()
        for column in DATES:
            month, year = self._date_boxes(column)
            problem = date_problem(month, year, WEB_NAMES[column])
            if problem is not None:
                self.add_error(f"{column}_{problem[0]}", problem[1])
        return data

    def _date_cell(self, column: str) -> str:
        """The date as a spreadsheet's cell: "2016" or "2016-05"; blank when the boxes are blank or wrong (the form
        says what is wrong with them)."""
        month, year = self._date_boxes(column)
        if date_problem(month, year, "") is not None or not year:
            return ""
        return f"{year}-{int(month):02d}" if month else year

    def date_inputs(self) -> list[dict]:
        """Each date as the template's GOV.UK date input shows it: its boxes, its one message, the boxes in error."""
        inputs = []
        for column in DATES:
            month, year = self[f"{column}_month"], self[f"{column}_year"]
            errors = [*month.errors, *year.errors]
            whole = bool(getattr(self, "_whole_date_errors", {}).get(column))
            inputs.append(
                {
                    "name": column,
                    "legend": WEB_NAMES[column],
                    "hint": DATE_HINTS[column],
                    "month": month,
                    "year": year,
                    "errors": list(dict.fromkeys(errors)),
                    "month_error": bool(month.errors) or whole,
                    "year_error": bool(year.errors) or whole,
                }
            )
        return inputs

    # The money figures ----------------------------------------------------------------------

    def figure_groups(self) -> list[dict]:
        """Each money figure's fields, for the template's fieldset per figure."""
        return [
            {
                "name": figure,
                "legend": FIGURE_LEGENDS[figure],
                "hint": FIGURE_HINTS.get(figure, ""),
                **{part: self[f"{figure}_{part}"] for part in FIGURE_PARTS},
            }
            for figure in FIGURES
        ]

    # The row class's cells and errors ---------------------------------------------------------

    def cells(self) -> dict[str, str]:
        """The form's values as the spreadsheet's cells, for the shared row class."""
        skip = {"partner", "secondary_themes", "progress", "version"}
        skip |= {f"{column}_{box}" for column in DATES for box in ("month", "year")}
        cells = {name: str(self.data.get(name) or "").strip() for name in self.fields if name not in skip}
        chosen = self._chosen()
        cells["partners"] = "; ".join(self.partner_names + ([chosen] if chosen else []))
        themes = self._list("secondary_themes")
        cells["secondary_themes"] = "; ".join(str(code).strip() for code in themes if str(code).strip())
        for column in DATES:
            cells[column] = self._date_cell(column)
        for column in ("savings_basis", "price_year"):
            value = self.defaults.get(column)
            cells[column] = "" if value is None else str(value)
        return cells

    def add_row_errors(self, errors: list[RowError]) -> None:
        """Show the row class's problems on the form in the words written for it, each on its field: a problem with
        partners on the list to add one from; a problem with a whole date on its first box (the month, when given)."""
        self._whole_date_errors = {}
        for error in errors:
            column = error.field or error.column
            if column == "partners":
                column = "partner"
            elif column in DATES:
                if any(self[f"{column}_{box}"].errors for box in ("month", "year")):
                    continue  # the boxes' own message says what is wrong
                self._whole_date_errors[column] = True
                month, _year = self._date_boxes(column)
                column = f"{column}_month" if month else f"{column}_year"
            self.add_error(column if column in self.fields else None, error.web_message)
