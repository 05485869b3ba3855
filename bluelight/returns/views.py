"""Return pages: organisation editors fill in their returns; analysts review them (rounds: round_views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.forms import form_add_service_errors
from bluelight.core.runs import run_waiting_for_worker
from bluelight.core.versions import StaleVersion, version_missing_message
from bluelight.organisations.models import Organisation
from bluelight.returns import imports, item_values, items, runs, selectors, services, uploads
from bluelight.returns.forms import ReviewForm, UploadForm
from bluelight.returns.forms_item import ItemForm
from bluelight.returns.models import ImportRun, Request, Return, ReturnItem, Round
from bluelight.returns.sheet import SheetRefused, size_check


def _return_context(user, round_id: int, org_slug: str, action: str = Action.VIEW_RETURN):
    """(round, organisation, request, return or None), after the policy allows `action` on it."""
    round_ = get_object_or_404(Round, pk=round_id)
    organisation = get_object_or_404(Organisation, slug=org_slug)
    request_obj = get_object_or_404(Request, round=round_, organisation=organisation)
    return_obj = Return.objects.filter(round=round_, organisation=organisation).first()
    target = return_obj or request_obj
    if not policy.can(user, Action.VIEW_RETURN, target):
        raise Http404
    if action != Action.VIEW_RETURN and not policy.can(user, action, target):
        raise PermissionDenied(_("This return cannot be changed now."))
    return round_, organisation, request_obj, return_obj


@login_required
def my_requests(request):
    if policy.can(request.user, Action.MANAGE_ROUNDS):
        return redirect("returns:round_list")
    return render(request, "returns/my_requests.html", {"rows": selectors.requests_for_editor(request.user)})


@login_required
def return_overview(request, round_id: int, org: str):
    round_, organisation, request_obj, return_obj = _return_context(request.user, round_id, org)
    if request.method == "POST" and request.POST.get("action") == "start":
        policy.require(request.user, Action.EDIT_RETURN, return_obj or request_obj)
        try:
            services.return_start(round_=round_, organisation=organisation, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("returns:return_overview", round_.pk, organisation.slug)
    context = selectors.return_page(request.user, round_, organisation, return_obj)
    context["review_form"] = ReviewForm()
    return render(request, "returns/return_overview.html", context)


@login_required
def item_edit(request, round_id: int, org: str, item_id: int | None = None):
    """Add or change a collaboration. "Add partner" and a partner's "Remove" show the form again, nothing saved;
    Save checks it with the spreadsheet's row class and saves it with the editor's answer to "Have you finished?"."""
    round_, organisation, _request, return_obj = _return_context(request.user, round_id, org, Action.EDIT_RETURN)
    if return_obj is None:
        return redirect("returns:return_overview", round_.pk, organisation.slug)
    item = get_object_or_404(ReturnItem, pk=item_id, return_obj=return_obj) if item_id else None
    options = item_values.item_form_options(return_obj, item)
    status, refusal = 200, []
    if request.method != "POST":
        form = ItemForm(initial=item_values.item_initial(item) if item else {}, **options)
    elif (changed := ItemForm(request.POST, **options).partners_changed()) is not None:
        form = ItemForm(initial=changed, **options)
    else:
        form = ItemForm(request.POST, **options)
        valid = form.is_valid()
        expected = form.cleaned_data.get("version")
        data, errors = items.return_item_check(return_obj=return_obj, item=item, cells=form.cells())
        if item is not None and expected is None:  # no version to compare: refused, never saved blind
            errors, status = [], 400
            form.add_error(None, version_missing_message("collaboration"))
        elif valid and not errors:
            try:
                items.return_item_save(
                    return_obj=return_obj,
                    item=item,
                    data=data,
                    user=request.user,
                    expected_version=expected,
                    progress=form.cleaned_data["progress"],
                )
            except StaleVersion as stale:  # shown again: the current item with this user's changes over it
                status = 409
                show_who = policy.can(request.user, Action.VIEW_HISTORY)
                refusal = [stale.message(viewer=request.user, show_who=show_who, noun="collaboration")]
                item.refresh_from_db()
                rebased = item_values.item_form_rebased(item, version=expected, mine=form.values())
                form = ItemForm(initial=rebased, **options)
            else:
                messages.success(request, _("Saved %(title)s.") % {"title": data.title})
                return redirect("returns:return_overview", round_.pk, organisation.slug)
        form.add_row_errors(errors)
    context = {"form": form, "item": item, "round": round_, "organisation": organisation, "extra_errors": refusal}
    return render(request, "returns/item_form.html", context, status=status)


@login_required
@require_POST
def return_review(request, round_id: int, org: str):
    policy.require(request.user, Action.REVIEW_RETURN)
    round_, organisation, _request, return_obj = _return_context(request.user, round_id, org)
    form = ReviewForm(request.POST)
    if return_obj is None:
        raise Http404
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                services.return_accept(return_obj=return_obj, user=request.user)
                messages.success(request, _("Return accepted."))
            else:
                services.return_send_back(
                    return_obj=return_obj, comment=form.cleaned_data["comment"], user=request.user
                )
                messages.success(request, _("Return sent back for changes."))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return redirect("returns:return_overview", round_.pk, organisation.slug)
            form_add_service_errors(form, exc)  # sent back with nothing said: shown on the form
        else:
            return redirect("returns:return_overview", round_.pk, organisation.slug)
    context = selectors.return_page(request.user, round_, organisation, return_obj)
    context["review_form"] = form
    return render(request, "returns/return_overview.html", context, status=400)


@login_required
def return_template(request, round_id: int, org: str):
    """The return as it stands as .xlsx (before one is started, the template of known collaborations)."""
    round_, organisation, _request, _return = _return_context(request.user, round_id, org)
    content = services.template_build(round=round_, organisation=organisation)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="return-{organisation.slug}-{round_.pk}.xlsx"'
    return response


def _upload_confirm(request, round_: Round, organisation: Organisation, context: dict):
    """Import the previewed file kept for this session; a stale or unknown token says so, never a 500."""
    pending = request.session.get("pending_upload") or {}
    token = request.POST.get("token", "")
    ours = pending.get("token") == token and pending.get("key") == [round_.pk, organisation.pk]
    content = uploads.upload_load(token) if ours else None
    if content is None:
        if ours:  # the file expired or was removed: the session's preview is gone with it
            request.session.pop("pending_upload", None)
        messages.error(request, _("That upload has expired: upload the file again."))
        return redirect("returns:return_upload", round_.pk, organisation.slug)
    result = imports.return_import(
        round=round_, organisation=organisation, content=content, filename=pending["filename"], user=request.user
    )
    uploads.upload_delete(token)
    request.session.pop("pending_upload", None)
    if result.ok:
        messages.success(request, result.summary())
        return redirect("returns:return_overview", round_.pk, organisation.slug)
    context["result"] = result
    return render(request, "returns/upload.html", context, status=400)


@login_required
def return_upload(request, round_id: int, org: str):
    """Upload, preview (a dry run), then confirm: the file waits on disk between the two steps.

    A file of more than RETURNS_BACKGROUND_ROWS rows is previewed and imported by the worker instead,
    on its run's page.
    """
    round_, organisation, request_obj, return_obj = _return_context(request.user, round_id, org)
    policy.require(request.user, Action.EDIT_RETURN, return_obj or request_obj)
    context = {"round": round_, "organisation": organisation, "return": return_obj, "form": UploadForm()}
    context["import_runs"] = ImportRun.objects.filter(round=round_, organisation=organisation)[:5]
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _upload_confirm(request, round_, organisation, context)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                size_check(upload.size, upload.name)
            except SheetRefused as exc:
                form.add_error("file", str(exc))
                return render(request, "returns/upload.html", context, status=400)
            content = upload.read()
            rows = runs.data_rows(content, upload.name)
            if rows > runs.background_rows():
                run = runs.import_run_request(
                    round=round_,
                    organisation=organisation,
                    content=content,
                    filename=upload.name,
                    rows=rows,
                    user=request.user,
                )
                return redirect(run)
            result = imports.return_import(
                round=round_, organisation=organisation, content=content, filename=upload.name, dry_run=True
            )
            context["result"] = result
            if result.ok:
                token = uploads.upload_save(content=content)
                request.session["pending_upload"] = {
                    "token": token,
                    "filename": upload.name,
                    "key": [round_.pk, organisation.pk],
                }
                context["token"] = token
            return render(request, "returns/upload.html", context, status=200 if result.ok else 400)
        return render(request, "returns/upload.html", context, status=400)
    return render(request, "returns/upload.html", context)


@login_required
def import_run_view(request, round_id: int, org: str, run_id: int):
    """A large file's background preview and import: progress, then what was found, then confirm."""
    round_, organisation, request_obj, return_obj = _return_context(request.user, round_id, org)
    policy.require(request.user, Action.EDIT_RETURN, return_obj or request_obj)
    run = get_object_or_404(ImportRun, pk=run_id, round=round_, organisation=organisation)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        if runs.import_run_confirm(run=run, user=request.user) is None:
            messages.error(request, _("That upload has expired: upload the file again."))
            return redirect("returns:return_upload", round_.pk, organisation.slug)
        return redirect(run)
    context = {
        "run": run,
        "round": round_,
        "organisation": organisation,
        "working": run.working,
        "waiting_for_worker": run_waiting_for_worker(run),
    }
    return render(request, "returns/import_run.html", context)
