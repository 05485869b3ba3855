"""Consolidation writes: propose clusters for a round, merge a cluster into one collaboration with
provenance and once-counted savings, undo a merge, split and join clusters.

Field rule for a merge: the lead organisation's own report wins; without one, the latest
submitted report; a field empty there is taken from the next report. Where reports disagree the
merge records a conflict for the analyst. Money becomes benefits accruing to the organisation
that reported it; the same amount of the same kind reported by several partners is one sum for
the whole collaboration, counted once.
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bluelight.collaborations import rules
from bluelight.collaborations.models import (
    BenefitKind,
    Collaboration,
    Provenance,
    Publication,
    SourceKind,
    Theme,
)
from bluelight.collaborations.services import (
    collaboration_create,
    collaboration_data_from,
    collaboration_update,
)
from bluelight.consolidation.knowledge import matching_knowledge
from bluelight.consolidation.matching import MatchItem, cluster_items
from bluelight.consolidation.models import Cluster, ClusterItem, ClusterState, Merge
from bluelight.organisations.models import Organisation
from bluelight.returns.models import Return, ReturnItem, ReturnState, Round

MONEY_KINDS = {
    "annual_savings_gbp": BenefitKind.ANNUAL_SAVING,
    "one_off_savings_gbp": BenefitKind.CUMULATIVE_SAVING,
    "one_off_cost_gbp": BenefitKind.INVESTMENT_COST,
    "external_funding_gbp": BenefitKind.EXTERNAL_FUNDING,
}
SCALAR_FIELDS = ("title", "description", "status", "scope", "lessons")
DATE_FIELDS = ("start_date", "end_date")
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
    try:
        from bluelight.consolidation.themes import ThemeSuggester
    except ImportError:
        return [None] * len(clusters_items)
    suggester = ThemeSuggester.load()
    rows = [(" / ".join(i.title for i in items), " ".join(i.description for i in items)) for items in clusters_items]
    results = []
    for suggestions in suggester.suggest_many(rows):
        results.append((suggestions[0].theme_code, suggestions[0].score) if suggestions else None)
    return results


def _no_progress(percent: int, step: str) -> None:
    return None


@transaction.atomic
def consolidation_propose(*, round_: Round, progress: Callable[[int, str], None] = _no_progress) -> list[Cluster]:
    """Match the round's staged items again (merged clusters stay as they are) and store the clusters.

    `progress(percent, step)` is told how far the work has gone (the background task saves it).
    """
    progress(0, _("Reading the round's reports"))
    Cluster.objects.filter(round=round_, state=ClusterState.PROPOSED).delete()
    items = [i for i in _round_items(round_) if not hasattr(i, "cluster_member")]
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
    themes = {t.code: t for t in Theme.objects.all()}
    suggestions = _suggest_themes([[by_key[k] for k in p.keys] for p in proposed])
    progress(90, _("Saving the proposed clusters"))
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
            ClusterItem(cluster=cluster, item=by_key[key])
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


# --- merging -----------------------------------------------------------------------------------


def _ordered_reports(items: list[ReturnItem]) -> list[ReturnItem]:
    """The lead's own report first, then the latest submitted."""

    def submitted(item):
        return item.return_obj.submitted_at or item.updated_at

    leads = {i.lead_organisation_id for i in items if i.lead_organisation_id}
    ordered = sorted(items, key=submitted, reverse=True)
    return sorted(ordered, key=lambda i: 0 if i.return_obj.organisation_id in leads else 1)


@dataclass
class MergePlan:
    data: rules.CollaborationData
    sources: dict[int, list[str]] = field(default_factory=dict)  # item pk -> fields taken from it
    conflicts: list[dict] = field(default_factory=list)


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Theme):
        return value.code
    return str(value)


def _choose(field_name: str, reports: list[ReturnItem], plan: MergePlan, fallback=None):
    values = [(r, getattr(r, field_name)) for r in reports]
    present = [(r, v) for r, v in values if v not in (None, "")]
    distinct = {_display(v) for _r, v in present}
    if len(distinct) > 1:
        plan.conflicts.append(
            {
                "field": field_name,
                "values": [{"org": r.return_obj.organisation.name, "value": _display(v)} for r, v in present],
            }
        )
    if not present:
        return fallback
    chosen_item, chosen = present[0]
    plan.sources.setdefault(chosen_item.pk, []).append(field_name)
    return chosen


