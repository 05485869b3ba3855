"""Returns workflows: open, remind and close a round; start, submit, send back and accept a return;
build an organisation's spreadsheet. A return's items, written online, are `items.py`.

Importing a return file is `imports.py` (with its helpers it would take this module past 600 lines).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Collaboration, Publication, Theme
from bluelight.core.versions import version_bump, version_check
from bluelight.organisations.models import Organisation, OrganisationType
from bluelight.returns import emails, selectors, tasklist, template
from bluelight.returns.imports import item_version
from bluelight.returns.items import authored_by, items_reopen_commented, return_changes_since
from bluelight.returns.models import (
    ItemAction,
    ItemPartner,
    ItemProgress,
    Request,
    Return,
    ReturnItem,
    ReturnState,
    Round,
    RoundState,
)
from bluelight.returns.sheet import FIGURES

# Who is asked when a round names no types: "every ambulance trust, fire and rescue service and police force".
DEFAULT_TYPES = [
    OrganisationType.POLICE_FORCE,
    OrganisationType.FIRE_AND_RESCUE,
    OrganisationType.AMBULANCE_TRUST,
]


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


def round_check(
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
) -> tuple[Round, list[Organisation]]:
    """Everything that would stop a round opening, as field errors; returns the round, unsaved, and the
    organisations it would ask (`round_scope`), so the page that asks "open it?" shows what `round_open` does.

    A scope that asks nobody is refused with the other problems; alone, it is returned empty for the
    check page to say so (`round_open` refuses it).
    """
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
    if errors:
        if not scope and not unknown_types:
            errors.setdefault("scope", []).append(_no_scope_message())
        raise ValidationError(errors)
    return round_, scope


def _no_scope_message() -> str:
    return _("No organisation matches the types, countries and regions chosen: widen the choice.")


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
    """Create an open round with a request to every organisation `round_check` finds in scope, and e-mail their
    editors (those with none are asked all the same: the round's dashboard lists them)."""
    round_, scope = round_check(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        guidance=guidance,
        types=types,
        countries=countries,
        regions=regions,
        organisations=organisations,
        user=user,
    )
    if not scope:
        raise ValidationError({"scope": [_no_scope_message()]})
    round_.save()
    Request.objects.bulk_create([Request(round=round_, organisation=org) for org in scope])
    requests = list(round_.requests.select_related("organisation"))
    if notify:
        transaction.on_commit(lambda: emails.round_notify(round_=round_, requests=requests, reminder=False))
    return round_


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
        editors = emails.editor_emails([r.organisation_id for r in pending])
        to_remind = []
        for request in pending:
            name = request.organisation.name
            if request.last_reminded_on == today:
                summary.already_today.append(name)
            elif not editors.get(request.organisation_id):
                summary.no_editor.append(name)
            else:
                request.last_reminded_on = today
                request.reminders_sent += 1
                to_remind.append(request)
                summary.reminded.append(name)
        Request.objects.bulk_update(to_remind, ["last_reminded_on", "reminders_sent"])
    summary.messages = emails.round_notify(round_=round_, requests=to_remind, reminder=True) if to_remind else 0
    return summary


def round_close(*, round_: Round) -> Round:
    round_.state = RoundState.CLOSED
    round_.save(update_fields=["state"])
    return round_


# --- returns -----------------------------------------------------------------------------------


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
    for collaboration in selectors.known_collaborations(organisation):
        item = ReturnItem.objects.create(
            return_obj=return_obj,
            reference=f"C{collaboration.pk}",
            action=ItemAction.CONFIRM,
            progress=ItemProgress.NOT_STARTED,
            known_collaboration=collaboration,
            **selectors.item_values_from_collaboration(collaboration, organisation),
        )
        item.secondary_themes.set(collaboration.secondary_themes.all())
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
def return_submit(*, return_obj: Return, user=None, expected_version: int | None = None) -> Return:
    """Submit a draft (or returned) return; afterwards the organisation can only read it.

    With `expected_version` (the version the page showed) a return changed since, by anyone, is
    not submitted: StaleVersion says what changed (`return_changes_since`).
    """
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    if expected_version is not None:
        version_check(return_obj, expected_version, describe=return_changes_since)
    _require_state(
        return_obj,
        (ReturnState.DRAFT, ReturnState.RETURNED),
        _("This return has already been submitted."),
    )
    problems = [
        _("%(ref)s %(title)s: confirm it, update it or mark it ended, then say you have finished with it.")
        % {"ref": item.reference, "title": item.title}
        for item in tasklist.incomplete_items(return_obj)
    ]
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
    version_bump(return_obj)
    authored_by(return_obj, user).save()
    return return_obj


@transaction.atomic
def return_send_back(*, return_obj: Return, comment: str, user=None) -> Return:
    """An analyst returns a submitted return for changes, saying what to change: on the return, on its items, or both.

    The collaborations commented on go back to in progress, so the editor opens each again before resubmitting.
    """
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    if not comment.strip() and not return_obj.items.exclude(analyst_comment="").exists():
        raise ValidationError(
            {"comment": _("Say what the organisation should change, here or as a comment on a collaboration.")}
        )
    _require_state(return_obj, (ReturnState.SUBMITTED,), _("Only a submitted return can be sent back."))
    items_reopen_commented(return_obj, user)
    return_obj.state = ReturnState.RETURNED
    return_obj.analyst_comment = comment.strip()
    version_bump(return_obj)
    authored_by(return_obj, user).save()
    return return_obj


@transaction.atomic
def return_accept(*, return_obj: Return, user=None) -> Return:
    """An analyst accepts a submitted return; its items go on to consolidation."""
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    _require_state(return_obj, (ReturnState.SUBMITTED,), _("Only a submitted return can be accepted."))
    return_obj.state = ReturnState.ACCEPTED
    return_obj.accepted_at = timezone.now()
    return_obj.accepted_by = user
    version_bump(return_obj)
    authored_by(return_obj, user).save()
    return return_obj


# --- spreadsheet ---------------------------------------------------------------------------------


def template_build(*, round: Round, organisation: Organisation) -> bytes:
    """The organisation's spreadsheet for the round (.xlsx): its return as it stands, else its known collaborations.

    Once a return is started, the rows are its items now, with every change made on the web pages
    or by an earlier upload, keyed by their references: uploading the file unchanged changes
    nothing. Before that, the rows are the collaborations it is a partner in, published or not
    (merged and withdrawn records are left out); each row's reference is C<id>, so importing it
    back updates that row.
    """
    # Taken before anything is read: a change saved while the rows are read is then "after the
    # download" and protected, never missed.
    now = timezone.now()
    return_obj = Return.objects.filter(round=round, organisation=organisation).first()
    if return_obj is not None:
        items = return_obj.items.select_related(
            "theme", "lead_organisation", *(f"{figure}_recipient" for figure in FIGURES)
        ).prefetch_related(
            Prefetch("partners", queryset=ItemPartner.objects.select_related("organisation").order_by("pk")),
            "secondary_themes",
        )
        items = list(items.order_by("row_number", "pk"))
        rows = [template.row_from_item(item, organisation) for item in items]
        versions = {item.reference: item_version(item) for item in items}
        about = (
            f"The Return sheet holds this return as it stood on {timezone.localtime(now):%d %B %Y at %H:%M}. "
            "Change it and upload it again: rows with the same reference update those items, and items whose "
            "rows you delete are kept (remove them on the return's web page). If someone changes an item on the "
            "website after this download, rows you leave as they are keep that change, and a row you change for "
            "the same item is refused rather than undo it: then download the return again."
        )
    else:
        collaborations = (
            Collaboration.objects.filter(partners__organisation=organisation, merged_into__isnull=True)
            .exclude(publication=Publication.WITHDRAWN)
            .distinct()
            .order_by("pk")
            .select_related("primary_theme")
            .prefetch_related("partners__organisation", "benefits", "outcomes", "contacts", "evidence")
        )
        rows = [template.row_from_collaboration(c, organisation) for c in collaborations]
        about = ""
        versions = {}
    themes = list(Theme.objects.select_related("parent"))
    organisations = list(
        Organisation.objects.valid_on(round.reference_date).prefetch_related("aliases").order_by("name")
    )
    return template.workbook_build(
        rows=rows,
        themes=themes,
        organisations=organisations,
        round=round,
        organisation=organisation,
        about=about,
        downloaded_at=now,
        versions=versions,
    )
