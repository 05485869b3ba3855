"""Round and return lifecycle: open a round, notify and remind organisations, start, submit,
send back and accept returns; and the response-tracking figures for the round dashboard.

(Reading and writing spreadsheets lives in sheet.py and services.py.)
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Collaboration
from bluelight.organisations.models import Organisation, OrganisationType
from bluelight.returns import template
from bluelight.returns.models import (
    ItemAction,
    ItemPartner,
    Request,
    Return,
    ReturnItem,
    ReturnState,
    Round,
    RoundState,
)

# Who is asked when a round names no types: "every ambulance trust, fire and rescue service and police force".
DEFAULT_TYPES = [
    OrganisationType.POLICE_FORCE,
    OrganisationType.FIRE_AND_RESCUE,
    OrganisationType.AMBULANCE_TRUST,
]


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def round_scope(*, on: datetime.date, types=(), countries=(), regions=(), organisations=()) -> list[Organisation]:
    """The organisations a round asks: those existing on `on`, of the types, countries and regions
    chosen (all of them when none is chosen; the three services when no type is chosen), plus any
    organisations chosen one by one."""
    chosen = Organisation.objects.valid_on(on).filter(type__in=list(types) or DEFAULT_TYPES)
    if countries:
        chosen = chosen.filter(country__in=countries)
    if regions:
        chosen = chosen.filter(region__in=regions)
    found = {o.pk: o for o in chosen}
    for org in organisations:
        found.setdefault(org.pk, org)
    return sorted(found.values(), key=lambda o: o.name)


def _describe_scope(types, countries, regions, organisations) -> str:
    parts = [", ".join(str(OrganisationType(t).label).lower() + "s" for t in (types or DEFAULT_TYPES))]
    if countries:
        parts.append(_("in %(where)s") % {"where": ", ".join(countries)})
    if regions:
        parts.append(_("in %(where)s") % {"where": ", ".join(regions)})
    text = " ".join(parts)
    if organisations:
        text += _(" plus %(n)d chosen one by one") % {"n": len(organisations)}
    return text[:300]


@transaction.atomic
def round_open(
    *,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    guidance: str = "",
    types=(),
    countries=(),
    regions=(),
    organisations=(),
    user=None,
    notify: bool = True,
) -> Round:
    """Create an open round with a request to every organisation in scope, and e-mail their editors."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    unknown_types = [t for t in types if t not in OrganisationType.values]
    if unknown_types:
        errors["types"] = [
            _("Unknown organisation type %(t)s: choose from %(all)s.")
            % {"t": ", ".join(unknown_types), "all": ", ".join(OrganisationType.values)}
        ]
    round_ = Round(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        guidance=guidance,
        state=RoundState.OPEN,
        created_by=user,
        scope_description=_describe_scope(types, countries, regions, organisations),
    )
    try:
        round_.full_clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault("closes_on" if key == "__all__" else key, []).extend(messages)
    scope = (
        []
        if unknown_types
        else round_scope(on=opens_on, types=types, countries=countries, regions=regions, organisations=organisations)
    )
    if not scope and not unknown_types:
        errors.setdefault("scope", []).append(
            _("No organisation matches the types, countries and regions chosen: widen the choice.")
        )
    if errors:
        raise ValidationError(errors)
    round_.save()
    Request.objects.bulk_create([Request(round=round_, organisation=org) for org in scope])
    requests = list(round_.requests.select_related("organisation"))
    if notify:
        transaction.on_commit(lambda: _notify(round_, requests, reminder=False))
    return round_


def _editor_emails(organisation_ids) -> dict[int, list[str]]:
    from bluelight.accounts.models import Role, User

    emails: dict[int, list[str]] = defaultdict(list)
    rows = (
        User.objects.filter(is_active=True, role=Role.EDITOR, organisations__in=organisation_ids)
        .exclude(email="")
        .values_list("organisations", "email")
    )
    for org_id, email in rows:
        emails[org_id].append(email)
    return emails


