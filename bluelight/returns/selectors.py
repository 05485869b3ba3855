"""Reads for round and return pages: plain data the templates show; the known collaborations a return
starts from; whom opening a round asks and e-mails (`round_preview`); who answered a round and whom to chase
(`round_progress`)."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import altair as alt
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import Collaboration
from bluelight.core.charts import chart_svg
from bluelight.organisations.models import Organisation, OrganisationType
from bluelight.returns import emails, template
from bluelight.returns.models import Request, Return, ReturnState, Round, RoundState
from bluelight.returns.sheet import FIGURES
from bluelight.returns.tasklist import task_list

if TYPE_CHECKING:
    from bluelight.returns.services import RemindSummary


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
        rows.append({"request": request, "return": ret, "state": ret.state if ret else NOT_STARTED})
    return rows


def round_summaries() -> list[dict]:
    return [{"round": r, "progress": round_progress(round_=r)} for r in Round.objects.all()]


def remind_message(summary: RemindSummary) -> str:
    """What sending reminders did, naming who got one; those without an editor are counted, not listed (the
    round's page lists them with how to add an editor)."""
    if summary.reminded:
        parts = [
            ngettext(
                "Reminder sent to %(n)d organisation (%(m)d e-mail): %(names)s.",
                "Reminders sent to %(n)d organisations (%(m)d e-mails): %(names)s.",
                len(summary.reminded),
            )
            % {"n": len(summary.reminded), "m": summary.messages, "names": ", ".join(summary.reminded)}
        ]
    else:
        parts = [_("No reminders sent.")]
    if summary.already_today:
        n = len(summary.already_today)
        parts.append(
            ngettext(
                "%(n)d organisation was already reminded today.",
                "%(n)d organisations were already reminded today.",
                n,
            )
            % {"n": n}
        )
    if summary.no_editor:
        n = len(summary.no_editor)
        parts.append(
            ngettext(
                "%(n)d organisation that has not answered has no editor, so no e-mail reaches it.",
                "%(n)d organisations that have not answered have no editor, so no e-mail reaches them.",
                n,
            )
            % {"n": n}
        )
    return " ".join(parts)


def progress_chart_svg(progress: RoundProgress) -> str:
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
    tasks = task_list(return_obj)
    target = return_obj or Request.objects.get(round=round_, organisation=organisation)
    return {
        "round": round_,
        "organisation": organisation,
        "return": return_obj,
        "tasks": tasks,
        "items": tasks.items,
        "can_edit": policy.can(user, Action.EDIT_RETURN, target),
        "can_review": policy.can(user, Action.REVIEW_RETURN) and return_obj is not None,
        # Filling in: the task list's links and actions (an analyst may edit too, but not a return waiting for review).
        "editing": policy.can(user, Action.EDIT_RETURN, target)
        and (return_obj is None or return_obj.is_editable_by_organisation),
        "can_comment": policy.can(user, Action.REVIEW_RETURN)
        and return_obj is not None
        and return_obj.state == ReturnState.SUBMITTED,
        "state": return_obj.state if return_obj else NOT_STARTED,
    }


# --- known collaborations ----------------------------------------------------------------------


def known_collaborations(organisation: Organisation):
    """The organisation's collaborations a return is pre-filled with (published or not, not merged away)."""
    return (
        Collaboration.objects.filter(partners__organisation=organisation, merged_into__isnull=True)
        .select_related("primary_theme")
        .prefetch_related(
            "partners__organisation", "benefits__accrues_to", "contacts", "outcomes", "evidence", "secondary_themes"
        )
        .distinct()
        .order_by("title")
    )


def item_values_from_collaboration(collaboration: Collaboration, organisation: Organisation) -> dict:
    """A known collaboration as return-item values, seen from `organisation`.

    Money, basis, price year, benefits, outcomes, evidence and contact come from the template's
    own row for it, so an online return starts from exactly what the spreadsheet would offer. (Its
    secondary themes are the item's many-to-many: the caller sets them once the item is saved.)
    """
    row = template.row_from_collaboration(collaboration, organisation)
    return {
        "title": collaboration.title,
        "description": collaboration.description,
        "lead_organisation": collaboration.lead,
        "theme": collaboration.primary_theme,
        "status": collaboration.status,
        "start_date": collaboration.start_date,
        "start_precision": collaboration.start_precision,
        "end_date": collaboration.end_date,
        "end_precision": collaboration.end_precision,
        "scope": collaboration.scope,
        "lessons": collaboration.lessons,
        "price_year": row.get("price_year"),
        **{
            column: Decimal(str(row[column])) if row.get(column) is not None else None
            for column in template.KIND_COLUMNS.values()
        },
        **{
            name: row.get(name, "")
            for name in ("savings_basis", "benefits", "outcomes", "evidence_url", "contact_name", "contact_email")
        },
        # Each figure's own basis and price year where the record's differ from the defaults above; its benefits
        # are this organisation's own (or shared), so every figure accrues to the reporter: no recipient.
        **{
            f"{figure}_{part}": row.get(f"{figure}_{part}") or default
            for figure in FIGURES
            for part, default in (("basis", ""), ("price_year", None))
        },
    }


# --- response tracking -------------------------------------------------------------------------

NOT_STARTED = "not_started"
PROGRESS_STATES = [
    NOT_STARTED,
    ReturnState.DRAFT,
    ReturnState.RETURNED,
    ReturnState.SUBMITTED,
    ReturnState.ACCEPTED,
]


@dataclass
class ProgressRow:
    organisation: Organisation
    state: str
    items: int
    submitted_at: datetime.datetime | None
    reminders_sent: int
    last_reminded_on: datetime.date | None
    has_editor: bool
    notified_at: datetime.datetime | None = None

    @property
    def answered(self) -> bool:
        return self.state in (ReturnState.SUBMITTED, ReturnState.ACCEPTED)

    @property
    def last_contact(self) -> datetime.date | None:
        """When its editors were last e-mailed: the request, or the latest reminder (None: never)."""
        notified = timezone.localdate(self.notified_at) if self.notified_at else None
        return max((d for d in (notified, self.last_reminded_on) if d), default=None)


@dataclass
class Breakdown:
    label: str
    total: int
    counts: dict

    @property
    def answered(self) -> int:
        return self.counts.get(ReturnState.SUBMITTED, 0) + self.counts.get(ReturnState.ACCEPTED, 0)

    @property
    def percent_answered(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class RoundProgress:
    round: Round
    rows: list[ProgressRow]
    by_type: list[Breakdown]
    by_region: list[Breakdown]
    overall: Breakdown
    days_to_deadline: int
    timeline: list[tuple[datetime.date, int]]
    today: datetime.date = datetime.date.min  # the day `to_remind` is decided for

    @property
    def without_editor(self) -> int:
        return sum(1 for r in self.rows if not r.has_editor)

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_to_deadline)

    @property
    def to_chase(self) -> list[ProgressRow]:
        """Those that have not answered, most overdue first. Every organisation has the round's deadline, so:
        not started, then drafts, then returns sent back for changes and not resubmitted; within each, the
        longest since its editors were last e-mailed first (never e-mailed before all), then by name."""
        order = {NOT_STARTED: 0, ReturnState.DRAFT: 1, ReturnState.RETURNED: 2}
        return sorted(
            (r for r in self.rows if not r.answered),
            key=lambda r: (order[r.state], r.last_contact or datetime.date.min, r.organisation.name),
        )

    @property
    def chase_by_email(self) -> list[ProgressRow]:
        """Those to chase that have an editor to e-mail."""
        return [r for r in self.to_chase if r.has_editor]

    @property
    def chase_no_editor(self) -> list[ProgressRow]:
        """Those to chase that no e-mail reaches: no active editor with an address."""
        return [r for r in self.to_chase if not r.has_editor]

    @property
    def to_remind(self) -> list[ProgressRow]:
        """Who sending reminders now would e-mail (as `round_remind` decides): an open round's organisations
        to chase that have an editor and were not reminded today."""
        if self.round.state != RoundState.OPEN:
            return []
        return [r for r in self.chase_by_email if r.last_reminded_on != self.today]

    def as_json(self) -> dict:
        def breakdown(b: Breakdown) -> dict:
            return {
                "label": b.label,
                "total": b.total,
                "counts": b.counts,
                "percent_answered": b.percent_answered,
            }

        return {
            "round": self.round.name,
            "days_to_deadline": self.days_to_deadline,
            "overall": breakdown(self.overall),
            "by_type": [breakdown(b) for b in self.by_type],
            "by_region": [breakdown(b) for b in self.by_region],
            "organisations": [
                {"id": r.organisation.slug, "name": r.organisation.name, "state": r.state, "items": r.items}
                for r in self.rows
            ],
        }


def round_progress(*, round_: Round, today: datetime.date | None = None) -> RoundProgress:
    """Who answered: each organisation's state, counts and percentages by type and region, the timeline."""
    requests = list(round_.requests.select_related("organisation"))
    returns = {r.organisation_id: r for r in Return.objects.filter(round=round_).annotate(n_items=Count("items"))}
    editors = emails.editor_emails([r.organisation_id for r in requests])
    rows = []
    for request in requests:
        ret = returns.get(request.organisation_id)
        rows.append(
            ProgressRow(
                organisation=request.organisation,
                state=ret.state if ret else NOT_STARTED,
                items=ret.n_items if ret else 0,
                submitted_at=ret.submitted_at if ret else None,
                reminders_sent=request.reminders_sent,
                last_reminded_on=request.last_reminded_on,
                has_editor=bool(editors.get(request.organisation_id)),
                notified_at=request.notified_at,
            )
        )

    def breakdowns(key) -> list[Breakdown]:
        groups: dict[str, Counter] = defaultdict(Counter)
        for row in rows:
            groups[key(row)][row.state] += 1
        return [Breakdown(label, sum(c.values()), dict(c)) for label, c in sorted(groups.items())]

    overall = Breakdown(_("All organisations"), len(rows), dict(Counter(r.state for r in rows)))
    submitted_days = sorted(timezone.localtime(r.submitted_at).date() for r in rows if r.answered and r.submitted_at)
    timeline, running = [], 0
    for day, count in sorted(Counter(submitted_days).items()):
        running += count
        timeline.append((day, running))
    return RoundProgress(
        round=round_,
        rows=rows,
        by_type=breakdowns(lambda r: str(OrganisationType(r.organisation.type).label)),
        by_region=breakdowns(lambda r: r.organisation.region or _("No region")),
        overall=overall,
        days_to_deadline=round_.days_to_deadline(today),
        timeline=timeline,
        today=today or timezone.localdate(),
    )


# --- opening a round ---------------------------------------------------------------------------


@dataclass
class RoundPreview:
    """What opening a round does, from the organisations `services.round_check` finds in scope: whom it asks,
    whom it e-mails (the addresses `emails.round_notify` writes to) and whom no e-mail reaches."""

    round: Round
    organisations: list[Organisation]
    addresses: dict[int, list[str]]

    @property
    def emailed(self) -> list[tuple[Organisation, int]]:
        """The organisations e-mailed, each with how many of its editors' addresses get the request."""
        return [(o, len(self.addresses[o.pk])) for o in self.organisations if self.addresses.get(o.pk)]

    @property
    def no_editor(self) -> list[Organisation]:
        return [o for o in self.organisations if not self.addresses.get(o.pk)]

    @property
    def address_count(self) -> int:
        return sum(n for _org, n in self.emailed)

    @property
    def by_type(self) -> list[tuple[str, list[Organisation]]]:
        """The organisations asked, grouped by type in the register's order of types."""
        groups: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in self.organisations:
            groups[organisation.type].append(organisation)
        return [(str(label), groups[code]) for code, label in OrganisationType.choices if groups.get(code)]

    @property
    def fingerprint(self) -> str:
        """Changes when whom the round asks or e-mails does, so a confirmation made on a stale page is asked again."""
        text = ";".join(f"{o.pk}:{len(self.addresses.get(o.pk, []))}" for o in self.organisations)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def round_preview(*, round_: Round, organisations: list[Organisation]) -> RoundPreview:
    """The check page's data for a round not yet opened (`round_`, unsaved, and its scope from `round_check`)."""
    return RoundPreview(
        round=round_, organisations=organisations, addresses=emails.editor_emails([o.pk for o in organisations])
    )
