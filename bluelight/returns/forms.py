"""Forms for rounds and returns; validation of return items is the spreadsheet row class's, shared."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bluelight.core.forms import GovukMessages
from bluelight.core.versions import version_form_field
from bluelight.organisations.models import REGIONS, Country, OrganisationType
from bluelight.organisations.resolution import Resolver
from bluelight.returns.sheet import RowError, shorten


class RoundForm(GovukMessages, forms.Form):
    error_names = {"opens_on": _("the date the round opens"), "closes_on": _("the date the round closes")}

    name = forms.CharField(
        label=_("Name of the round"), max_length=150, help_text=_("For example, Summer 2026 call for examples")
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), help_text=_("The deadline for returns"), widget=forms.DateInput(attrs={"type": "date"})
    )
    types = forms.MultipleChoiceField(
        label=_("Types of organisation to ask"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to ask every police force, fire and rescue service and ambulance trust."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"), choices=Country.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=[(r, r) for r in REGIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every region."),
    )
    organisations = forms.CharField(
        label=_("Also ask these organisations"),
        required=False,
        widget=forms.Textarea,
        help_text=_("One name, alias or code per line."),
    )
    guidance = forms.CharField(
        label=_("Guidance for organisations"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Sent with the request and shown on the return."),
    )

    def clean_organisations(self):
        resolver = Resolver.from_db()
        found, problems = [], []
        for number, line in enumerate(self.cleaned_data["organisations"].splitlines(), start=1):
            if not line.strip():
                continue
            result = resolver.resolve(line)
            if result.match is None:
                problems.append(_("Line %(n)d: %(message)s") % {"n": number, "message": result.message})
            else:
                found.append(result.match)
        if problems:
            raise forms.ValidationError(problems)
        return found


class ReviewForm(GovukMessages, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the return")), ("send_back", _("Return it for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What should the organisation change?"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "Needed when you return it for changes, unless you commented on its collaborations; the editor sees this."
        ),
    )


class UploadForm(GovukMessages, forms.Form):
    error_names = {"file": _("a spreadsheet to upload")}

    file = forms.FileField(
        label=_("Upload your completed return"),
        help_text=_("An .xlsx workbook made from the template, or a UTF-8 .csv file with the same columns."),
    )


PARTNER_FIELDS = 8
PAGE_PARTNERS = [f"partner_{n}" for n in range(1, PARTNER_FIELDS + 1)]
# The item form's fields as returns/item_form.html shows them.
PAGE_ORDER = [
    "title", "description", *PAGE_PARTNERS, "lead_organisation", "theme",
    "status", "start_date", "end_date", "scope", "annual_savings_gbp", "one_off_savings_gbp", "one_off_cost_gbp",
    "external_funding_gbp", "savings_basis", "price_year", "benefits", "outcomes", "lessons", "evidence_url",
    "contact_name", "contact_email",
]  # fmt: skip


class OfferedChoice(forms.ChoiceField):
    """Radios or a list on the page, whose value is checked by the row class as a spreadsheet's cell is: a value
    not offered gets the row class's message only, not Django's as well."""

    def valid_value(self, value) -> bool:
        return True


class ItemForm(GovukMessages, forms.Form):
    """The online return item: the spreadsheet's columns as fields, checked by the same row class, in the page's
    order (the error summary lists problems in that order)."""

    title = forms.CharField(label=_("Title"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lead_organisation = forms.CharField(
        label=_("Lead organisation"), required=False, help_text=_("Leave empty if your organisation leads.")
    )
    theme = OfferedChoice(label=_("Main theme"), required=False)
    status = OfferedChoice(label=_("Status"), required=False, widget=forms.RadioSelect)
    start_date = forms.CharField(
        label=_("Start"), required=False, help_text=_("Year, or year and month: 2016 or 2016-05")
    )
    end_date = forms.CharField(label=_("End"), required=False, help_text=_("If it has ended or will end"))
    scope = OfferedChoice(label=_("Scope"), required=False, widget=forms.RadioSelect)
    one_off_cost_gbp = forms.CharField(
        label=_("One-off cost (£)"), required=False, help_text=_("For example 250000 or £250k")
    )
    one_off_savings_gbp = forms.CharField(label=_("One-off or cumulative savings (£)"), required=False)
    annual_savings_gbp = forms.CharField(label=_("Annual recurring savings (£)"), required=False)
    external_funding_gbp = forms.CharField(
        label=_("External funding received (£)"),
        required=False,
        help_text=_("Grants such as the Police Transformation Fund. Never counted as a saving."),
    )
    savings_basis = OfferedChoice(label=_("Basis of the savings"), required=False, widget=forms.RadioSelect)
    price_year = forms.CharField(label=_("Price year of the figures"), required=False, help_text=_("For example 2016"))
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
    version = version_form_field()  # the item's version the form was opened at (none for a new item)

    def __init__(self, *args, theme_choices=(), status_choices=(), scope_choices=(), basis_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Not sure"))] + list(theme_choices)
        self.fields["status"].choices = list(status_choices)
        self.fields["scope"].choices = list(scope_choices)
        self.fields["savings_basis"].choices = list(basis_choices)
        for n in range(1, PARTNER_FIELDS + 1):
            self.fields[f"partner_{n}"] = forms.CharField(label=_("Partner %(n)d") % {"n": n}, required=False)
        self.order_fields(PAGE_ORDER)

    @property
    def partner_fields(self):
        return [self[f"partner_{n}"] for n in range(1, PARTNER_FIELDS + 1)]

    def add_row_errors(self, errors: list[RowError]) -> None:
        """Show the row class's problems on the form in the words written for it: each on its field, a problem
        with a partner on the box that names it (a partner typed into no box, on the first)."""
        for error in errors:
            field = error.column if error.column in self.fields else None
            if error.column == "partners":
                boxes = {shorten(" ".join(self.data.get(name, "").split())): name for name in reversed(PAGE_PARTNERS)}
                field = boxes.get(error.value, PAGE_PARTNERS[0])
            self.add_error(field, error.web_message)

    def cells(self) -> dict[str, str]:
        """The form's values as the spreadsheet's cells, for the shared row class."""
        data = {
            name: (self.data.get(name) or "").strip()
            for name in self.fields
            if not name.startswith("partner_") and name != "version"
        }
        data["partners"] = "; ".join(
            (self.data.get(f"partner_{n}") or "").strip()
            for n in range(1, PARTNER_FIELDS + 1)
            if (self.data.get(f"partner_{n}") or "").strip()
        )
        return data
