"""Forms of the return's task list: is a pre-filled collaboration still right, when did it end, an analyst's comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Status
from bluelight.collaborations.partial_dates import Precision, parse_partial_date
from bluelight.core.forms import GovukMessages
from bluelight.returns.forms_item import date_problem


class ItemCheckForm(GovukMessages, forms.Form):
    answer = forms.ChoiceField(
        label=_("Is this collaboration still right?"),
        choices=[
            ("confirm", _("Yes, it is still right")),
            ("update", _("No, some details have changed")),
            ("ended", _("No, it has ended")),
        ],
        widget=forms.RadioSelect,
    )


class ItemEndForm(GovukMessages, forms.Form):
    """When and how a collaboration ended: a GOV.UK date input of month (optional) and year, and how it ended."""

    error_names = {"how": _("how it ended")}

    end_month = forms.CharField(label=_("Month"), required=False)
    end_year = forms.CharField(label=_("Year"), required=False)
    how = forms.ChoiceField(
        label=_("How did it end?"),
        choices=[
            (Status.COMPLETED, _("It finished as planned")),
            (Status.DISCONTINUED, _("It was stopped early")),
        ],
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        month, year = (data.get("end_month") or "").strip(), (data.get("end_year") or "").strip()
        problem = date_problem(month, year, _("End"))
        if problem is not None:
            self.add_error(f"end_{problem[0]}", problem[1])
        elif not year:
            self.add_error("end_year", _("Enter the year it ended, for example 2025"))
        else:
            data["end_date"], data["precision"] = parse_partial_date(
                f"{year}-{int(month):02d}" if month else year, end=True
            )
        return data

    def date_input(self) -> dict:
        """The end date as returns/_date_input.html shows it, its legend the page's heading."""
        month, year = self["end_month"], self["end_year"]
        return {
            "name": "end",
            "legend": _("When did it end?"),
            "heading": True,
            "hint": _("The month is optional: a year is enough. For example, 3 2025 or just 2025."),
            "month": month,
            "year": year,
            "errors": [*month.errors, *year.errors],
            "month_error": bool(month.errors),
            "year_error": bool(year.errors),
        }

    @classmethod
    def initial_from(cls, item) -> dict:
        if item.end_date is None:
            return {}
        month = str(item.end_date.month) if item.end_precision == Precision.MONTH else ""
        how = item.status if item.status in (Status.COMPLETED, Status.DISCONTINUED) else None
        return {"end_month": month, "end_year": str(item.end_date.year), "how": how}


class ItemCommentForm(GovukMessages, forms.Form):
    comment = forms.CharField(
        label=_("What should the organisation change in this collaboration?"),
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text=_(
            "The editor sees this on the collaboration once you return the return for changes. "
            "Leave it empty to remove the comment."
        ),  # fmt: skip
    )
