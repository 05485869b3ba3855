"""Consolidation writes: propose clusters for a round, merge a cluster into one collaboration with
provenance and once-counted savings, undo a merge, split and join clusters.

What a merge writes, and the field rule it follows, is planned in `plans.py`.
"""

import functools
import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bluelight.collaborations.models import (
    Collaboration,
    Provenance,
    SourceKind,
    Theme,
)
from bluelight.collaborations.search import search_index_update
from bluelight.collaborations.services import (
    collaboration_create,
    collaboration_data_from,
    collaboration_update,
    collaborations_changed,
)
from bluelight.consolidation.knowledge import matching_knowledge
from bluelight.consolidation.matching import MatchItem, cluster_items
from bluelight.consolidation.models import Cluster, ClusterItem, ClusterState, Merge
from bluelight.consolidation.plans import merge_plan, record_restore, record_snapshot
from bluelight.returns.models import Return, ReturnItem, ReturnState, Round

# Drafts and returns sent back for changes are still being written: only these are consolidated.
CONSOLIDATED_STATES = (ReturnState.SUBMITTED, ReturnState.ACCEPTED)


def _round_items(round_: Round):
    """The round's items of submitted or accepted returns."""
    return (
        ReturnItem.objects.filter(return_obj__round=round_, return_obj__state__in=CONSOLIDATED_STATES)
        .select_related("return_obj__organisation", "return_obj", "theme", "lead_organisation")
        .prefetch_related("partners")
    )


def match_item_of(item: ReturnItem) -> MatchItem:
    return MatchItem(
        key=f"item:{item.pk}",
        partners=frozenset(p.organisation_id for p in item.partners.all()) | {item.return_obj.organisation_id},
        title=item.title,
        description=item.description,
        reporter=item.return_obj.organisation_id,
        return_id=item.return_obj_id,
        theme=item.theme.code if item.theme_id else None,
        start_year=item.start_date.year if item.start_date else None,
        status=item.status,
        known_collaboration=item.known_collaboration_id,
    )


def match_collaboration_of(collaboration: Collaboration) -> MatchItem:
    return MatchItem(
        key=f"collaboration:{collaboration.pk}",
        partners=frozenset(p.organisation_id for p in collaboration.partners.all()),
        title=collaboration.title,
        description=collaboration.description,
        theme=collaboration.primary_theme.code if collaboration.primary_theme_id else None,
        start_year=collaboration.start_date.year if collaboration.start_date else None,
        status=collaboration.status,
        collaboration=collaboration.pk,
    )


def _suggest_themes(clusters_items: list[list[ReturnItem]]) -> list[tuple[str, float] | None]:
    """The best theme for each cluster's text, or None when the suggester is not available."""
    from bluelight.consolidation.themes import ThemeModelError, ThemeSuggester

    try:
        suggester = ThemeSuggester.load()
    except ThemeModelError:  # no taxonomy yet: nothing to suggest
        return [None] * len(clusters_items)
    rows = [(" / ".join(i.title for i in items), " ".join(i.description for i in items)) for items in clusters_items]
    results = []
    for suggestions in suggester.suggest_many(rows):
        results.append((suggestions[0].theme_code, suggestions[0].score) if suggestions else None)
    return results


def _no_progress(percent: int, step: str) -> None:
    return None


class _RoundChanged(Exception):
    """What was matched is no longer what the round holds: a cluster was merged or undone meanwhile."""


# How many times matching starts again when the round changed under it before it gives up.
PROPOSE_ATTEMPTS = 3


def consolidation_propose(*, round_: Round, progress: Callable[[int, str], None] = _no_progress) -> list[Cluster]:
    """Match the round's staged items again (merged clusters stay as they are) and store the clusters.

    `progress(percent, step)` is told how far the work has gone (the background task saves it).

    The matching reads and thinks for minutes on a large round and holds no lock meanwhile: SQLite has
    one writer for the whole database, and a transaction that long stopped every other write (the
    worker's own with "database is locked"). The new proposal then replaces the round's proposed
    clusters in one short transaction at the end, so the queue shows the old proposal until that
    commit and never half of the new one. If an analyst merged or undid a cluster meanwhile, the items
    to match are no longer the ones matched, and the round is matched again.
    """
    for _attempt in range(PROPOSE_ATTEMPTS):
        items, proposed, suggestions = _proposal_compute(round_, progress)
        try:
            return _proposal_save(
                round_=round_, items=items, proposed=proposed, suggestions=suggestions, progress=progress
            )
        except (_RoundChanged, IntegrityError):
            progress(0, _("The round changed while it was being matched; matching it again"))
    raise ValidationError(
        _("The round kept changing while it was being matched. Match it again when fewer people are merging.")
    )


