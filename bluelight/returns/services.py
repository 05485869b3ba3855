"""Returns workflows: open, remind and close a round; start, submit, send back and accept a return;
check, save and remove its items online; build an organisation's spreadsheet.

Importing a return file is `imports.py` (with its helpers it would take this module past 600 lines).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Collaboration, Publication, Theme
from bluelight.core.versions import StaleVersion, version_bump, version_check
from bluelight.organisations.models import Organisation, OrganisationType
from bluelight.returns import emails, selectors, tasklist, template
from bluelight.returns.imports import item_version
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
from bluelight.returns.rows import ItemData, ReturnRow, SheetContext
from bluelight.returns.sheet import FIGURE_COLUMNS, FIGURES, RowError

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
    _by(return_obj, user).save()
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
    tasklist.items_reopen_commented(return_obj, user)
    return_obj.state = ReturnState.RETURNED
    return_obj.analyst_comment = comment.strip()
    version_bump(return_obj)
    _by(return_obj, user).save()
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
    _by(return_obj, user).save()
    return return_obj


# --- items, online ------------------------------------------------------------------------------


def _next_reference(return_obj: Return) -> str:
    """W1, W2, ...: references for items added on the web, distinct from the organisation's own."""
    taken = set(return_obj.items.values_list("reference", flat=True))
    n = 1
    while f"W{n}" in taken:
        n += 1
    return f"W{n}"


def return_item_check(
    *, return_obj: Return, item: ReturnItem | None, cells: dict[str, str]
) -> tuple[ItemData | None, list[RowError]]:
    """Clean a form's values exactly as a spreadsheet row would be: (data, []) or (None, errors)."""
    cells = {**cells, "reference": item.reference if item else _next_reference(return_obj)}
    context = SheetContext(organisation=return_obj.organisation, day=return_obj.round.reference_date)
    row = ReturnRow(0, cells, context)
    data = row.run()
    return data, row.errors


def _by(instance, user):
    """Name `user` as the author in the history row the next save or delete of `instance` writes."""
    if user is not None:
        instance._history_user = user
    return instance


def _return_locked(return_obj: Return) -> Return:
    """The return, locked until the transaction ends; locked before its items, as imports do (no deadlock)."""
    return Return.objects.select_for_update().get(pk=return_obj.pk)


def _return_bump(return_obj: Return, user=None) -> None:
    """Move a locked return to its next version: one of its items is being added, changed or removed.

    Called before the items are written (the history shows the return's new version first), and
    only when something really is written.
    """
    version_bump(return_obj)
    _by(return_obj, user).save(update_fields=["version"])


def _item_content(item: ReturnItem, partners, themes) -> dict:
    """What an item holds, to tell a real change from a save of the same values (`raw` is only how it was typed).

    `partners` are (organisation id, as typed) pairs: the reporting organisation is a partner however it was
    typed, or not typed at all; `themes` the secondary themes' ids.
    """
    names = [name for name in ItemData.ITEM_FIELDS if name not in ("row_number", "raw")]
    values = {name: getattr(item, ReturnItem._meta.get_field(name).attname) for name in names}
    values["action"] = item.action
    values["progress"] = item.progress
    reporter = item.return_obj.organisation_id
    values["partners"] = sorted((org, "" if org == reporter else typed) for org, typed in partners)
    values["secondary_themes"] = sorted(themes)
    return values


def _display(item: ReturnItem, name: str) -> str:
    if name == "start_date":
        return item.start_display
    if name == "end_date":
        return item.end_display
    if name in _AS_TYPED:
        return (item.raw or {}).get(name, "")
    model_field = ReturnItem._meta.get_field(name)
    if model_field.choices:
        return str(getattr(item, f"get_{name}_display")())
    value = getattr(item, name)
    return "" if value is None else str(value)


_DESCRIBED = (
    "title", "description", "partners", "lead_organisation", "theme", "secondary_themes", "status", "start_date",
    "end_date", "scope", "one_off_cost_gbp", "one_off_savings_gbp", "annual_savings_gbp", "external_funding_gbp",
    "savings_basis", "price_year", *FIGURE_COLUMNS, "benefits", "outcomes", "lessons", "evidence_url",
    "contact_name", "contact_email", "action", "progress",
)  # fmt: skip
# Kept in the item's history only as typed (its `raw` cells): partners and the secondary themes.
_AS_TYPED = ("partners", "secondary_themes")


def _label(name: str) -> str:
    return capfirst(_("partners") if name == "partners" else str(ReturnItem._meta.get_field(name).verbose_name))


def _short(value: str) -> str:
    return Truncator(value or "—").chars(80)


def return_item_changes_since(item: ReturnItem, since: int) -> tuple:
    """(when, who, changes) for the saves of `item` after version `since`, from its history.

    Changes read "title: Old → New", comparing the item as it was at `since` with the latest save;
    partners are compared as typed (the item's original cells), where the history holds them.
    """
    rows = list(item.history.filter(version__gte=since).order_by("history_date", "history_id"))
    latest = rows[-1] if rows else None
    if latest is None or latest.version == since:
        return item.updated_at, None, []
    base = next((row for row in reversed(rows) if row.version == since), None)
    who = latest.history_user
    if base is None:
        return latest.history_date, who, []
    old, new = base.instance, latest.instance
    changes = []
    for name in _DESCRIBED:
        if name in _AS_TYPED and (name not in (old.raw or {}) or name not in (new.raw or {})):
            continue
        before, after = _display(old, name), _display(new, name)
        if before != after:
            changes.append(f"{_label(name)}: {_short(before)} → {_short(after)}")
    return latest.history_date, who, changes