def _notify(round_: Round, requests: list[Request], *, reminder: bool) -> int:
    """E-mail every editor of the requested organisations; returns how many messages were sent."""
    emails = _editor_emails([r.organisation_id for r in requests])
    messages = []
    for request in requests:
        to = emails.get(request.organisation_id)
        if not to:
            continue
        link = _site_url(reverse("returns:return_overview", args=[round_.pk, request.organisation.slug]))
        context = {
            "round": round_.name,
            "org": request.organisation.name,
            "closes": round_.closes_on.strftime("%-d %B %Y"),
            "link": link,
        }
        if reminder:
            subject = _("Reminder: %(round)s closes on %(closes)s") % context
            body = (
                _(
                    "%(org)s has not yet submitted its return to %(round)s.\n\n"
                    "Please submit it by %(closes)s: %(link)s\n\n"
                    "Planned collaborations count too: the working group asks for future plans."
                )
                % context
            )
        else:
            subject = _("%(round)s: please tell us about your collaborations by %(closes)s") % context
            body = (
                _(
                    "The Emergency Services Collaboration Working Group asks %(org)s for its collaborations "
                    "and future plans.\n\nFill in the return online, or download the spreadsheet template, "
                    "at %(link)s\n\nThe round closes on %(closes)s."
                )
                % context
            )
            if round_.guidance:
                body += "\n\n" + round_.guidance
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, to))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    if not reminder:
        Request.objects.filter(pk__in=[r.pk for r in requests if r.organisation_id in emails]).update(
            notified_at=timezone.now()
        )
    return sent


@dataclass
class RemindSummary:
    reminded: list[str] = field(default_factory=list)
    already_today: list[str] = field(default_factory=list)
    no_editor: list[str] = field(default_factory=list)
    messages: int = 0

    def as_json(self) -> dict:
        return self.__dict__


def round_remind(*, round_: Round, today: datetime.date | None = None) -> RemindSummary:
    """Remind organisations that have not submitted; never the same organisation twice in a day.

    Safe from cron: the requests are locked while the day's reminders are claimed, so two runs at
    once cannot both send.
    """
    today = today or timezone.localdate()
    summary = RemindSummary()
    if round_.state != RoundState.OPEN:
        return summary
    done_states = (ReturnState.SUBMITTED, ReturnState.ACCEPTED)
    answered = set(Return.objects.filter(round=round_, state__in=done_states).values_list("organisation_id", flat=True))
    with transaction.atomic():
        pending = list(
            Request.objects.select_for_update()
            .filter(round=round_)
            .exclude(organisation_id__in=answered)
            .select_related("organisation")
        )
        emails = _editor_emails([r.organisation_id for r in pending])
        to_remind = []
        for request in pending:
            name = request.organisation.name
            if request.last_reminded_on == today:
                summary.already_today.append(name)
            elif not emails.get(request.organisation_id):
                summary.no_editor.append(name)
            else:
                request.last_reminded_on = today
                request.reminders_sent += 1
                to_remind.append(request)
                summary.reminded.append(name)
        Request.objects.bulk_update(to_remind, ["last_reminded_on", "reminders_sent"])
    summary.messages = _notify(round_, to_remind, reminder=True) if to_remind else 0
    return summary


def round_close(*, round_: Round) -> Round:
    round_.state = RoundState.CLOSED
    round_.save(update_fields=["state"])
    return round_


# --- returns -----------------------------------------------------------------------------------


def known_collaborations(organisation: Organisation):
    """The organisation's collaborations a return is pre-filled with (published or not, not merged away)."""
    return (
        Collaboration.objects.filter(partners__organisation=organisation, merged_into__isnull=True)
        .select_related("primary_theme")
        .prefetch_related("partners__organisation", "benefits__accrues_to", "contacts", "outcomes", "evidence")
        .distinct()
        .order_by("title")
    )


