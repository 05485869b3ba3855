"""The duty to collaborate record (Policing and Crime Act 2017, Part 1): its named rules, the services that write
it and the selectors that read it, for one organisation's record, its exports and the analysts' national picture.

Every English emergency service must keep under consideration whether collaborating would be in the interests of
efficiency or effectiveness, notify the other services when it thinks so, consider proposals jointly, and go ahead
where all agree and public safety would not be harmed. The rules below are those tests as a record must show them;
each rule's docstring is the message a user sees.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bluelight.core.rules import RuleBook
from bluelight.insights.models import (
    DutyDecision,
    DutyDocument,
    DutyNotification,
    DutyOpportunity,
    DutySource,
    StatutoryAnswer,
)
from bluelight.organisations.models import REGIONS, SERVICE_OF_TYPE, Country, Organisation, Service

YES, NO = StatutoryAnswer.YES.value, StatutoryAnswer.NO.value
UNDECIDED = DutyDecision.UNDER_CONSIDERATION.value

# The fields a service copies from the data onto the row, in the form's order.
OPPORTUNITY_FIELDS = (
    "title",
    "proposal",
    "theme",
    "source",
    "identified_on",
    "considered_jointly_on",
    "joint_consideration",
    "decision",
    "decided_on",
    "efficiency",
    "effectiveness",
    "public_safety_harm",
    "reasons",
    "collaboration",
)


@dataclass
class DutyNotificationData:
    organisation: Organisation
    notified_on: datetime.date
    response: str = ""


@dataclass
class DutyOpportunityData:
    """Everything an opportunity holds before it is written, with every partner notified (stored and new)."""

    title: str
    identified_on: datetime.date
    proposal: str = ""
    theme: object | None = None
    source: str = DutySource.OWN
    considered_jointly_on: datetime.date | None = None
    joint_consideration: str = ""
    decision: str = UNDECIDED
    decided_on: datetime.date | None = None
    efficiency: str = ""
    effectiveness: str = ""
    public_safety_harm: str = ""
    reasons: str = ""
    collaboration: object | None = None
    notifications: list[DutyNotificationData] = field(default_factory=list)


DUTY_RULES = RuleBook()  # each check reads (organisation, data)
rule = DUTY_RULES.rule


def _decided(data: DutyOpportunityData) -> bool:
    return data.decision != UNDECIDED


@rule("DUTY001", "title")
def has_title(organisation, data) -> bool:
    """Enter a title that says what the opportunity is."""
    return bool(data.title and data.title.strip())


@rule("DUTY002", "decided_on")
def decision_has_date(organisation, data) -> bool:
    """A decision needs the date it was made: enter the date decided."""
    return not _decided(data) or data.decided_on is not None


@rule("DUTY003", "reasons")
def decision_has_reasons(organisation, data) -> bool:
    """A decision needs its reasons: say why, against the statutory tests."""
    return not _decided(data) or bool(data.reasons.strip())


@rule("DUTY004", "decided_on")
def undecided_has_no_decision_date(organisation, data) -> bool:
    """An opportunity still under consideration has no date decided: clear the date, or record the decision."""
    return _decided(data) or data.decided_on is None


@rule("DUTY005", "efficiency")
def going_ahead_serves_efficiency_or_effectiveness(organisation, data) -> bool:
    """To go ahead, the collaboration must be in the interests of efficiency or effectiveness: answer yes to at
    least one of them, or record a different decision."""
    return data.decision != DutyDecision.PROCEED or YES in (data.efficiency, data.effectiveness)


@rule("DUTY006", "public_safety_harm")
def going_ahead_does_not_harm_public_safety(organisation, data) -> bool:
    """To go ahead, the collaboration must not have an adverse effect on public safety: answer no to the public
    safety question, or record a different decision."""
    return data.decision != DutyDecision.PROCEED or data.public_safety_harm == NO


@rule("DUTY007", "decision")
def decision_follows_notification(organisation, data) -> bool:
    """Before recording a decision, notify at least one partner: add the partners you told about it."""
    return not _decided(data) or bool(data.notifications)


@rule("DUTY008", "considered_jointly_on")
def decision_follows_joint_consideration(organisation, data) -> bool:
    """A decision follows a joint consideration with the partners: enter the date it was considered jointly."""
    return not _decided(data) or data.considered_jointly_on is not None


@rule("DUTY009", "collaboration")
def collaboration_only_when_going_ahead(organisation, data) -> bool:
    """Link a resulting collaboration only to an opportunity that is going ahead."""
    return data.collaboration is None or data.decision == DutyDecision.PROCEED


@rule("DUTY010", "collaboration")
def collaboration_includes_organisation(organisation, data) -> bool:
    """The resulting collaboration must be one this organisation is a partner in."""
    if data.collaboration is None:
        return True
    return data.collaboration.partners.filter(organisation=organisation).exists()


@rule("DUTY011", "considered_jointly_on")
def considered_after_identified(organisation, data) -> bool:
    """The joint consideration must be on or after the date the opportunity was identified."""
    return data.considered_jointly_on is None or data.identified_on is None or (
        data.considered_jointly_on >= data.identified_on
    )


@rule("DUTY012", "decided_on")
def decided_after_consideration(organisation, data) -> bool:
    """The decision must be on or after the date identified and the joint consideration."""
    earliest = [d for d in (data.identified_on, data.considered_jointly_on) if d is not None]
    return data.decided_on is None or all(data.decided_on >= d for d in earliest)


@rule("DUTY013", "notifications")
def partner_is_another_organisation(organisation, data) -> bool:
    """A partner notified must be another organisation, not the one keeping the record."""
    return all(n.organisation.pk != organisation.pk for n in data.notifications)


@rule("DUTY014", "notifications")
def partner_notified_once(organisation, data) -> bool:
    """Each partner is recorded as notified once: change the existing notification instead."""
    keys = [n.organisation.pk for n in data.notifications]
    return len(keys) == len(set(keys))


@rule("DUTY015", "notifications")
def notified_after_identified(organisation, data) -> bool:
    """A partner can only be notified on or after the date the opportunity was identified."""
    return data.identified_on is None or all(n.notified_on >= data.identified_on for n in data.notifications)


def duty_check(*, organisation: Organisation, data: DutyOpportunityData) -> None:
    """Run every rule; raise one ValidationError listing all that fail, keyed by field."""
    DUTY_RULES.check(organisation, data)


# Services -----------------------------------------------------------------------------------


def duty_data_from(opportunity: DutyOpportunity) -> DutyOpportunityData:
    """The stored opportunity as data, with its partners notified, for a change to start from."""
    data = DutyOpportunityData(
        **{name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS},
        notifications=[
            DutyNotificationData(n.organisation, n.notified_on, n.response)
            for n in opportunity.notifications.select_related("organisation")
        ],
    )
    return data


def _by(instance, user):
    if user is not None:
        instance._history_user = user  # simple_history names the author of the change
    return instance


def _opportunity_save(opportunity: DutyOpportunity, data: DutyOpportunityData, user) -> DutyOpportunity:
    for name in OPPORTUNITY_FIELDS:
        setattr(opportunity, name, getattr(data, name))
    opportunity.full_clean()
    _by(opportunity, user).save()
    return opportunity


def _clean_notification(notification: DutyNotification) -> None:
    # The rules have already checked the partner and the date; the unique constraint is the rules' DUTY014.
    notification.full_clean(exclude=["opportunity"], validate_constraints=False)


@transaction.atomic
def duty_opportunity_create(
    *, organisation: Organisation, data: DutyOpportunityData, user=None
) -> DutyOpportunity:
    """Record an opportunity the organisation considered, with any partners already notified, after every rule."""
    duty_check(organisation=organisation, data=data)
    opportunity = DutyOpportunity(organisation=organisation, created_by=user)
    notifications = [
        DutyNotification(organisation=n.organisation, notified_on=n.notified_on, response=n.response)
        for n in data.notifications
    ]
    for notification in notifications:
        _clean_notification(notification)
    _opportunity_save(opportunity, data, user)
    for notification in notifications:
        notification.opportunity = opportunity
        _by(notification, user).save()
    return opportunity


@transaction.atomic
def duty_opportunity_update(*, opportunity: DutyOpportunity, data: DutyOpportunityData, user=None) -> DutyOpportunity:
    """Change an opportunity (its consideration, decision and reasons); the partners notified are counted as stored.

    The row is locked while the rules read its notifications, so a notification added at the same moment
    cannot be missed by DUTY007.
    """
    opportunity = DutyOpportunity.objects.select_for_update().get(pk=opportunity.pk)
    data.notifications = duty_data_from(opportunity).notifications
    duty_check(organisation=opportunity.organisation, data=data)
    return _opportunity_save(opportunity, data, user)


@transaction.atomic
def duty_notification_add(
    *, opportunity: DutyOpportunity, notification: DutyNotificationData, user=None
) -> DutyNotification:
    """Record a partner notified of the opportunity, when, and what it answered."""
    opportunity = DutyOpportunity.objects.select_for_update().get(pk=opportunity.pk)
    data = duty_data_from(opportunity)
    data.notifications.append(notification)
    duty_check(organisation=opportunity.organisation, data=data)
    row = DutyNotification(
        opportunity=opportunity,
        organisation=notification.organisation,
        notified_on=notification.notified_on,
        response=notification.response,
    )
    _clean_notification(row)
    _by(row, user).save()
    return row


@transaction.atomic
def duty_document_add(
    *, opportunity: DutyOpportunity, title: str, url: str = "", document=None, user=None
) -> DutyDocument:
    """Attach a paper behind the record: a link, or an uploaded PDF (checked to be one)."""
    row = DutyDocument(opportunity=opportunity, title=title, url=url or "")
    if document is not None:
        row.document = document
    row.full_clean()
    _by(row, user).save()
    return row


# Selectors ----------------------------------------------------------------------------------


def duty_opportunities(organisations=None):
    """Opportunities with what a list or document shows of them, read in a fixed number of queries."""
    queryset = DutyOpportunity.objects.select_related("organisation", "theme", "collaboration").prefetch_related(
        Prefetch("notifications", queryset=DutyNotification.objects.select_related("organisation")), "documents"
    )
    if organisations is not None:
        queryset = queryset.filter(organisation__in=organisations)
    return queryset


def duty_visible(user):
    """The opportunities `user` may read: all for analysts and administrators, their organisations' for editors."""
    from bluelight.accounts import policy

    if user is None or not user.is_authenticated:
        return DutyOpportunity.objects.none()
    if user.is_admin or user.is_analyst:
        return DutyOpportunity.objects.all()
    return DutyOpportunity.objects.filter(organisation__in=policy.editor_organisation_ids(user))


