"""The return's task list pages: check a pre-filled collaboration, mark it ended, remove one, check answers and send.

Analysts comment on one collaboration of a submitted return here too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.forms import form_add_service_errors
from bluelight.core.versions import StaleVersion, version_missing_message, version_parse
from bluelight.returns import items, services, tasklist
from bluelight.returns.forms_tasklist import ItemCheckForm, ItemCommentForm, ItemEndForm
from bluelight.returns.models import ReturnItem, ReturnState
from bluelight.returns.views import _return_context


def _what_changed(request, stale: StaleVersion) -> str:
    """Who changed what since the page was shown, naming the person only to those allowed to see history."""
    return items.stale_summary(stale, viewer=request.user, show_who=policy.can(request.user, Action.VIEW_HISTORY))


def _stale_message(request, stale: StaleVersion, title: str) -> str:
    what = _what_changed(request, stale)
    return _(
        "%(title)s changed after you opened it (%(what)s): nothing was saved. Check it below and answer again."
    ) % {"title": title, "what": what}


def _item_for_editor(request, round_id: int, org: str, item_id: int):
    round_, organisation, _request, return_obj = _return_context(request.user, round_id, org, Action.EDIT_RETURN)
    if return_obj is None:
        raise Http404
    item = get_object_or_404(ReturnItem, pk=item_id, return_obj=return_obj)
    return round_, organisation, return_obj, item


def _task_list_url(round_, organisation):
    return redirect("returns:return_overview", round_.pk, organisation.slug)


@login_required
def item_check(request, round_id: int, org: str, item_id: int):
    """A pre-filled collaboration as we hold it, and one question: is it still right, has it changed, has it ended?"""
    round_, organisation, return_obj, item = _item_for_editor(request, round_id, org, item_id)
    if not item.known_collaboration_id:  # added in this return: nothing pre-filled to confirm
        return redirect("returns:item_edit", round_.pk, organisation.slug, item.pk)
    form = ItemCheckForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        if answer == "update":
            return redirect("returns:item_edit", round_.pk, organisation.slug, item.pk)
        if answer == "ended":
            return redirect("returns:item_end", round_.pk, organisation.slug, item.pk)
        expected = version_parse(request.POST.get("version"))
        try:
            if expected is None:
                raise ValidationError(version_missing_message("collaboration"))
            items.return_item_confirm(item=item, user=request.user, expected_version=expected)
        except StaleVersion as stale:
            form.add_error(None, _stale_message(request, stale, item.title))
            item.refresh_from_db()
            status = 409
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("Confirmed %(title)s.") % {"title": item.title})
            return _task_list_url(round_, organisation)
    elif request.method == "POST":
        status = 400
    context = {"round": round_, "organisation": organisation, "item": item, "form": form}
    return render(request, "returns/item_check.html", context, status=status)


@login_required
def item_end(request, round_id: int, org: str, item_id: int):
    """When and how a collaboration ended: the item is marked ended and completed."""
    round_, organisation, return_obj, item = _item_for_editor(request, round_id, org, item_id)
    form = ItemEndForm(request.POST or None, initial=ItemEndForm.initial_from(item))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                items.return_item_end(
                    item=item,
                    end_date=form.cleaned_data["end_date"],
                    precision=form.cleaned_data["precision"],
                    status=form.cleaned_data["how"],
                    user=request.user,
                    expected_version=version_parse(request.POST.get("version")),
                )
            except StaleVersion as stale:
                form.add_error(None, _stale_message(request, stale, item.title))
                item.refresh_from_db()
                status = 409
            except ValidationError as exc:  # a problem with the date as a whole: shown on its year box
                form_add_service_errors(
                    form, ValidationError({"end_year" if k == "end" else k: v for k, v in exc.message_dict.items()})
                )
            else:
                messages.success(request, _("Marked %(title)s as ended.") % {"title": item.title})
                return _task_list_url(round_, organisation)
    context = {"round": round_, "organisation": organisation, "item": item, "form": form}
    return render(request, "returns/item_end.html", context, status=status)


@login_required
def item_remove(request, round_id: int, org: str, item_id: int):
    """Removing a collaboration from the return asks first; only the confirmation's POST removes it."""
    round_, organisation, return_obj, item = _item_for_editor(request, round_id, org, item_id)
    if request.method != "POST":
        context = {"round": round_, "organisation": organisation, "item": item}
        return render(request, "returns/item_remove.html", context)
    expected = version_parse(request.POST.get("version"))
    if expected is None:
        messages.error(request, version_missing_message("return"))
        return _task_list_url(round_, organisation)
    try:
        items.return_item_remove(item=item, user=request.user, expected_version=expected)
    except StaleVersion as stale:
        what = _what_changed(request, stale)
        messages.error(
            request,
            _(
                "%(title)s changed after you opened the return (%(what)s): nothing was removed. "
                "Check it, then remove it again if you still mean to."
            )
            % {"title": item.title, "what": what},
        )
    else:
        messages.success(request, _("Removed %(title)s from the return.") % {"title": item.title})
    return _task_list_url(round_, organisation)


@login_required
def return_check(request, round_id: int, org: str):
    """Check your answers, then the declaration and send: the only way a return is submitted."""
    round_, organisation, _request, return_obj = _return_context(request.user, round_id, org, Action.EDIT_RETURN)
    if return_obj is None:
        raise Http404
    if request.method == "POST":
        expected = version_parse(request.POST.get("version"))
        if expected is None:
            messages.error(request, version_missing_message("return"))
            return redirect("returns:return_submit", round_.pk, organisation.slug)
        try:
            services.return_submit(return_obj=return_obj, user=request.user, expected_version=expected)
        except StaleVersion as stale:
            what = _what_changed(request, stale)
            messages.error(
                request,
                _("The return changed after you opened it (%(what)s): check it and submit again.") % {"what": what},
            )
            return redirect("returns:return_submit", round_.pk, organisation.slug)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("returns:return_overview", round_.pk, organisation.slug)
        messages.success(request, _("Your return has been submitted. Thank you."))
        return _task_list_url(round_, organisation)
    tasks = tasklist.task_list(return_obj)
    context = {"round": round_, "organisation": organisation, "return": return_obj, "tasks": tasks}
    return render(request, "returns/return_check.html", context)


@login_required
def item_comment(request, round_id: int, org: str, item_id: int):
    """An analyst's comment on one collaboration of a submitted return, shown to the editor on that collaboration."""
    policy.require(request.user, Action.REVIEW_RETURN)
    round_, organisation, _request, return_obj = _return_context(request.user, round_id, org)
    if return_obj is None:
        raise Http404
    item = get_object_or_404(ReturnItem, pk=item_id, return_obj=return_obj)
    if return_obj.state != ReturnState.SUBMITTED:
        messages.error(request, _("Comments can be added while the return is submitted and waiting for review."))
        return _task_list_url(round_, organisation)
    form = ItemCommentForm(request.POST or None, initial={"comment": item.analyst_comment})
    if request.method == "POST" and form.is_valid():
        items.return_item_comment(item=item, comment=form.cleaned_data["comment"], user=request.user)
        done = (
            _("Comment saved on %(title)s.")
            if form.cleaned_data["comment"].strip()
            else _("Comment removed from %(title)s.")
        )
        messages.success(request, done % {"title": item.title})
        overview = reverse("returns:return_overview", args=[round_.pk, organisation.slug])
        return redirect(f"{overview}#item-{item.pk}")
    context = {"round": round_, "organisation": organisation, "item": item, "form": form}
    return render(request, "returns/item_comment.html", context, status=400 if form.errors else 200)
