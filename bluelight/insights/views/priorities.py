"""Priorities pages: the public ranking (also .json and .csv) and the analysts' strategic weight form."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import Theme
from bluelight.core.data_responses import FORMATS, csv_response, json_response, offers_data
from bluelight.core.forms import form_add_service_errors
from bluelight.insights.forms.priorities import StrategicWeightForm
from bluelight.insights.models import StrategicWeight
from bluelight.insights.priorities import strategic_weight_set
from bluelight.insights.priorities_page import CSV_COLUMNS, priorities_csv_rows, priorities_json, priorities_page_data

HISTORY_SHOWN = 10


def priorities_data(request, fmt: str):
    """/priorities.json or /priorities.csv, with the page's weights and edition."""
    if fmt not in FORMATS:
        raise Http404
    data = priorities_page_data(params=request.GET)
    if fmt == "json":
        body = priorities_json(data.ranking, notices=data.notices + _form_errors(data.form))
        return json_response(body)
    return csv_response("priorities.csv", CSV_COLUMNS, priorities_csv_rows(data.ranking))


@offers_data(priorities_data)
def priorities(request):
    """/priorities/: computed from published records only, the same for everyone; `?format=json|csv` as data."""
    data = priorities_page_data(params=request.GET)
    return render(
        request,
        "insights/priorities.html",
        {"data": data, "form": data.form, "can_set": policy.can(request.user, Action.MANAGE_RESEARCH)},
    )


def _form_errors(form) -> list[str]:
    if not form.is_bound or form.is_valid():
        return []
    return [str(e) for errors in form.errors.values() for e in errors]


@login_required
def strategic_weight_edit(request, code: str):
    """An analyst sets a top-level theme's strategic weight with a reason; earlier weights stay in its history."""
    policy.require(request.user, Action.MANAGE_RESEARCH)
    theme = Theme.objects.filter(code=code, parent__isnull=True).first()
    if theme is None:
        raise Http404
    current = StrategicWeight.objects.filter(theme=theme).first()
    initial = {"value": current.value, "reason": current.reason} if current else {"value": 5}
    form = StrategicWeightForm(request.POST or None, initial=initial, theme=theme)
    if request.method == "POST" and form.is_valid():
        try:
            strategic_weight_set(
                theme=theme, value=form.cleaned_data["value"], reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The strategic weight of %(theme)s was saved.") % {"theme": theme.name})
            return redirect(reverse("insights:priorities") + f"#theme-{theme.code}")
    history = current.history.select_related("set_by").order_by("-history_date")[:HISTORY_SHOWN] if current else []
    return render(request, "insights/priorities_weight_form.html", {"form": form, "theme": theme, "history": history})
