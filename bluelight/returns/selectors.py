"""Reads for round and return pages: plain data the templates show."""

import altair as alt
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import Basis, Scope, Status, Theme
from bluelight.core.charts import chart_svg
from bluelight.organisations.models import Organisation
from bluelight.returns import rounds
from bluelight.returns.models import Request, Return, Round


def requests_for_editor(user) -> list[dict]:
    """The editor's organisations' requests, newest round first, with the state of each return."""
    org_ids = policy.editor_organisation_ids(user)
    requests = (
        Request.objects.filter(organisation_id__in=org_ids)
        .select_related("round", "organisation")
        .order_by("-round__opens_on", "organisation__name")
    )
    returns = {(r.round_id, r.organisation_id): r for r in Return.objects.filter(organisation_id__in=org_ids)}
    rows = []
    for request in requests:
        ret = returns.get((request.round_id, request.organisation_id))
        rows.append({"request": request, "return": ret, "state": ret.state if ret else rounds.NOT_STARTED})
    return rows


def round_summaries() -> list[dict]:
    return [{"round": r, "progress": rounds.round_progress(round_=r)} for r in Round.objects.all()]


def remind_message(summary: rounds.RemindSummary) -> str:
    parts = [_("Reminders sent to %(n)d organisations.") % {"n": len(summary.reminded)}]
    if summary.already_today:
        parts.append(_("%(n)d already reminded today.") % {"n": len(summary.already_today)})
    if summary.no_editor:
        parts.append(
            _("%(n)d have no editor to remind: %(names)s.")
            % {"n": len(summary.no_editor), "names": ", ".join(summary.no_editor)}
        )
    return " ".join(parts)


def progress_chart_svg(progress: rounds.RoundProgress) -> str:
    """Returns answered over time against the number asked, with the deadline marked."""
    points = [{"day": day.isoformat(), "answered": count} for day, count in progress.timeline]
    if not points:
        points = [{"day": progress.round.opens_on.isoformat(), "answered": 0}]
    base = alt.Chart(alt.Data(values=points))
    line = base.mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("day:T", title=_("Date")),
        y=alt.Y(
            "answered:Q", title=_("Returns submitted"), scale=alt.Scale(domain=[0, max(progress.overall.total, 1)])
        ),
    )
    deadline = (
        alt.Chart(alt.Data(values=[{"day": progress.round.closes_on.isoformat(), "label": _("Deadline")}]))
        .mark_rule(strokeDash=[4, 4], color="#d4351c")
        .encode(x="day:T")
    )
    chart = (line + deadline).properties(
        width=560, height=220, title=_("Returns submitted over time (of %(n)d asked)") % {"n": progress.overall.total}
    )
    return chart_svg(chart)


def return_page(user, round_, organisation, return_obj) -> dict:
    items = []
    if return_obj is not None:
        items = list(
            return_obj.items.select_related("theme", "lead_organisation", "known_collaboration")
            .prefetch_related("partners__organisation")
            .order_by("row_number", "pk")
        )
    target = return_obj or Request.objects.get(round=round_, organisation=organisation)
    return {
        "round": round_,
        "organisation": organisation,
        "return": return_obj,
        "items": items,
        "can_edit": policy.can(user, Action.EDIT_RETURN, target),
        "can_review": policy.can(user, Action.REVIEW_RETURN) and return_obj is not None,
        "state": return_obj.state if return_obj else rounds.NOT_STARTED,
    }


def item_form_choices() -> dict:
    themes = [(t.code, str(t)) for t in Theme.objects.select_related("parent").order_by("parent__position", "position")]
    return {
        "theme_choices": themes,
        "status_choices": Status.choices,
        "scope_choices": [("", _("Not sure"))] + list(Scope.choices),
        "basis_choices": [("", _("No savings figures"))] + list(Basis.choices),
    }


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}".removesuffix(".00")


def item_initial(item) -> dict:
    """A staged item as the form's text values (the same text a spreadsheet cell would hold)."""
    partners = [p.typed_as or p.organisation.name for p in item.partners.select_related("organisation")]
    initial = {
        "title": item.title,
        "description": item.description,
        "lead_organisation": item.lead_organisation.name if item.lead_organisation else "",
        "theme": item.theme.code if item.theme else "",
        "status": item.status,
        "start_date": item.start_display,
        "end_date": item.end_display,
        "scope": item.scope,
        "savings_basis": item.savings_basis,
        "price_year": item.price_year or "",
        "benefits": item.benefits,
        "outcomes": item.outcomes,
        "lessons": item.lessons,
        "evidence_url": item.evidence_url,
        "contact_name": item.contact_name,
        "contact_email": item.contact_email,
        **{
            name: _money(getattr(item, name))
            for name in ("one_off_cost_gbp", "one_off_savings_gbp", "annual_savings_gbp", "external_funding_gbp")
        },
    }
    for n, name in enumerate(partners, start=1):
        initial[f"partner_{n}"] = name
    return initial


def org_names() -> list[str]:
    """Names offered by the partner fields' browser autocomplete (a datalist: works without JavaScript)."""
    return list(Organisation.objects.order_by("name").values_list("name", flat=True))
