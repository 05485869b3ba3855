"""The review queue: analysts confirm, split, join, merge and undo clusters of reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.consolidation import selectors, services
from bluelight.consolidation.models import Cluster, Merge
from bluelight.returns.models import ReturnItem, Round


@login_required
def queue(request, round_id: int):
    policy.require(request.user, Action.CONSOLIDATE)
    round_ = get_object_or_404(Round, pk=round_id)
    if request.method == "POST" and request.POST.get("action") == "propose":
        clusters = services.consolidation_propose(round_=round_)
        messages.success(request, _("Matched again: %(n)d clusters proposed.") % {"n": len(clusters)})
        return redirect("consolidation:queue", round_.pk)
    return render(request, "consolidation/queue.html", {"round": round_, **selectors.queue(round_)})


@login_required
def cluster_detail(request, cluster_id: int):
    policy.require(request.user, Action.CONSOLIDATE)
    cluster = get_object_or_404(Cluster.objects.select_related("round", "existing_collaboration"), pk=cluster_id)
    if request.method == "POST":
        return _cluster_action(request, cluster)
    context = {
        "cluster": cluster,
        "merge": Merge.objects.filter(cluster=cluster).select_related("collaboration").first(),
        "join_candidates": selectors.join_candidates(cluster),
        **selectors.comparison(cluster),
    }
    return render(request, "consolidation/cluster.html", context)


def _cluster_action(request, cluster):
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
        messages.error(request, " ".join(exc.messages))
    return redirect("consolidation:cluster", cluster.pk)
