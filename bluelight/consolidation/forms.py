"""Forms of the review queue: the threshold of a bulk merge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bluelight.core.forms import GovukMessages

SCORE_ERROR = _("Enter a score from 0 to 1, like 0.9")


class MergeAboveForm(GovukMessages, forms.Form):
    threshold = forms.DecimalField(
        label=_("Merge every cluster to review scored at or above"),
        help_text=_("A score from 0 to 1: 0.9 and above is almost certain, 0.7 and above likely."),
        min_value=0,
        max_value=1,
        max_digits=4,
        decimal_places=3,
        error_messages={
            "required": SCORE_ERROR,
            "invalid": SCORE_ERROR,
            "min_value": SCORE_ERROR,
            "max_value": SCORE_ERROR,
            "max_digits": SCORE_ERROR,
            "max_whole_digits": SCORE_ERROR,
            "max_decimal_places": _("Give the score to at most three decimal places, like 0.875"),
        },
    )
