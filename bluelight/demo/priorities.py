"""Demo strategic weights for the priorities page: a few themes weighed by the working group, with their reasons.

Written through `strategic_weight_set`, as an analyst would; a theme that already has a weight is left alone,
so loading twice writes nothing new (not even a history row). Called by `demo_load`.
"""

from bluelight.collaborations.models import Theme
from bluelight.insights.models import StrategicWeight
from bluelight.insights.priorities import strategic_weight_set

DEMO_WEIGHTS = [
    ("first_response", 7, "Co-responding raises questions of clinical governance and crew training the working "
                          "group has been asked to answer before schemes are extended."),
    ("control", 6, "Control room collaborations are costly to undo; the group wants evidence before more are built."),
    ("back_office", 3, "Shared support services are already well documented by audits; a lower research priority."),
]  # fmt: skip


def demo_priorities_load(*, user=None) -> int:
    """Set the demo strategic weights not yet set; returns how many were set."""
    themes = {t.code: t for t in Theme.objects.filter(code__in=[code for code, _v, _r in DEMO_WEIGHTS])}
    done = set(StrategicWeight.objects.values_list("theme__code", flat=True))
    created = 0
    for code, value, reason in DEMO_WEIGHTS:
        if code in themes and code not in done:
            strategic_weight_set(theme=themes[code], value=value, reason=reason, user=user)
            created += 1
    return created
