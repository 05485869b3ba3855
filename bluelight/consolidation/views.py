"""The review queue: analysts match a round, then confirm, split, join, merge and undo clusters of reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.consolidation import selectors, services
from bluelight.consolidation.forms import MergeAboveForm
from bluelight.consolidation.models import Cluster, MatchingRun, Merge
from bluelight.consolidation.runs import matching_in_progress, matching_request
from bluelight.core.runs import run_waiting_for_worker
from bluelight.returns.models import ReturnItem, Round


@login_required
def queue(request, round_id: int):
    policy.require(request.user, Action.CONSOLIDATE)
    round_ = get_object_or_404(Round, pk=round_id)
    if request.method == "POST" and request.POST.get("action") == "propose":
        try:
            run = matching_request(round_=round_, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("consolidation:queue", round_.pk)
        return redirect("consolidation:run", run.pk)
    context = {
        "round": round_,
        "matching": matching_in_progress(round_),
        "last_run": MatchingRun.objects.filter(round=round_).first(),
        "merge_form": MergeAboveForm(initial={"threshold": "0.9"}),
        **selectors.queue(round_, params=request.GET, page_number=request.GET.get("page")),
    }
    return render(request, "consolidation/queue.html", context)


@login_required
def matching_run(request, run_id: int):
    policy.require(request.user, Action.CONSOLIDATE)
    run = get_object_or_404(MatchingRun.objects.select_related("round"), pk=run_id)
    context = {"run": run, "round": run.round, "waiting_for_worker": run_waiting_for_worker(run)}
    return render(request, "consolidation/run.html", context)


@login_required
def merge_above(request, round_id: int):
    """Merge every proposed cluster scored at or above a threshold: a preview first, nothing merged until confirmed."""
    policy.require(request.user, Action.CONSOLIDATE)
    round_ = get_object_or_404(Round, pk=round_id)
    form = MergeAboveForm(request.POST if request.method == "POST" else None, initial={"threshold": "0.9"})
    matching = matching_in_progress(round_)
    if request.method != "POST" or not form.is_valid() or matching is not None:
        return render(request, "consolidation/merge_above.html", {"round": round_, "form": form, "matching": matching})
    threshold = float(form.cleaned_data["threshold"])
    if request.POST.get("confirm") != "yes":
        preview = selectors.merge_above_preview(round_, threshold)
        return render(
            request,
            "consolidation/merge_above.html",
            {"round": round_, "form": form, "preview": preview, "threshold": form.cleaned_data["threshold"]},
        )
    merged, problems = services.clusters_merge_above(round_=round_, threshold=threshold, user=request.user)
    messages.success(
        request,
        _("Merged %(n)d clusters scored at or above %(t)s.") % {"n": merged, "t": form.cleaned_data["threshold"]},
    )
    for problem in problems:
        messages.error(request, _("Not merged: %(problem)s") % {"problem": problem})
    return redirect("consolidation:queue", round_.pk)


@login_required
def cluster_detail(request, cluster_id: int):
    policy.require(request.user, Action.CONSOLIDATE)
    cluster = get_object_or_404(Cluster.objects.select_related("round", "existing_collaboration"), pk=cluster_id)
    refusal = None
    if request.method == "POST":
        refusal = _cluster_action(request, cluster)
        if not isinstance(refusal, ValidationError):
            return refusal
        cluster.refresh_from_db()
    context = {
        "cluster": cluster,
        "merge": Merge.objects.filter(cluster=cluster).select_related("collaboration").first(),
        "join_candidates": selectors.join_candidates(cluster),
        **selectors.comparison(cluster, all_rows=request.GET.get("rows") == "all"),
    }
    if refusal is not None:  # shown in the page's error summary; a cluster to join is linked to its list
        target = "other" if request.POST.get("action") == "join" and context["join_candidates"] else ""
        context["action_errors"] = [(message, target) for message in refusal.messages]
    return render(request, "consolidation/cluster.html", context, status=200 if refusal is None else 400)


def _cluster_action(request, cluster):
    """Do the posted action and redirect to the cluster; a refusal is returned, for the page to show."""
    action = request.POST.get("action")

    def posted(name: str, queryset, missing: str):
        # A hand-made or stale form may send anything: an unknown id is a message, never a 500.
        value = request.POST.get(name, "").strip()
        found = queryset.filter(pk=int(value)).first() if value.isascii() and value.isdigit() else None
        if found is None:
            raise ValidationError(missing % {"value": value})
        return found

    try:
        if action == "merge":
            merge = services.cluster_merge(cluster=cluster, user=request.user)
            messages.success(request, _("Merged into “%(title)s”.") % {"title": merge.collaboration})
        elif action == "undo":
            merge = Merge.objects.filter(cluster=cluster).first()
            if merge is None:
                raise ValidationError(_("This cluster is not merged: there is nothing to undo."))
            services.merge_undo(merge=merge, user=request.user)
            messages.success(request, _("Merge undone: the record is as it was before."))
        elif action == "split":
            item = posted("item", ReturnItem.objects.all(), _("Choose one of this cluster's items to split out."))
            alone = services.cluster_split(cluster=cluster, item=item)
            messages.success(
                request, _("%(ref)s is now in a cluster of its own (%(n)d).") % {"ref": item.reference, "n": alone.pk}
            )
        elif action == "join":
            other = posted(
                "other", Cluster.objects.all(), _("There is no cluster “%(value)s”: choose one from the list.")
            )
            services.cluster_join(cluster=cluster, other=other)
            messages.success(request, _("Clusters joined."))
    except ValidationError as exc:
        return exc
    return redirect("consolidation:cluster", cluster.pk)
