"""Reads for the review queue: clusters filtered and in order of doubt, and reports side by side."""

import re
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Basis, BenefitKind
from bluelight.consolidation.models import (
    BAND_FLOORS,
    Cluster,
    ClusterItem,
    ClusterState,
    ConfidenceBand,
    confidence_band_of,
)
from bluelight.consolidation.plans import MONEY_KINDS, merge_plan

QUEUE_PAGE_SIZE = 50
# More reports than this and the cluster page first shows only the rows where they differ.
COMPACT_ABOVE = 3

ROWS = [
    ("title", _("Title")),
    ("partners", _("Partners")),
    ("lead", _("Lead")),
    ("theme", _("Theme")),
    ("secondary_themes", _("Other themes")),
    ("status", _("Status")),
    ("start", _("Start")),
    ("end", _("End")),
    ("scope", _("Scope")),
    ("annual_savings_gbp", _("Annual savings (£)")),
    ("one_off_savings_gbp", _("One-off savings (£)")),
    ("one_off_cost_gbp", _("One-off cost (£)")),
    ("external_funding_gbp", _("External funding (£)")),
    ("savings_basis", _("Savings basis")),
    ("description", _("Description")),
]

# --- the queue ---------------------------------------------------------------------------------

STATES = {
    "proposed": _("To review"),
    "merged": _("Merged"),
    "all": _("To review and merged"),
}
SORTS = {
    "doubtful": _("Most doubtful first"),
    "score": _("Highest score first"),
    "size": _("Most reports first"),
}
BANDS = {band.value: band.label for band in ConfidenceBand}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, read from the query string; a value that is not one of the choices is ignored."""

    band: str = ""
    state: str = "proposed"
    sort: str = "doubtful"

    @classmethod
    def from_params(cls, params) -> "QueueFilters":
        def pick(name: str, choices, default: str) -> str:
            value = params.get(name, default)
            return value if value in choices else default

        return cls(
            band=pick("band", BANDS, ""),
            state=pick("state", STATES, "proposed"),
            sort=pick("sort", SORTS, "doubtful"),
        )

    @property
    def is_default(self) -> bool:
        return self == QueueFilters()


def _annotated(round_) -> QuerySet[Cluster]:
    """The round's clusters with their number of reports and whether they are one report matched to nothing."""
    return (
        Cluster.objects.filter(round=round_)
        .annotate(report_count=Count("members"))
        .annotate(
            single=Case(
                When(Q(report_count__lte=1) & Q(existing_collaboration__isnull=True), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )


def band_condition(band: str) -> Q:
    """The database condition for a band: the same floors as Cluster.confidence_band."""
    if band == ConfidenceBand.ONE_PARTNER:
        return Q(single=1)
    floors = dict(BAND_FLOORS)
    almost, likely = floors[ConfidenceBand.ALMOST_CERTAIN], floors[ConfidenceBand.LIKELY]
    scored = Q(single=0)
    if band == ConfidenceBand.ALMOST_CERTAIN:
        return scored & Q(score__gte=almost)
    if band == ConfidenceBand.LIKELY:
        return scored & Q(score__gte=likely, score__lt=almost)
    return scored & Q(score__lt=likely)


ORDERINGS = {
    # Clusters that could be wrong (several reports, or a match to an existing record) by ascending
    # score; a report standing alone has nothing to confirm, so those come after.
    "doubtful": ("single", "score", "pk"),
    "score": ("single", F("score").desc(), "pk"),
    "size": (F("report_count").desc(), "score", "pk"),
}


def queue(round_, *, params=None, page_number=None) -> dict:
    """One page of the round's clusters, filtered by band and state and sorted, with counts for the filters."""
    filters = QueueFilters.from_params(params or {})
    clusters = _annotated(round_)
    if filters.state != "all":
        clusters = clusters.filter(state=filters.state)
    band_counts = _band_counts(clusters)
    if filters.band:
        clusters = clusters.filter(band_condition(filters.band))
    clusters = clusters.order_by(*ORDERINGS[filters.sort]).select_related("existing_collaboration", "suggested_theme")
    page = Paginator(clusters, QUEUE_PAGE_SIZE).get_page(page_number)
    page.object_list = list(page.object_list.prefetch_related("members__item__return_obj__organisation"))
    totals = Cluster.objects.filter(round=round_).aggregate(
        proposed=Count("pk", filter=Q(state=ClusterState.PROPOSED)),
        merged=Count("pk", filter=Q(state=ClusterState.MERGED)),
    )
    items = ClusterItem.objects.filter(cluster__round=round_).count()
    return {
        "filters": filters,
        "page": page,
        "band_choices": [(band, label, band_counts[band]) for band, label in BANDS.items()],
        "state_choices": list(STATES.items()),
        "sort_choices": list(SORTS.items()),
        "proposed_count": totals["proposed"],
        "merged_count": totals["merged"],
        "items": items,
    }


def _band_counts(clusters: QuerySet[Cluster]) -> Counter:
    # Counted here rather than with conditional aggregates: Django cannot filter an aggregate on an
    # annotation that is itself built from an aggregate (`single`), and the rows are three numbers each.
    return Counter(
        confidence_band_of(score, reports=reports, matches_existing=existing is not None).value
        for score, reports, existing in clusters.values_list("score", "report_count", "existing_collaboration")
    )


def merge_above_preview(round_, threshold: float) -> dict:
    """What merging every proposed cluster scored at or above `threshold` would touch, without touching it."""
    clusters = _annotated(round_).filter(state=ClusterState.PROPOSED, score__gte=threshold, report_count__gt=0)
    rows = list(clusters.values_list("report_count", "existing_collaboration"))
    existing = {e for _n, e in rows if e is not None}
    return {
        "clusters": len(rows),
        "reports": sum(n for n, _e in rows),
        "single": sum(1 for n, e in rows if n == 1 and e is None),
        "new_records": sum(1 for _n, e in rows if e is None),
        "existing_records": len(existing),
    }


# --- one cluster -------------------------------------------------------------------------------


def _money(amount) -> str:
    return f"{amount:,.0f}" if amount is not None else ""


def _item_values(item) -> dict:
    # The reporting organisation is a partner too (the matcher and the merge count it): include it so
    # that partners' reports naming each other compare equal.
    partners = {p.organisation.name for p in item.partners.all()} | {item.return_obj.organisation.name}
    return {
        "title": item.title,
        "partners": "; ".join(sorted(partners)),
        "lead": item.lead_organisation.name if item.lead_organisation_id else "",
        "theme": str(item.theme) if item.theme_id else "",
        "status": item.get_status_display(),
        "start": item.start_display,
        "end": item.end_display,
        "scope": item.get_scope_display() if item.scope else "",
        **{column: _money(getattr(item, column)) for column in MONEY_KINDS},
        "savings_basis": _figure_bases(item),
        "secondary_themes": "; ".join(sorted(str(t) for t in item.secondary_themes.all())),
        "description": item.description,
    }


def _figure_bases(item) -> str:
    """The basis of each figure the item gives (its own, else the item's savings basis): one, if they agree."""
    labels = dict(Basis.choices)
    bases = {}
    for column, kind in MONEY_KINDS.items():
        figure = item.figure(column.removesuffix("_gbp"))
        if figure.amount is not None and figure.basis:
            bases[str(BenefitKind(kind).label)] = str(labels.get(figure.basis, figure.basis))
    if len(set(bases.values())) <= 1:
        return next(iter(bases.values()), str(labels.get(item.savings_basis, item.savings_basis)))
    return "; ".join(f"{kind}: {basis}" for kind, basis in bases.items())


def _collaboration_values(collaboration) -> dict:
    """The existing record's fields, its money as the reports give it: one total per kind, each sum listed."""
    partners = list(collaboration.partners.select_related("organisation"))
    benefits = list(collaboration.benefits.all())
    values = {
        "title": collaboration.title,
        "partners": "; ".join(sorted(p.organisation.name for p in partners)),
        "lead": next((p.organisation.name for p in partners if p.is_lead), ""),
        "theme": str(collaboration.primary_theme) if collaboration.primary_theme_id else "",
        "status": collaboration.get_status_display(),
        "start": collaboration.start_display,
        "end": collaboration.end_display,
        "scope": collaboration.get_scope_display(),
        "savings_basis": "; ".join(sorted({b.get_basis_display() for b in benefits})),
        "secondary_themes": "; ".join(sorted(str(t) for t in collaboration.secondary_themes.all())),
        "description": collaboration.description,
    }
    notes = {}
    for column, kind in MONEY_KINDS.items():
        amounts = [b.amount_gbp for b in benefits if b.kind == kind]
        values[column] = _money(sum(amounts)) if amounts else ""
        if len(amounts) > 1:
            notes[column] = " + ".join(_money(a) for a in amounts)
    non_cashable = [b.amount_gbp for b in benefits if b.kind == BenefitKind.NON_CASHABLE]
    if non_cashable:
        values["non_cashable_gbp"] = _money(sum(non_cashable))
    return {"values": values, "notes": notes}


def comparison(cluster, *, all_rows: bool = False) -> dict:
    """Columns of the reports (the existing record first, when the cluster matched one), rows of their values.

    A report's cell is marked when it differs from the existing record's, or, without one, from the
    first report's. With more than COMPACT_ABOVE reports only the rows with a difference are shown,
    unless `all_rows`.
    """
    members = list(
        cluster.members.select_related(
            "item__return_obj__organisation", "item__theme", "item__lead_organisation"
        ).prefetch_related("item__partners__organisation", "item__secondary_themes__parent")
    )
    columns = [
        {
            "heading": f"{m.item.return_obj.organisation.name} · {m.item.reference}",
            "item": m.item,
            "values": _item_values(m.item),
            "notes": {},
        }
        for m in members
    ]
    existing = cluster.existing_collaboration if cluster.existing_collaboration_id else None
    rows_wanted = list(ROWS)
    if existing is not None:
        record = _collaboration_values(existing)
        columns.insert(0, {"heading": _("Existing record"), "collaboration": existing, "is_reference": True, **record})
        if "non_cashable_gbp" in record["values"]:
            at = [key for key, _label in rows_wanted].index("savings_basis")
            rows_wanted.insert(at, ("non_cashable_gbp", _("Non-cashable value (£)")))
    elif columns:
        columns[0]["is_reference"] = True
    reference = next((c for c in columns if c.get("is_reference")), None)
    rows = []
    for key, label in rows_wanted:
        ref = reference["values"].get(key, "") if reference else ""
        cells = []
        for column in columns:
            value = column["values"].get(key, "")
            # A blank cell says nothing; a value the record lacks is a change the merge would make.
            differs = (
                not column.get("is_reference") and bool(value) and value != ref and (bool(ref) or existing is not None)
            )
            cells.append({"value": value, "note": column["notes"].get(key, ""), "differs": differs})
        rows.append({"label": label, "cells": cells, "differs": any(c["differs"] for c in cells)})
    compact = len(members) > COMPACT_ABOVE and not all_rows
    conflicts = []
    if cluster.state == ClusterState.PROPOSED and members:
        conflicts = merge_plan(cluster=cluster).conflicts
    return {
        "columns": columns,
        "rows": [r for r in rows if r["differs"]] if compact else rows,
        "row_count": len(rows),
        "differing_rows": sum(1 for r in rows if r["differs"]),
        "compact": compact,
        "can_compact": len(members) > COMPACT_ABOVE,
        "reference_is_existing": existing is not None,
        "conflicts": conflicts,
    }


_WORD = re.compile(r"[^\W\d_]{3,}")
_COMMON = frozenset(
    ["the", "and", "for", "with", "joint", "shared", "service", "services"]
    + ["police", "fire", "rescue", "ambulance", "station", "project"]
)


def _title_words(title: str) -> set[str]:
    return {w for w in _WORD.findall(title.lower()) if w not in _COMMON}


def join_candidates(cluster, *, limit: int = 50) -> list[Cluster]:
    """Other proposed clusters of the round that share an organisation with this one, likeliest first.

    Likeliest means: the most organisations in common (reporting or named as partners), then the most
    title words in common (words of three letters or more, leaving out words every blue-light title
    has, such as "joint" or "police"), then the smaller cluster number. Each candidate gets
    `shared_partners` and `shared_words` so the page can say why it is offered.
    """

    def organisations(c) -> set[int]:
        orgs = set()
        for m in c.members.all():
            orgs.add(m.item.return_obj.organisation_id)
            orgs |= {p.organisation_id for p in m.item.partners.all()}
        return orgs

    def words(c) -> set[str]:
        return set().union(*(_title_words(m.item.title) for m in c.members.all()))

    members = "members__item__return_obj__organisation", "members__item__partners"
    this = Cluster.objects.prefetch_related(*members).get(pk=cluster.pk)
    orgs, title_words = organisations(this), words(this)
    others = (
        Cluster.objects.filter(round=cluster.round_id, state=ClusterState.PROPOSED)
        .filter(Q(members__item__partners__organisation__in=orgs) | Q(members__item__return_obj__organisation__in=orgs))
        .exclude(pk=cluster.pk)
        .distinct()
        .prefetch_related(*members)
    )
    ranked = []
    for other in others:
        other.shared_partners = len(orgs & organisations(other))
        other.shared_words = len(title_words & words(other))
        ranked.append(other)
    ranked.sort(key=lambda c: (-c.shared_partners, -c.shared_words, c.pk))
    return ranked[:limit]