@dataclass
class DutyCounts:
    considered: int = 0
    proceeded: int = 0
    declined: int = 0
    under_consideration: int = 0

    def add(self, decision: str) -> None:
        self.considered += 1
        if decision == DutyDecision.PROCEED:
            self.proceeded += 1
        elif decision == DutyDecision.DECLINE:
            self.declined += 1
        else:
            self.under_consideration += 1


@dataclass
class DutyRecord:
    """One organisation's record as its page, its exports and its dated document show it."""

    organisation: Organisation
    as_at: datetime.date
    opportunities: list[DutyOpportunity]
    counts: DutyCounts

    @property
    def is_voluntary(self) -> bool:
        return duty_is_voluntary(self.organisation)


def duty_is_voluntary(organisation: Organisation) -> bool:
    """The duty does not extend to Wales: a Welsh service's record is kept voluntarily."""
    return organisation.country == Country.WALES


def duty_record_data(*, organisation: Organisation, today: datetime.date | None = None) -> DutyRecord:
    opportunities = list(duty_opportunities([organisation]))
    counts = DutyCounts()
    for opportunity in opportunities:
        counts.add(opportunity.decision)
    return DutyRecord(organisation, today or timezone.localdate(), opportunities, counts)


# Why declined opportunities were declined, by which statutory test failed. Exclusive groups, so they add up
# to the number declined.
DECLINE_GROUNDS = {
    "efficiency_and_effectiveness": _("Not in the interests of efficiency or effectiveness"),
    "public_safety": _("Would have an adverse effect on public safety"),
    "both": _("Both: not in the interests of efficiency or effectiveness, and harmful to public safety"),
    "neither": _("Neither test failed, or not assessed (for example, the partners did not all agree)"),
}