def return_changes_since(return_obj: Return, since: int) -> tuple:
    """(when, who, changes) for the saves of a return after version `since`: its state, and its items added,
    changed or removed (each once, by the title it has now or had when removed), oldest first."""
    saves = list(
        return_obj.history.filter(version__gte=since)
        .order_by("history_date", "history_id")
        .select_related("history_user")
    )
    later = [row for row in saves if row.version > since]
    if not later:
        return None, None, []
    base = next((row for row in reversed(saves) if row.version == since), None)
    latest = later[-1]
    changes = []
    if base is not None and base.state != return_obj.state:
        changes.append(
            _("State: %(old)s → %(new)s")
            % {"old": ReturnState(base.state).label, "new": ReturnState(return_obj.state).label}
        )
    items: dict[int, list] = {}
    rows = ReturnItem.history.filter(return_obj_id=return_obj.pk, history_date__gte=later[0].history_date)
    for row in rows.order_by("history_date", "history_id"):
        items.setdefault(row.id, []).append(row)
    said = {"+": _("added"), "~": _("changed"), "-": _("removed")}
    for versions in items.values():
        first, last = versions[0], versions[-1]
        kind = "-" if last.history_type == "-" else first.history_type
        changes.append(f"“{_short(last.title)}” {said[kind]}")
    return latest.history_date, latest.history_user, changes


def stale_summary(stale: StaleVersion, *, viewer, show_who: bool) -> str:
    """Who (analysts only; else "another user"), when, and what changed since the page was shown, in one phrase."""
    if stale.who is None:
        who = _("by an import, a merge or a command")
    elif viewer is not None and stale.who.pk == getattr(viewer, "pk", None):
        who = _("by you, in another tab or window")
    elif show_who:
        who = _("by %(name)s") % {"name": stale.who.get_full_name() or stale.who.get_username()}
    else:
        who = _("by another user")
    if stale.when:
        local = timezone.localtime(stale.when)
        who += " " + _("at %(time)s on %(date)s") % {
            "time": formats.time_format(local, "H:i"),
            "date": formats.date_format(local, "j F"),
        }
    what = "; ".join(stale.changes) if stale.changes else _("what changed is not in the change history")
    return f"{who}: {what}"


@transaction.atomic
def return_item_save(
    *,
    return_obj: Return,
    item: ReturnItem | None,
    data: ItemData,
    user=None,
    expected_version: int | None = None,
    progress: str | None = None,
) -> ReturnItem:
    """Write a checked item, its partners and secondary themes; an edited known collaboration becomes an update.

    The item is locked while it is checked and written. With `expected_version` (the version the
    form was opened at) an item saved since by anyone is left as it is and StaleVersion says what
    changed. `progress` (an ItemProgress), if given, is where the editor is with the item: a change
    of progress alone is a change. Saving the same values writes nothing; a real change moves the
    item and its return to their next versions.
    """
    return_obj = _return_locked(return_obj)
    if progress is not None and progress not in ItemProgress.values:
        raise ValidationError({"progress": _("Select yes if you have finished with this collaboration")})
    if item is not None:
        item = ReturnItem.objects.select_for_update().get(pk=item.pk)
        if expected_version is not None:
            version_check(item, expected_version, describe=return_item_changes_since)
        before = _item_content(
            item,
            [(p.organisation_id, p.typed_as) for p in item.partners.all()],
            item.secondary_themes.values_list("pk", flat=True),
        )
    else:
        item = ReturnItem(return_obj=return_obj)
        before = None
    for name, value in data.item_fields().items():
        if name != "row_number":
            setattr(item, name, value)
    if item.known_collaboration_id and item.action == ItemAction.CONFIRM:
        item.action = ItemAction.UPDATE
    if data.end_date and item.known_collaboration_id and data.status in ("completed", "discontinued"):
        item.action = ItemAction.ENDED
    if progress is not None:
        item.progress = progress
    partners = [(org, typed[:250]) for org, typed in data.partners]
    themes = [theme.pk for theme in data.secondary_themes]
    if before is not None and _item_content(item, [(org.pk, typed) for org, typed in partners], themes) == before:
        return item  # nothing changed: nothing written, the version stays
    _return_bump(return_obj, user)
    if before is not None:
        version_bump(item)
    _by(item, user).save()
    item.partners.all().delete()
    ItemPartner.objects.bulk_create(
        [ItemPartner(item=item, organisation=org, typed_as=typed) for org, typed in partners]
    )
    item.secondary_themes.set(data.secondary_themes)
    return item


@transaction.atomic
def return_item_remove(*, item: ReturnItem, user=None, expected_version: int | None = None) -> None:
    """Remove an item from its return. With `expected_version`, an item saved since is not removed (StaleVersion)."""
    return_obj = _return_locked(item.return_obj)
    item = ReturnItem.objects.select_for_update().get(pk=item.pk)
    if expected_version is not None:
        version_check(item, expected_version, describe=return_item_changes_since)
    _return_bump(return_obj, user)
    _by(item, user).delete()


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
