"""A return's items, written online: check, save and remove them; confirm, end and comment on one from the task list.

Each write locks the return before its items (as imports do: no deadlock), moves the return and the item to their
next versions only when something really changes, and names the user in the history. The task list's reads are
`tasklist.py`; the return's own workflow (submit, send back, accept) is `services.py`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Status
from bluelight.collaborations.partial_dates import Precision
from bluelight.core.versions import StaleVersion, version_bump, version_check
from bluelight.returns.models import ItemAction, ItemPartner, ItemProgress, Return, ReturnItem, ReturnState
from bluelight.returns.rows import ItemData, ReturnRow, SheetContext
from bluelight.returns.sheet import FIGURE_COLUMNS, RowError

ENDED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


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


def authored_by(instance, user):
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
    authored_by(return_obj, user).save(update_fields=["version"])


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
    authored_by(item, user).save()
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
    authored_by(item, user).delete()


def _locked_item(item: ReturnItem, expected_version: int | None) -> ReturnItem:
    _return_locked(item.return_obj)
    locked = ReturnItem.objects.select_for_update().get(pk=item.pk)
    version_check(locked, expected_version, describe=return_item_changes_since)
    return locked


def _item_write(item: ReturnItem, user) -> ReturnItem:
    _return_bump(item.return_obj, user)
    version_bump(item)
    authored_by(item, user).save()
    return item


@transaction.atomic
def return_item_confirm(*, item: ReturnItem, user=None, expected_version: int | None) -> ReturnItem:
    """The editor says a pre-filled collaboration is still right: completed, as it stands.

    An item the editor has already updated stays an update; confirming never undoes its changes.
    """
    item = _locked_item(item, expected_version)
    if item.progress == ItemProgress.COMPLETED and item.action == ItemAction.CONFIRM:
        return item  # confirmed already: nothing to write
    item.progress = ItemProgress.COMPLETED
    return _item_write(item, user)


@transaction.atomic
def return_item_end(
    *,
    item: ReturnItem,
    end_date: datetime.date,
    precision: str,
    status: str,
    user=None,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> ReturnItem:
    """The editor says a collaboration has ended: when (a month or a year) and how (completed or stopped early)."""
    item = _locked_item(item, expected_version)
    if status not in ENDED_STATUSES:
        raise ValidationError({"how": _("Select whether it finished as planned or was stopped early")})
    today = today or datetime.date.today()
    period_start = end_date.replace(month=1, day=1) if precision == Precision.YEAR else end_date.replace(day=1)
    if period_start > today:
        raise ValidationError({"end": _("The end date must be this month or earlier: it has ended")})
    if item.start_date and end_date < item.start_date:
        raise ValidationError(
            {"end": _("The end date must be on or after the start (%(start)s)") % {"start": item.start_display}}
        )
    item.end_date, item.end_precision, item.status = end_date, precision, status
    item.action = ItemAction.ENDED if item.known_collaboration_id else item.action
    item.progress = ItemProgress.COMPLETED
    return _item_write(item, user)


@transaction.atomic
def return_item_comment(*, item: ReturnItem, comment: str, user=None) -> ReturnItem:
    """An analyst's comment on one collaboration of a submitted return; empty text removes it.

    The editor sees it on the task list and on the collaboration's pages once the return is sent back.
    """
    return_obj = _return_locked(item.return_obj)
    if return_obj.state != ReturnState.SUBMITTED:
        raise ValidationError(_("Comments can be added while the return is submitted and waiting for review."))
    item = ReturnItem.objects.select_for_update().get(pk=item.pk)
    item.analyst_comment = comment.strip()
    authored_by(item, user).save(update_fields=["analyst_comment"])
    return item


def items_reopen_commented(return_obj: Return, user=None) -> int:
    """Sending a return back reopens the collaborations the analysts commented on: the editor looks at each again."""
    items = list(
        return_obj.items.select_for_update().exclude(analyst_comment="").exclude(progress=ItemProgress.IN_PROGRESS)
    )
    for item in items:
        item.progress = ItemProgress.IN_PROGRESS
        version_bump(item)
        authored_by(item, user).save(update_fields=["progress", "version"])
    return len(items)