def decline_ground(*, efficiency: str, effectiveness: str, public_safety_harm: str) -> str:
    """Which statutory test a declined opportunity failed: "efficiency or effectiveness" fails only when both
    were answered no (the Act asks for either), public safety when harm was answered yes."""
    no_benefit = efficiency == NO and effectiveness == NO
    harm = public_safety_harm == YES
    if no_benefit and harm:
        return "both"
    if no_benefit:
        return "efficiency_and_effectiveness"
    if harm:
        return "public_safety"
    return "neither"


def decline_ground_label(opportunity: DutyOpportunity) -> str:
    """For a declined opportunity, the statutory test it failed, in words; empty for any other decision."""
    if opportunity.decision != DutyDecision.DECLINE:
        return ""
    return str(DECLINE_GROUNDS[decline_ground(
        efficiency=opportunity.efficiency, effectiveness=opportunity.effectiveness,
        public_safety_harm=opportunity.public_safety_harm,
    )])


@dataclass
class DutyGroupRow:
    key: str
    label: str
    counts: DutyCounts


@dataclass
class DutyNational:
    """The analysts' picture: every record's opportunities, counted by decision, service, region and ground."""

    total: DutyCounts
    organisations: int
    by_service: list[DutyGroupRow]
    by_region: list[DutyGroupRow]
    decline_grounds: list[tuple[str, str, int]]
    voluntary: int  # opportunities recorded by Welsh services, where the duty does not apply