def _benefits(reports: list[ReturnItem], round_: Round, plan: MergePlan) -> list[rules.BenefitData]:
    """Money per reporting organisation; one identical figure from several partners is counted once."""
    by_amount: dict[tuple[str, Decimal], list[ReturnItem]] = defaultdict(list)
    for report in reports:
        for column, kind in MONEY_KINDS.items():
            amount = getattr(report, column)
            if amount is not None and amount > 0:
                by_amount[(kind, amount)].append(report)
    benefits = []
    for (kind, amount), reporters in by_amount.items():
        first = reporters[0]
        shared = len({r.return_obj.organisation_id for r in reporters}) > 1
        benefits.append(
            rules.BenefitData(
                kind=kind,
                amount_gbp=amount,
                basis=first.savings_basis or "estimated",
                price_year=first.price_year or round_.opens_on.year,
                accrues_to=None if shared else first.return_obj.organisation,
                description=(
                    _("Reported by %(orgs)s; counted once.")
                    % {"orgs": ", ".join(sorted(r.return_obj.organisation.name for r in reporters))}
                    if shared
                    else ""
                ),
            )
        )
        for r in reporters:
            plan.sources.setdefault(r.pk, []).append(str(kind))
    return benefits


def merge_plan(*, cluster: Cluster) -> MergePlan:
    """What merging the cluster would write, without writing it (also shown in the review page)."""
    items = [
        m.item
        for m in cluster.members.select_related(
            "item__return_obj__organisation", "item__return_obj", "item__theme", "item__lead_organisation"
        ).prefetch_related("item__partners__organisation")
    ]
    reports = _ordered_reports(items)
    existing = cluster.existing_collaboration
    base = collaboration_data_from(existing) if existing else None
    plan = MergePlan(data=rules.CollaborationData(title="", partners=[]))
    data = plan.data
    for name in SCALAR_FIELDS:
        setattr(data, name, _choose(name, reports, plan, getattr(base, name, "") if base else "") or "")
    data.status = data.status or (base.status if base else "operational")
    data.scope = data.scope or (base.scope if base else "local")
    for name in DATE_FIELDS:
        value = _choose(name, reports, plan, getattr(base, name) if base else None)
        setattr(data, name, value)
        owner = next((r for r in reports if getattr(r, name) == value), None)
        precision = getattr(owner, name.replace("_date", "_precision")) if owner else None
        setattr(
            data,
            name.replace("_date", "_precision"),
            precision or (getattr(base, name.replace("_date", "_precision")) if base else "year"),
        )
    theme = _choose("theme", reports, plan, base.primary_theme if base else None)
    if theme is None and cluster.suggested_theme_id:
        theme = cluster.suggested_theme
    data.primary_theme = theme
    data.secondary_themes = [t for t in (base.secondary_themes if base else []) if theme is None or t.pk != theme.pk]

    partners: dict[int, Organisation] = {}
    for org in [*(p.organisation for p in (base.partners if base else []))]:
        partners[org.pk] = org
    for report in reports:
        partners.setdefault(report.return_obj.organisation_id, report.return_obj.organisation)
        for p in report.partners.all():
            partners.setdefault(p.organisation_id, p.organisation)
    lead_id = next((r.lead_organisation_id for r in reports if r.lead_organisation_id in partners), None)
    if lead_id is None and base:
        lead_id = next((p.organisation.pk for p in base.partners if p.is_lead), None)
    lead_id = lead_id or reports[0].return_obj.organisation_id
    data.partners = [rules.PartnerData(org, is_lead=(pk == lead_id)) for pk, org in partners.items()]

    reporters = {r.return_obj.organisation_id for r in reports}
    kept = [b for b in (base.benefits if base else []) if b.accrues_to is not None and b.accrues_to.pk not in reporters]
    data.benefits = kept + _benefits(reports, cluster.round, plan)
    outcomes = list(dict.fromkeys(r.outcomes.strip() for r in reports if r.outcomes.strip()))
    data.outcomes = (base.outcomes if base else []) + [
        rules.OutcomeData(text) for text in outcomes if not base or text not in {o.description for o in base.outcomes}
    ]
    contacts = {c.email or c.name: c for c in (base.contacts if base else [])}
    for r in reports:
        if r.contact_name or r.contact_email:
            contacts.setdefault(
                r.contact_email or r.contact_name,
                rules.ContactData(r.contact_name or r.contact_email, r.contact_email, r.return_obj.organisation),
            )
    data.contacts = list(contacts.values())
    data.publication = base.publication if base else (Publication.PUBLISHED if theme is not None else Publication.DRAFT)
    if data.publication == Publication.PUBLISHED and theme is None:
        data.publication = Publication.DRAFT
    return plan


