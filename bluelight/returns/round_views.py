"""Round pages for analysts: the list of rounds, opening a round, its dashboard and progress chart."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _stale_check_message() -> str:
    return _(
        "Whom the round asks or e-mails changed while you were checking: nothing was opened or sent. "
        "Check the new figures, then open the round."
    )


def _add_editor_help(user) -> dict:
    """What the pages need to say how an editor is added: administrators get a link, others whom to ask."""
    return {"can_add_users": policy.can(user, Action.MANAGE_USERS), "contact_email": settings.SERVICE_CONTACT_EMAIL}


@login_required
def round_create(request):
    """Open a round in two steps: the form, then a page saying whom it will ask and e-mail. Nothing is written or
    sent until the analyst confirms on that page, and a confirmation made on a scope that has since changed (an
    organisation, an editor) is asked again."""
    policy.require(request.user, Action.MANAGE_ROUNDS)
    form = RoundForm(request.POST or None)
    if request.method != "POST" or "change" in request.POST or not form.is_valid():
        return render(request, "returns/round_form.html", {"form": form})
    try:
        round_, scope = services.round_check(**form.cleaned_data, user=request.user)
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return render(request, "returns/round_form.html", {"form": form})
    preview = selectors.round_preview(round_=round_, organisations=scope)
    stale = "confirm" in request.POST and request.POST.get("expected") != preview.fingerprint
    if "confirm" not in request.POST or stale or not scope:
        refusal = [_stale_check_message()] if stale else []
        context = {"form": form, "preview": preview, "extra_errors": refusal} | _add_editor_help(request.user)
        return render(request, "returns/round_check.html", context)
    try:
        round_ = services.round_open(**form.cleaned_data, user=request.user)
    except ValidationError as exc:  # another analyst opened a round of this name a moment ago
        form_add_service_errors(form, exc)
        return render(request, "returns/round_form.html", {"form": form})
    asked, emailed = len(preview.organisations), len(preview.emailed)
    messages.success(
        request,
        _("%(name)s is open: %(asked)s asked, %(emailed)s e-mailed.")
        % {
            "name": round_,
            "asked": ngettext("%(n)d organisation", "%(n)d organisations", asked) % {"n": asked},
            "emailed": ngettext("%(n)d organisation", "%(n)d organisations", emailed) % {"n": emailed},
        },
    )
    return redirect(round_)


@login_required
def round_dashboard(request, round_id: int):
    round_ = _round_for_analyst(request.user, round_id)
    if request.method == "POST" and request.POST.get("action") == "remind":
        summary = services.round_remind(round_=round_)
        messages.success(request, selectors.remind_message(summary))
        return redirect(round_)
    context = {"round": round_, "progress": selectors.round_progress(round_=round_)} | _add_editor_help(request.user)
    return render(request, "returns/round_dashboard.html", context)


@login_required
def round_progress_chart(request, round_id: int):
    round_ = _round_for_analyst(request.user, round_id)
    svg = selectors.progress_chart_svg(selectors.round_progress(round_=round_))
    return HttpResponse(svg, content_type="image/svg+xml")