def item_values_from_collaboration(collaboration: Collaboration, organisation: Organisation) -> dict:
    """A known collaboration as return-item values, seen from `organisation`.

    Money, basis, price year, benefits, outcomes, evidence and contact come from the template's
    own row for it, so an online return starts from exactly what the spreadsheet would offer.
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
    }


@transaction.atomic
def return_start(*, round_: Round, organisation: Organisation, user=None) -> Return:
    """Get the organisation's return for the round, creating it pre-filled with its known collaborations."""
    if not Request.objects.filter(round=round_, organisation=organisation).exists():
        raise ValidationError(_("%(org)s was not asked in %(round)s.") % {"org": organisation, "round": round_})
    existing = Return.objects.filter(round=round_, organisation=organisation).first()
    if existing is not None:
        return existing
    if round_.state != RoundState.OPEN:
        raise ValidationError(_("%(round)s is closed: returns can no longer be started.") % {"round": round_})
    return_obj = Return.objects.create(round=round_, organisation=organisation)
    for collaboration in known_collaborations(organisation):
        item = ReturnItem.objects.create(
            return_obj=return_obj,
            reference=f"C{collaboration.pk}",
            action=ItemAction.CONFIRM,
            known_collaboration=collaboration,
            **item_values_from_collaboration(collaboration, organisation),
        )
        ItemPartner.objects.bulk_create(
            [
                ItemPartner(item=item, organisation=p.organisation, typed_as=p.organisation.name)
                for p in collaboration.partners.all()
            ]
        )
    return return_obj


def _require_state(return_obj: Return, allowed, message: str) -> None:
    if return_obj.state not in allowed:
        raise ValidationError(message)


@transaction.atomic
def return_submit(*, return_obj: Return, user=None) -> Return:
    """Submit a draft (or returned) return; afterwards the organisation can only read it."""
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    _require_state(
        return_obj,
        (ReturnState.DRAFT, ReturnState.RETURNED),
        _("This return has already been submitted."),
    )
    problems = []
    for item in return_obj.items.prefetch_related("partners"):
        if len(item.partners.all()) < 2:
            problems.append(
                _("%(ref)s %(title)s: add at least one partner besides your organisation.")
                % {"ref": item.reference, "title": item.title}
            )
    if problems:
        raise ValidationError(problems)
    return_obj.state = ReturnState.SUBMITTED
    return_obj.submitted_at = timezone.now()
    return_obj.submitted_by = user
    return_obj.save()
    return return_obj


@transaction.atomic
def return_send_back(*, return_obj: Return, comment: str, user=None) -> Return:
    """An analyst returns a submitted return for changes, saying what to change."""
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the organisation should change.")})
    _require_state(return_obj, (ReturnState.SUBMITTED,), _("Only a submitted return can be sent back."))
    return_obj.state = ReturnState.RETURNED
    return_obj.analyst_comment = comment.strip()
    return_obj.save()
    return return_obj


@transaction.atomic
def return_accept(*, return_obj: Return, user=None) -> Return:
    """An analyst accepts a submitted return; its items go on to consolidation."""
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    _require_state(return_obj, (ReturnState.SUBMITTED,), _("Only a submitted return can be accepted."))
    return_obj.state = ReturnState.ACCEPTED
    return_obj.accepted_at = timezone.now()
    return_obj.accepted_by = user
    return_obj.save()
    return return_obj


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

    @property
    def answered(self) -> bool:
        return self.state in (ReturnState.SUBMITTED, ReturnState.ACCEPTED)


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

    @property
    def without_editor(self) -> int:
        return sum(1 for r in self.rows if not r.has_editor)

    @property
    def to_chase(self) -> list[ProgressRow]:
        order = {NOT_STARTED: 0, ReturnState.RETURNED: 1, ReturnState.DRAFT: 2}
        return sorted((r for r in self.rows if not r.answered), key=lambda r: (order[r.state], r.organisation.name))

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
    editors = _editor_emails([r.organisation_id for r in requests])
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
    )
