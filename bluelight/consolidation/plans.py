"""What merging a cluster would write, before anything is written (also shown on the review page),
and the snapshot of a record that lets a merge be undone.

Field rule: the lead organisation's own report wins; without one, the latest submitted report; a
field empty there is taken from the next report. Where reports disagree the plan records a
conflict for the analyst. Each money figure becomes a benefit with the figure's own basis, price
year and recipient (by default the item's savings basis and price year, accruing to the
organisation that reported it); the same amount of the same kind reported by several partners is
one sum, counted once, accruing to the recipient they agree on (else to the whole collaboration).
A report's figures replace the record's benefits of the same kind accruing to the same organisation.
Secondary themes are the record's and every report's, less the primary theme.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from bluelight.collaborations import rules
from bluelight.collaborations.models import BenefitKind, Publication, Theme
from bluelight.collaborations.services import collaboration_data_from
from bluelight.consolidation.models import Cluster
from bluelight.organisations.models import Organisation
from bluelight.returns.figures import Figure
from bluelight.returns.models import ReturnItem, Round

MONEY_KINDS = {
    "annual_savings_gbp": BenefitKind.ANNUAL_SAVING,
    "one_off_savings_gbp": BenefitKind.CUMULATIVE_SAVING,
    "one_off_cost_gbp": BenefitKind.INVESTMENT_COST,
    "external_funding_gbp": BenefitKind.EXTERNAL_FUNDING,
}
# The report's figure ("annual_savings", ...) behind each kind of benefit.
FIGURE_KINDS = {column.removesuffix("_gbp"): kind for column, kind in MONEY_KINDS.items()}
SCALAR_FIELDS = ("title", "description", "status", "scope", "lessons")
DATE_FIELDS = ("start_date", "end_date")


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
    """Each report's figures as benefits, each with its own basis, price year and recipient; one identical figure
    from several partners is counted once (its basis and price year the first report's)."""
    by_amount: dict[tuple[str, Decimal], list[tuple[ReturnItem, Figure]]] = defaultdict(list)
    for report in reports:
        for name, kind in FIGURE_KINDS.items():
            figure = report.figure(name)
            if figure.amount is not None and figure.amount > 0:
                by_amount[(kind, figure.amount)].append((report, figure))
    benefits = []
    for (kind, amount), reported in by_amount.items():
        first = reported[0][1]
        shared = len({r.return_obj.organisation_id for r, _figure in reported}) > 1
        recipients = {figure.recipient.pk: figure.recipient for _r, figure in reported}
        benefits.append(
            rules.BenefitData(
                kind=kind,
                amount_gbp=amount,
                basis=first.basis or "estimated",
                price_year=first.price_year or round_.opens_on.year,
                accrues_to=next(iter(recipients.values())) if len(recipients) == 1 else None,
                description=(
                    _("Reported by %(orgs)s; counted once.")
                    % {"orgs": ", ".join(sorted(r.return_obj.organisation.name for r, _figure in reported))}
                    if shared
                    else ""
                ),
            )
        )
        for r, _figure in reported:
            plan.sources.setdefault(r.pk, []).append(str(kind))
    return benefits


def merge_plan(*, cluster: Cluster) -> MergePlan:
    """What merging the cluster would write, without writing it (also shown in the review page)."""
    items = [
        m.item
        for m in cluster.members.select_related(
            "item__return_obj__organisation",
            "item__return_obj",
            "item__theme",
            "item__lead_organisation",
            *(f"item__{name}_recipient" for name in FIGURE_KINDS),
        ).prefetch_related("item__partners__organisation", "item__secondary_themes")
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
    reported_themes = [t for r in reports for t in r.secondary_themes.all()]
    secondary = {t.pk: t for t in [*(base.secondary_themes if base else []), *reported_themes]}
    data.secondary_themes = [t for t in secondary.values() if theme is None or t.pk != theme.pk]

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
    reported = _benefits(reports, cluster.round, plan)
    # A benefit of the record stays unless its organisation reported now, or a report gave that organisation's
    # figure of that kind (a partner may report what accrues to another).
    replaced = {(b.kind, b.accrues_to.pk) for b in reported if b.accrues_to is not None}
    kept = [
        b
        for b in (base.benefits if base else [])
        if b.accrues_to is not None and b.accrues_to.pk not in reporters and (b.kind, b.accrues_to.pk) not in replaced
    ]
    data.benefits = kept + reported
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


def record_snapshot(data: rules.CollaborationData) -> dict:
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


def record_restore(snapshot: dict) -> rules.CollaborationData:
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