def _items_to_match(round_: Round):
    """The round's staged items not in a merged cluster: what a matching places in proposed clusters."""
    return _round_items(round_).exclude(cluster_member__cluster__state=ClusterState.MERGED)


def _proposal_compute(round_: Round, progress: Callable[[int, str], None]):
    """The slow part, reads only: the items matched, the proposed clusters, a theme suggestion for each."""
    progress(0, _("Reading the round's reports"))
    items = list(_items_to_match(round_))
    existing = (
        Collaboration.objects.filter(merged_into__isnull=True)
        .select_related("primary_theme")
        .prefetch_related("partners")
    )
    by_key = {f"item:{i.pk}": i for i in items}
    reports, records = [match_item_of(i) for i in items], [match_collaboration_of(c) for c in existing]
    progress(20, _("Learning what the register and the taxonomy know"))
    knowledge = matching_knowledge()
    progress(40, _("Comparing reports that name the same partners"))
    proposed = cluster_items(reports, records, knowledge=knowledge)
    progress(70, _("Suggesting themes"))
    suggestions = _suggest_themes([[by_key[k] for k in p.keys] for p in proposed])
    return by_key, proposed, suggestions


def _proposal_save(*, round_: Round, items: dict, proposed: list, suggestions: list, progress) -> list[Cluster]:
    """Replace the round's proposed clusters with `proposed`, in one short transaction, or raise
    _RoundChanged (writing nothing) when the items to match changed since they were read."""
    with transaction.atomic():
        progress(90, _("Saving the proposed clusters"))
        # Deleting first locks the old proposal (PostgreSQL): a merge of one of its clusters that
        # started meanwhile waits, then finds the cluster gone; one that finished is seen below.
        Cluster.objects.filter(round=round_, state=ClusterState.PROPOSED).delete()
        now = {f"item:{pk}" for pk in _items_to_match(round_).values_list("pk", flat=True)}
        if now != set(items):
            raise _RoundChanged
        existing = {p.existing for p in proposed if p.existing is not None}
        if Collaboration.objects.filter(pk__in=existing, merged_into__isnull=True).count() != len(existing):
            raise _RoundChanged
        themes = {t.code: t for t in Theme.objects.all()}
        clusters = Cluster.objects.bulk_create(
            [
                Cluster(
                    round=round_,
                    score=proposal.score,
                    explanation=proposal.explanation,
                    existing_collaboration_id=proposal.existing,
                    suggested_theme=themes.get(suggestion[0]) if suggestion else None,
                    suggested_theme_score=suggestion[1] if suggestion else None,
                )
                for proposal, suggestion in zip(proposed, suggestions, strict=True)
            ],
            batch_size=500,
        )
        ClusterItem.objects.bulk_create(
            [
                ClusterItem(cluster=cluster, item=items[key])
                for cluster, proposal in zip(clusters, proposed, strict=True)
                for key in proposal.keys
            ],
            batch_size=1000,
        )
    progress(100, _("Clusters proposed"))
    return clusters


def clusters_json(*, round_: Round) -> dict:
    """The contract's JSON: every staged item of the round in exactly one cluster."""
    clusters = (
        Cluster.objects.filter(round=round_).prefetch_related("members__item__return_obj__organisation").order_by("pk")
    )
    return {
        "round": round_.name,
        "clusters": [
            {
                "score": round(c.score, 3),
                "explanation": c.explanation,
                "existing_collaboration": c.existing_collaboration_id,
                "state": c.state,
                "items": [
                    {
                        "org": m.item.return_obj.organisation.slug,
                        "reference": m.item.reference,
                        "title": m.item.title,
                    }
                    for m in c.members.all()
                ],
            }
            for c in clusters
        ],
    }


# --- analysts' changes to clusters ---------------------------------------------------------------
# Merge, undo, split and join each run in one transaction that locks the cluster rows first and
# then reads their state again: the page the analyst acted on may be out of date, and two analysts
# (or one double click) can act on one cluster at the same moment. Locks are always taken in the
# same order (clusters by id, then the collaboration, then the returns), so two of these never
# wait for each other in a circle.


def _one_at_a_time(service):
    """Run `service` in its own transaction; a writer kept out by another's lock gets a ValidationError.

    PostgreSQL makes the second writer wait on the row lock and it then finds the new state. SQLite
    locks the whole database for one writer, and the other gives up with "database is locked" (at
    once with the test suite's shared in-memory database): that is a message to show, not a crash.
    """
    atomic = transaction.atomic(service)

    @functools.wraps(service)
    def run(**kwargs):
        try:
            return atomic(**kwargs)
        except OperationalError as exc:
            if "locked" not in str(exc) and "deadlock" not in str(exc):
                raise
            raise ValidationError(
                _("Another change was being saved at the same moment, so nothing was changed: try again.")
            ) from exc

    return run


