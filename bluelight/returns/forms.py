"""Forms for rounds and returns; the return item form is forms_item.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bluelight.core.forms import GovukMessages
from bluelight.organisations.models import REGIONS, Country, OrganisationType
from bluelight.organisations.resolution import Resolver


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