def duty_national_data() -> DutyNational:
    rows = DutyOpportunity.objects.values_list(
        "decision", "efficiency", "effectiveness", "public_safety_harm",
        "organisation_id", "organisation__type", "organisation__region", "organisation__country",
    )
    total = DutyCounts()
    services = {s.value: DutyCounts() for s in Service}
    regions: dict[str, DutyCounts] = {}
    grounds: Counter = Counter()
    organisations, voluntary = set(), 0
    for decision, efficiency, effectiveness, harm, org_id, org_type, region, country in rows:
        total.add(decision)
        organisations.add(org_id)
        services[SERVICE_OF_TYPE.get(org_type, Service.WIDER).value].add(decision)
        regions.setdefault(region or "", DutyCounts()).add(decision)
        voluntary += country == Country.WALES
        if decision == DutyDecision.DECLINE:
            grounds[decline_ground(efficiency=efficiency, effectiveness=effectiveness, public_safety_harm=harm)] += 1
    return DutyNational(
        total=total,
        organisations=len(organisations),
        by_service=[DutyGroupRow(s.value, s.label, services[s.value]) for s in Service if services[s.value].considered],
        by_region=[
            DutyGroupRow(key, key or _("Region not recorded"), regions[key])
            for key in sorted(regions, key=_region_order)
        ],
        decline_grounds=[(key, label, grounds[key]) for key, label in DECLINE_GROUNDS.items()],
        voluntary=voluntary,
    )


def _region_order(region: str):
    return (REGIONS.index(region) if region in REGIONS else len(REGIONS), region)


# Rows for the exports (CSV and JSON), one an opportunity ------------------------------------

DUTY_COLUMNS = [
    "id",
    "title",
    "proposal",
    "theme",
    "theme_label",
    "source",
    "source_label",
    "identified_on",
    "partners_notified",
    "considered_jointly_on",
    "joint_consideration",
    "decision",
    "decision_label",
    "decided_on",
    "efficiency",
    "effectiveness",
    "public_safety_harm",
    "reasons",
    "documents",
    "collaboration",
    "collaboration_title",
    "url",
]


def duty_row(opportunity: DutyOpportunity, *, absolute: Callable[[str], str] = str) -> dict:
    """One opportunity as plain values: codes with their labels; partners and documents nested for JSON."""
    collaboration = opportunity.collaboration
    return {
        "id": opportunity.pk,
        "title": opportunity.title,
        "proposal": opportunity.proposal,
        "theme": opportunity.theme.code if opportunity.theme else "",
        "theme_label": opportunity.theme.name if opportunity.theme else "",
        "source": opportunity.source,
        "source_label": str(opportunity.get_source_display()),
        "identified_on": opportunity.identified_on.isoformat(),
        "partners_notified": [
            {
                "organisation": n.organisation.slug,
                "name": n.organisation.name,
                "notified_on": n.notified_on.isoformat(),
                "response": n.response,
            }
            for n in opportunity.notifications.all()
        ],
        "considered_jointly_on": opportunity.considered_jointly_on.isoformat()
        if opportunity.considered_jointly_on else None,
        "joint_consideration": opportunity.joint_consideration,
        "decision": opportunity.decision,
        "decision_label": str(opportunity.get_decision_display()),
        "decided_on": opportunity.decided_on.isoformat() if opportunity.decided_on else None,
        "efficiency": opportunity.efficiency,
        "effectiveness": opportunity.effectiveness,
        "public_safety_harm": opportunity.public_safety_harm,
        "reasons": opportunity.reasons,
        "documents": [
            {"title": d.title, "url": d.url or absolute(duty_document_path(d))} for d in opportunity.documents.all()
        ],
        "collaboration": collaboration.pk if collaboration else None,
        "collaboration_title": collaboration.title if collaboration else "",
        "url": absolute(opportunity.get_absolute_url()),
    }


def duty_csv_row(row: dict) -> dict:
    """A JSON row flattened for a spreadsheet: several partners or documents joined with "; "."""
    return {
        **row,
        "partners_notified": "; ".join(f"{n['name']} ({n['notified_on']})" for n in row["partners_notified"]),
        "documents": "; ".join(f"{d['title']} <{d['url']}>" for d in row["documents"]),
    }


def duty_document_path(document: DutyDocument) -> str:
    from django.urls import reverse

    return reverse("insights:duty_document", args=[document.opportunity.organisation.slug, document.pk])