def _clusters_locked(*pks: int) -> list[Cluster]:
    """The clusters as they are now, locked until the transaction ends, in the order asked."""
    # By id: one lock order for everyone; and not Cluster's default ordering, which joins the round
    # (FOR UPDATE would lock the round's row too).
    found = Cluster.objects.select_for_update().filter(pk__in=pks).order_by("pk").in_bulk()
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise ValidationError(
            _("Cluster %(n)d no longer exists: it was joined into another, or the round was matched again.")
            % {"n": missing[0]}
        )
    return [found[pk] for pk in pks]


def _require_consolidated(members: list[ClusterItem]) -> None:
    """Each item's return is still submitted or accepted (read from the locked return rows)."""
    # order_by: Return's default ordering joins the organisation, whose rows FOR UPDATE would lock too.
    returns = (
        Return.objects.select_for_update()
        .filter(pk__in={m.item.return_obj_id for m in members})
        .order_by("pk")
        .in_bulk()
    )
    problems = [
        _(
            "%(ref)s cannot be merged: %(org)s's return is now “%(state)s”, not submitted or accepted. "
            "Match the round again to leave it out until it is submitted."
        )
        % {
            "ref": m.item.reference,
            "org": m.item.return_obj.organisation.name,
            "state": returns[m.item.return_obj_id].get_state_display(),
        }
        for m in members
        if returns[m.item.return_obj_id].state not in CONSOLIDATED_STATES
    ]
    if problems:
        raise ValidationError(problems)


def _merge_described(merge: Merge) -> str:
    when = formats.date_format(timezone.localtime(merge.merged_at), "j M Y, H:i")
    who = merge.merged_by.get_username() if merge.merged_by_id else _("a command (no analyst)")
    return _("cluster %(n)d, merged on %(when)s by %(who)s") % {"n": merge.cluster_id, "when": when, "who": who}


@_one_at_a_time
def cluster_merge(*, cluster: Cluster, user=None) -> Merge:
    """Merge a cluster into one collaboration (new, or the existing one it matched), with provenance."""
    (cluster,) = _clusters_locked(cluster.pk)
    if cluster.state != ClusterState.PROPOSED or Merge.objects.filter(cluster=cluster).exists():
        raise ValidationError(_("This cluster has already been merged."))
    members = list(cluster.members.select_related("item__return_obj__organisation"))
    if not members:
        raise ValidationError(_("This cluster has no items left."))
    _require_consolidated(members)
    existing = None
    if cluster.existing_collaboration_id:
        # Locked: another cluster may be merging into the same record, or a merge into it being undone.
        existing = Collaboration.objects.select_for_update().get(pk=cluster.existing_collaboration_id)
        cluster.existing_collaboration = existing
    plan = merge_plan(cluster=cluster)
    before = record_snapshot(collaboration_data_from(existing)) if existing else {}
    if existing:
        collaboration = collaboration_update(collaboration=existing, data=plan.data)
    else:
        collaboration = collaboration_create(
            data=plan.data,
            source_kind=SourceKind.RETURN,
            source_label=_("Consolidated from %(round)s") % {"round": cluster.round.name},
        )
    batch = uuid.uuid4()
    item_type = ContentType.objects.get_for_model(ReturnItem)
    Provenance.objects.bulk_create(
        [
            Provenance(
                collaboration=collaboration,
                kind=SourceKind.RETURN,
                label=_("%(org)s's return to %(round)s, item %(ref)s")
                % {"org": m.item.return_obj.organisation.name, "round": cluster.round.name, "ref": m.item.reference},
                reported_by=m.item.return_obj.organisation,
                reported_on=(m.item.return_obj.submitted_at or timezone.now()).date(),
                fields=sorted(set(plan.sources.get(m.item.pk, []))),
                source_type=item_type,
                source_id=m.item.pk,
                batch=batch,
            )
            for m in members
        ]
    )
    if not existing:
        Provenance.objects.filter(collaboration=collaboration, batch__isnull=True).update(batch=batch)
    cluster.state = ClusterState.MERGED
    cluster.save(update_fields=["state"])
    return Merge.objects.create(
        cluster=cluster,
        collaboration=collaboration,
        created_collaboration=existing is None,
        before=before,
        conflicts=plan.conflicts,
        provenance_batch=batch,
        merged_by=user,
    )