def _snapshot(data: rules.CollaborationData) -> dict:
    """Collaboration data as JSON, to restore on undo."""

    def pk(obj):
        return obj.pk if obj is not None else None

    return {
        **{
            name: getattr(data, name)
            for name in (*SCALAR_FIELDS, "status_reason", "start_precision", "end_precision", "publication")
        },
        "start_date": data.start_date.isoformat() if data.start_date else None,
        "end_date": data.end_date.isoformat() if data.end_date else None,
        "primary_theme": pk(data.primary_theme),
        "secondary_themes": [t.pk for t in data.secondary_themes],
        "partners": [[p.organisation.pk, p.is_lead, p.role] for p in data.partners],
        "benefits": [
            {
                "kind": b.kind,
                "amount_gbp": str(b.amount_gbp),
                "basis": b.basis,
                "price_year": b.price_year,
                "accrues_to": pk(b.accrues_to),
                "to_date": b.to_date.isoformat() if b.to_date else None,
                "description": b.description,
            }
            for b in data.benefits
        ],
        "outcomes": [[o.description, o.measure, str(o.value) if o.value is not None else None] for o in data.outcomes],
        "contacts": [[c.name, c.email, pk(c.organisation), c.role] for c in data.contacts],
    }


def _restore(snapshot: dict) -> rules.CollaborationData:
    import datetime

    orgs = Organisation.objects.in_bulk(
        [p[0] for p in snapshot["partners"]]
        + [b["accrues_to"] for b in snapshot["benefits"] if b["accrues_to"]]
        + [c[2] for c in snapshot["contacts"] if c[2]]
    )
    themes = Theme.objects.in_bulk([snapshot["primary_theme"], *snapshot["secondary_themes"]])

    def day(text):
        return datetime.date.fromisoformat(text) if text else None

    return rules.CollaborationData(
        **{
            name: snapshot[name]
            for name in (*SCALAR_FIELDS, "status_reason", "start_precision", "end_precision", "publication")
        },
        start_date=day(snapshot["start_date"]),
        end_date=day(snapshot["end_date"]),
        primary_theme=themes.get(snapshot["primary_theme"]),
        secondary_themes=[themes[pk] for pk in snapshot["secondary_themes"]],
        partners=[rules.PartnerData(orgs[pk], is_lead, role) for pk, is_lead, role in snapshot["partners"]],
        benefits=[
            rules.BenefitData(
                kind=b["kind"],
                amount_gbp=Decimal(b["amount_gbp"]),
                basis=b["basis"],
                price_year=b["price_year"],
                accrues_to=orgs.get(b["accrues_to"]),
                to_date=day(b["to_date"]),
                description=b["description"],
            )
            for b in snapshot["benefits"]
        ],
        outcomes=[rules.OutcomeData(d, m, Decimal(v) if v is not None else None) for d, m, v in snapshot["outcomes"]],
        contacts=[rules.ContactData(n, e, orgs.get(o), r) for n, e, o, r in snapshot["contacts"]],
    )


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
    before = _snapshot(collaboration_data_from(existing)) if existing else {}
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
    else:
        collaboration_update(collaboration=collaboration, data=_restore(before))
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
