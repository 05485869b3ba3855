"""Round pages for analysts: the list of rounds, opening a round, its dashboard and progress chart."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.forms import form_add_service_errors
from bluelight.returns import selectors, services
from bluelight.returns.forms import RoundForm
from bluelight.returns.models import Round


def _round_for_analyst(user, round_id: int) -> Round:
    policy.require(user, Action.MANAGE_ROUNDS)
    return get_object_or_404(Round, pk=round_id)


@login_required
def round_list(request):
    policy.require(request.user, Action.MANAGE_ROUNDS)
    return render(request, "returns/round_list.html", {"rows": selectors.round_summaries()})


@login_required
def round_create(request):
    policy.require(request.user, Action.MANAGE_ROUNDS)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(**data, user=request.user)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is open: %(n)d organisations asked.") % {"name": round_, "n": round_.requests.count()},
            )
            return redirect(round_)
    return render(request, "returns/round_form.html", {"form": form})


@login_required
def round_dashboard(request, round_id: int):
    round_ = _round_for_analyst(request.user, round_id)
    if request.method == "POST" and request.POST.get("action") == "remind":
        summary = services.round_remind(round_=round_)
        messages.success(request, selectors.remind_message(summary))
        return redirect(round_)
    progress = selectors.round_progress(round_=round_)
    return render(request, "returns/round_dashboard.html", {"round": round_, "progress": progress})


@login_required
def round_progress_chart(request, round_id: int):
    round_ = _round_for_analyst(request.user, round_id)
    svg = selectors.progress_chart_svg(selectors.round_progress(round_=round_))
    return HttpResponse(svg, content_type="image/svg+xml")