@_one_at_a_time
def merge_undo(*, merge: Merge, user=None) -> Cluster:
    """Put everything back as it was before the merge; the cluster is proposed again.

    Merges into one record undo like a stack: the newest first. Undoing an older one would restore
    the record as it was before it and silently drop what later merges added (partners, money).
    """
    (cluster,) = _clusters_locked(merge.cluster_id)
    merge = Merge.objects.select_for_update().filter(pk=merge.pk).first()
    if merge is None:
        raise ValidationError(_("This merge has already been undone."))
    collaboration = Collaboration.objects.select_for_update().get(pk=merge.collaboration_id)
    later = (
        Merge.objects.filter(collaboration=collaboration, pk__gt=merge.pk).select_related("merged_by").order_by("-pk")
    )
    newest = later.first()
    if newest is not None:
        count = later.count()
        raise ValidationError(
            _("A later merge changed this record since: %(later)s%(more)s. Undo the newest merge first, then this one.")
            % {
                "later": _merge_described(newest),
                "more": _(" (and %(n)d more)") % {"n": count - 1} if count > 1 else "",
            }
        )
    Provenance.objects.filter(batch=merge.provenance_batch).delete()
    created, before = merge.created_collaboration, merge.before
    merge.delete()
    if created:
        collaboration.delete()
        search_index_update([merge.collaboration_id])
        collaborations_changed()
    else:
        collaboration_update(collaboration=collaboration, data=record_restore(before))
    cluster.state = ClusterState.PROPOSED
    cluster.save(update_fields=["state"])
    return cluster


@_one_at_a_time
def cluster_split(*, cluster: Cluster, item: ReturnItem) -> Cluster:
    """Take one item out of a proposed cluster into a cluster of its own."""
    (cluster,) = _clusters_locked(cluster.pk)
    if cluster.state != ClusterState.PROPOSED:
        raise ValidationError(_("Undo the merge before changing the cluster."))
    member = ClusterItem.objects.filter(cluster=cluster, item_id=item.pk).first()
    if member is None:
        raise ValidationError(_("%(ref)s is not in this cluster (any more).") % {"ref": item.reference})
    if cluster.members.count() == 1:
        raise ValidationError(_("This item is already on its own."))
    alone = Cluster.objects.create(
        round=cluster.round, score=1.0, explanation=_("Split out by an analyst from cluster %(n)d.") % {"n": cluster.pk}
    )
    member.cluster = alone
    member.save(update_fields=["cluster"])
    return alone


@_one_at_a_time
def cluster_join(*, cluster: Cluster, other: Cluster) -> Cluster:
    """Move every item of `other` into `cluster` (an analyst says they are one collaboration)."""
    if cluster.pk == other.pk:
        raise ValidationError(_("Choose another cluster of the same round."))
    cluster, other = _clusters_locked(cluster.pk, other.pk)
    if cluster.round_id != other.round_id:
        raise ValidationError(_("Choose another cluster of the same round."))
    if ClusterState.MERGED in (cluster.state, other.state):
        raise ValidationError(_("Undo the merge before changing the cluster."))
    returns_here = set(cluster.members.values_list("item__return_obj", flat=True))
    clash = other.members.filter(item__return_obj__in=returns_here).select_related("item__return_obj__organisation")
    if clash.exists():
        org = clash.first().item.return_obj.organisation
        raise ValidationError(
            _("Both clusters hold items of %(org)s's return: one return lists each collaboration once.") % {"org": org}
        )
    other.members.update(cluster=cluster)
    if other.existing_collaboration_id and not cluster.existing_collaboration_id:
        cluster.existing_collaboration_id = other.existing_collaboration_id
    cluster.score = 1.0
    cluster.explanation = _("Joined by an analyst.")
    cluster.save()
    other.delete()
    return cluster


# --- merging in bulk ---------------------------------------------------------------------------


def clusters_merge_above(*, round_: Round, threshold: float, user=None) -> tuple[int, list[str]]:
    """Merge every proposed cluster of the round scored at or above `threshold` (0 to 1), one at a time.

    Each cluster merges in its own transaction, so one that cannot merge is reported in `problems`
    (naming the cluster and why) and the others still merge. Returns (clusters merged, problems).
    """
    if not 0 <= threshold <= 1:
        raise ValidationError(_("%(t)s is not a score; give a number from 0 to 1, e.g. 0.9") % {"t": threshold})
    merged, problems = 0, []
    clusters = Cluster.objects.filter(round=round_, state=ClusterState.PROPOSED, score__gte=threshold)
    for cluster in clusters.filter(members__isnull=False).distinct().order_by("pk"):
        try:
            cluster_merge(cluster=cluster, user=user)
            merged += 1
        except ValidationError as exc:
            problems.append(f"cluster {cluster.pk} ({cluster.explanation}): {' '.join(exc.messages)}")
    return merged, problems
