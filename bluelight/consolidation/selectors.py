"""Reads for the review queue: clusters in order of doubt, and items side by side."""

from django.utils.translation import gettext_lazy as _

from bluelight.consolidation.models import Cluster, ClusterState
from bluelight.consolidation.services import merge_plan

ROWS = [
    ("title", _("Title")),
    ("partners", _("Partners")),
    ("lead", _("Lead")),
    ("theme", _("Theme")),
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


def queue(round_) -> dict:
    clusters = list(
        Cluster.objects.filter(round=round_)
        .select_related("existing_collaboration", "suggested_theme")
        .prefetch_related("members__item__return_obj__organisation")
    )
    proposed = [c for c in clusters if c.state == ClusterState.PROPOSED]
    proposed.sort(key=lambda c: (-c.uncertainty, -len(c.members.all())))
    return {
        "proposed": proposed,
        "merged": [c for c in clusters if c.state == ClusterState.MERGED],
        "items": sum(len(c.members.all()) for c in clusters),
    }


def _item_values(item) -> dict:
    return {
        "title": item.title,
        "partners": "; ".join(sorted(p.organisation.name for p in item.partners.all())),
        "lead": item.lead_organisation.name if item.lead_organisation_id else "",
        "theme": str(item.theme) if item.theme_id else "",
        "status": item.get_status_display(),
        "start": item.start_display,
        "end": item.end_display,
        "scope": item.get_scope_display() if item.scope else "",
        **{
            k: f"{getattr(item, k):,.0f}" if getattr(item, k) is not None else ""
            for k in ("annual_savings_gbp", "one_off_savings_gbp", "one_off_cost_gbp", "external_funding_gbp")
        },
        "savings_basis": item.savings_basis,
        "description": item.description,
    }


def _collaboration_values(collaboration) -> dict:
    partners = list(collaboration.partners.select_related("organisation"))
    return {
        "title": collaboration.title,
        "partners": "; ".join(sorted(p.organisation.name for p in partners)),
        "lead": next((p.organisation.name for p in partners if p.is_lead), ""),
        "theme": str(collaboration.primary_theme) if collaboration.primary_theme_id else "",
        "status": collaboration.get_status_display(),
        "start": collaboration.start_display,
        "end": collaboration.end_display,
        "scope": collaboration.get_scope_display(),
        "description": collaboration.description,
    }


def comparison(cluster) -> dict:
    """Columns: each report (and the existing record), with cells that differ from the first marked."""
    members = list(
        cluster.members.select_related(
            "item__return_obj__organisation", "item__theme", "item__lead_organisation"
        ).prefetch_related("item__partners__organisation")
    )
    columns = [
        {
            "heading": f"{m.item.return_obj.organisation.name} · {m.item.reference}",
            "item": m.item,
            "values": _item_values(m.item),
        }
        for m in members
    ]
    if cluster.existing_collaboration_id:
        columns.append(
            {
                "heading": _("Existing record"),
                "collaboration": cluster.existing_collaboration,
                "values": _collaboration_values(cluster.existing_collaboration),
            }
        )
    rows = []
    for key, label in ROWS:
        values = [c["values"].get(key, "") for c in columns]
        first = values[0] if values else ""
        rows.append(
            {"label": label, "cells": [{"value": v, "differs": bool(v) and bool(first) and v != first} for v in values]}
        )
    conflicts = []
    if cluster.state == ClusterState.PROPOSED and members:
        conflicts = merge_plan(cluster=cluster).conflicts
    return {"columns": columns, "rows": rows, "conflicts": conflicts}


def join_candidates(cluster) -> list[Cluster]:
    """Other proposed clusters of the round that share a partner with this one."""
    orgs = set()
    for m in cluster.members.prefetch_related("item__partners"):
        orgs |= {p.organisation_id for p in m.item.partners.all()}
    return list(
        Cluster.objects.filter(
            round=cluster.round, state=ClusterState.PROPOSED, members__item__partners__organisation__in=orgs
        )
        .exclude(pk=cluster.pk)
        .distinct()
        .prefetch_related("members__item__return_obj__organisation")[:50]
    )
