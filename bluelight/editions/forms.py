"""Forms of the analyst pages: publish an edition, ask for its overview report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bluelight.core.forms import GovukMessages
from bluelight.editions.models import Edition
from bluelight.returns.models import Round


class EditionPublishForm(GovukMessages, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("For example, 2026 overview."))
    as_of = forms.DateField(
        label=_("The date it describes"),
        help_text=_("Usually the day the collection round closed. For example, 30 11 2026."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    round = forms.ModelChoiceField(
        label=_("Collection round it reports"),
        queryset=Round.objects.order_by("-opens_on"),
        required=False,
        empty_label=_("None"),
        help_text=_("Its response rates go into the report's methodology."),
    )
    baseline = forms.TypedChoiceField(
        label=_("Is this the baseline?"),
        choices=[("no", _("No, compare it with the baseline")), ("yes", _("Yes, later editions are compared with it"))],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
    )


class ReportRequestForm(GovukMessages, forms.Form):
    compare_with = forms.ModelChoiceField(
        label=_("Show growth since"),
        queryset=Edition.objects.none(),
        required=False,
        empty_label=_("No comparison"),
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        others = Edition.objects.exclude(pk=edition.pk).order_by("-is_baseline", "as_of")
        self.fields["compare_with"].queryset = others
        baseline = others.filter(is_baseline=True).first()
        if baseline is not None:
            self.fields["compare_with"].initial = baseline.pk
