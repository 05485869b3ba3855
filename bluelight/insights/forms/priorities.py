"""Forms of the priorities pages: the component weights (a GET form anyone may change) and a strategic weight."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Theme
from bluelight.core.forms import GovukMessages
from bluelight.insights.models import STRATEGIC_MAX
from bluelight.insights.priorities import COMPONENTS, DEFAULT_WEIGHTS, LABELS

WEIGHT_MAX = Decimal(10)


class WeightsForm(GovukMessages, forms.Form):
    """The weight of each component in the combined score, from the query string: a ranking is a shareable link.

    A missing weight takes its default; a wrong one is reported and its default used, so the page still ranks.
    """

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for key in COMPONENTS:
            self.fields[key] = forms.DecimalField(
                label=LABELS[key],
                required=False,
                min_value=0,
                max_value=WEIGHT_MAX,
                max_digits=4,
                decimal_places=2,
                help_text=_("From 0 to 10; the default is %(default)s.") % {"default": DEFAULT_WEIGHTS[key]},
                error_messages={
                    "invalid": _("Enter the weight of %(label)s as a number from 0 to 10, like 1 or 1.5.")
                    % {"label": str(LABELS[key]).lower()},
                    "min_value": _("The weight of %(label)s must be 0 or more.") % {"label": str(LABELS[key]).lower()},
                    "max_value": _("The weight of %(label)s must be 10 or less.") % {"label": str(LABELS[key]).lower()},
                    "max_digits": _("Give the weight of %(label)s with at most two decimal places.")
                    % {"label": str(LABELS[key]).lower()},
                    "max_decimal_places": _("Give the weight of %(label)s with at most two decimal places.")
                    % {"label": str(LABELS[key]).lower()},
                },
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(k) == 0 for k in COMPONENTS):
            raise forms.ValidationError(_("Give at least one weight above 0: with every weight 0 nothing ranks."))
        return cleaned

    def weights(self) -> dict:
        """The weights to rank with: those given and valid, the defaults for the rest (all of them if none ranks)."""
        found = dict(DEFAULT_WEIGHTS)
        if not self.is_bound or (not self.is_valid() and self.non_field_errors()):
            return found
        for key in COMPONENTS:
            value = self.cleaned_data.get(key)
            if value is not None and key not in self.errors:
                found[key] = value
        return found

    def changed_from_defaults(self) -> bool:
        return self.weights() != DEFAULT_WEIGHTS


class StrategicWeightForm(GovukMessages, forms.Form):
    """An analyst's strategic weight for a top-level theme, with the reason the page shows beside it."""

    value = forms.TypedChoiceField(
        label=_("Strategic weight"),
        coerce=int,
        choices=[(n, str(n)) for n in range(STRATEGIC_MAX + 1)],
        help_text=_("0 (not a priority for the working group) to 10 (a top priority); 5 is neutral."),
        error_messages={"required": _("Choose a strategic weight from 0 to 10.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("Why this weight: the priorities page shows it with the score, so say it for the public."),
        error_messages={"required": _("Say why the theme gets this weight.")},
    )

    def __init__(self, *args, theme: Theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme
