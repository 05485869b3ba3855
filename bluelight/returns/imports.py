"""Importing a return file: validate every row, compare with the return as it stands, then stage the rows in one go.

`return_import` is the workflow; the rest compare rows with stored items and keep an upload from
undoing changes made after its file was downloaded. A download (`services.template_build`) keeps
each row's `item_version`, so an upload can tell which rows were left as they were.
"""

import datetime
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router, transaction
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from simple_history.utils import bulk_create_with_history

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.partial_dates import format_partial_date
from bluelight.core.versions import version_bump
from bluelight.organisations.models import Organisation
from bluelight.organisations.resolution import Resolver
from bluelight.returns.models import Channel, ItemAction, ItemPartner, ItemProgress, Return, ReturnItem, Round
from bluelight.returns.rows import ItemData, sheet_parse
from bluelight.returns.sheet import FIGURE_COLUMNS, FIGURES, Download, RowError

BATCH_SIZE = 500
CHANGE_REASON = "spreadsheet import"
# Template rows for known collaborations carry the reference C<id>.
_KNOWN_REFERENCE = re.compile(r"C(\d{1,18})", re.I)
ItemTheme = ReturnItem.secondary_themes.through  # an item's secondary themes, one row each


@dataclass
class ImportResult:
    """What an import found (the preview) and did; `errors` non-empty means nothing was written."""

    round: Round
    organisation: Organisation
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    notices: list[RowError] = field(default_factory=list)  # changes made to accepted rows
    rows: int = 0
    to_create: list[str] = field(default_factory=list)
    to_update: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # reference -> the columns that differ
    unchanged: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)  # in the return, not in the file: kept as they are
    created: int = 0
    updated: int = 0
    return_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "round": {"id": self.round.pk, "name": self.round.name},
            "organisation": {"id": self.organisation.slug, "name": self.organisation.name},
            "return": self.return_id,
            "rows": self.rows,
            "to_create": self.to_create,
            "to_update": self.to_update,
            "changes": self.changes,
            "unchanged": self.unchanged,
            "left_alone": self.left_alone,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_json() for e in self.errors],
            "notices": [n.as_json() for n in self.notices],
        }

    @property
    def updates_described(self) -> list[str]:
        """Each row to update with the columns that change: "A1 (title, partners)"."""
        return [f"{ref} ({', '.join(self.changes.get(ref, []))})" for ref in self.to_update]

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.errors)} problem(s) found; nothing was imported."
        counts = f"{len(self.to_create)} new, {len(self.to_update)} updated, {len(self.unchanged)} unchanged"
        left = (
            f"; {len(self.left_alone)} item(s) already in the return were not in the file and were left "
            f"as they are ({', '.join(self.left_alone[:10])}{', ...' if len(self.left_alone) > 10 else ''})"
            if self.left_alone
            else ""
        )
        noted = "".join(f" Note: {n}." for n in self.notices)
        if self.dry_run:
            return f"Dry run, nothing written: {self.rows} rows would give {counts}{left}.{noted}"
        return (
            f"Imported {self.rows} rows into the return of {self.organisation} for {self.round}: {counts}{left}.{noted}"
        )


def _state_problem(return_obj: Return | None) -> RowError | None:
    if return_obj is None or return_obj.is_editable_by_organisation:
        return None
    return RowError(
        None,
        "return",
        return_obj.state,
        f"this return has been {return_obj.state}; ask an analyst to return it for changes",
    )


# Columns compared between a row and the item it matches, in template order. `reference` is the
# key that matched them; `raw` and `row_number` record where a value came from, not the value.
COMPARED = (
    "title", "description", "partners", "lead_organisation", "theme", "status", "start_date", "end_date",
    "scope", "one_off_cost_gbp", "one_off_savings_gbp", "annual_savings_gbp", "savings_basis", "price_year",
    "benefits", "evidence_url", "contact_name", "contact_email", "external_funding_gbp", "outcomes", "lessons",
    "secondary_themes", *FIGURE_COLUMNS,
)  # fmt: skip
_TEXT = ("title", "description", "status", "scope", "savings_basis", "benefits", "evidence_url", "contact_name")
_TEXT += ("contact_email", "outcomes", "lessons", *(f"{figure}_basis" for figure in FIGURES))
_MONEY = ("one_off_cost_gbp", "one_off_savings_gbp", "annual_savings_gbp", "external_funding_gbp")
_YEARS = ("price_year", *(f"{figure}_price_year" for figure in FIGURES))


def _text(value: str) -> str:
    """Text as a cell gives it back: trimmed, without the control characters a workbook drops."""
    return ILLEGAL_CHARACTERS_RE.sub("", value or "").strip()


def _comparable(source, *, partner_ids, theme_ids, recipient_ids, reporter_id: int, known_id: int | None) -> dict:
    """An item, or a row's cleaned data, as the values the two are compared by (same normalising for both).

    Dates compare as they are written (2016, 2016-05); money as amounts (12000 is 12,000.00);
    partners, the lead and the figures' recipients as organisations, not as spelt; a blank lead
    means the reporter, and the reporter is always a partner, as the upload makes them; secondary
    themes as a set.
    """
    values = {name: _text(getattr(source, name)) for name in _TEXT}
    values.update({name: getattr(source, name) for name in (*_MONEY, *_YEARS)})
    values.update({f"{figure}_recipient": recipient_ids.get(figure) for figure in FIGURES})
    values["secondary_themes"] = frozenset(theme_ids)
    values["start_date"] = format_partial_date(source.start_date, source.start_precision)
    values["end_date"] = format_partial_date(source.end_date, source.end_precision)
    values["theme"] = source.theme.pk if source.theme is not None else None
    values["lead_organisation"] = source.lead_organisation.pk if source.lead_organisation is not None else reporter_id
    values["partners"] = frozenset({*partner_ids, reporter_id})
    values["known_collaboration"] = known_id
    return values


def _item_values(item: ReturnItem) -> dict:
    """A stored item's compared values (expects its return, theme, lead and partners loaded)."""
    return _comparable(
        item,
        partner_ids={p.organisation_id for p in item.partners.all()},
        theme_ids={t.pk for t in item.secondary_themes.all()},
        recipient_ids={figure: getattr(item, f"{figure}_recipient_id") for figure in FIGURES},
        reporter_id=item.return_obj.organisation_id,
        known_id=item.known_collaboration_id,
    )


def _row_values(data: ItemData, *, reporter_id: int, known_id: int | None) -> dict:
    """A row's compared values."""
    recipients = {figure: getattr(data, f"{figure}_recipient") for figure in FIGURES}
    return _comparable(
        data,
        partner_ids={org.pk for org, _typed in data.partners},
        theme_ids={t.pk for t in data.secondary_themes},
        recipient_ids={figure: org.pk if org else None for figure, org in recipients.items()},
        reporter_id=reporter_id,
        known_id=known_id,
    )


def _changes(item: ReturnItem, data: ItemData, known_id: int | None) -> list[str]:
    """The columns in which the row differs from the stored item ([] means unchanged)."""
    stored = _item_values(item)
    typed = _row_values(data, reporter_id=item.return_obj.organisation_id, known_id=known_id)
    return [name for name in (*COMPARED, "known_collaboration") if stored[name] != typed[name]]


def _version(values: dict) -> str:
    """A digest of compared values. A download keeps one per row; the same row uploaded gives the same one."""
    plain = {
        name: sorted(value) if isinstance(value, frozenset) else f"{value:.2f}" if isinstance(value, Decimal) else value
        for name, value in values.items()
    }
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:32]


def item_version(item: ReturnItem) -> str:
    """The version a download keeps for an item's row (expects its return, theme, lead and partners loaded)."""
    return _version(_item_values(item))


def _known_collaborations(organisation: Organisation, items: list[ItemData]) -> dict[str, int]:
    """reference -> collaboration id, for C<id> references to collaborations the organisation is in."""
    wanted = {}
    for data in items:
        match = _KNOWN_REFERENCE.fullmatch(data.reference)
        if match:
            wanted[data.reference] = int(match[1])
    if not wanted:
        return {}
    ids = set(
        Collaboration.objects.filter(pk__in=set(wanted.values()), partners__organisation=organisation).values_list(
            "pk", flat=True
        )
    )
    return {ref: pk for ref, pk in wanted.items() if pk in ids}


def _plan(result: ImportResult, return_obj: Return | None, items: list[ItemData], known: dict[str, int]):
    """Split the file's items into new and changed ones against what the return holds now."""
    existing: dict[str, ReturnItem] = {}
    if return_obj is not None:
        existing = {
            i.reference: i
            for i in return_obj.items.select_related("return_obj", "theme", "lead_organisation").prefetch_related(
                "partners", "secondary_themes"
            )
        }
    creates, updates = [], []
    for data in items:
        item = existing.get(data.reference)
        if item is None:
            creates.append(data)
        elif changes := _changes(item, data, known.get(data.reference)):
            updates.append((item, data))
            result.changes[data.reference] = changes
        else:
            result.unchanged.append(data.reference)
    in_file = {d.reference for d in items}
    result.to_create = [d.reference for d in creates]
    result.to_update = [d.reference for _item, d in updates]
    result.left_alone = [ref for ref in existing if ref not in in_file]
    return creates, updates


def _moments(*moments: datetime.datetime) -> list[str]:
    """Times as people read them, local; to the second when they would otherwise read the same."""
    local = [timezone.localtime(m) for m in moments]
    shown = [f"{t.day} {t:%B %Y at %H:%M}" for t in local]
    if len(set(shown)) < len(shown):
        shown = [f"{t.day} {t:%B %Y at %H:%M:%S}" for t in local]
    return shown


def _change_reason(downloaded_at: datetime.datetime | None) -> str:
    """The history's reason for an upload; it names the download, so a later upload of the same file knows it."""
    if downloaded_at is None:
        return CHANGE_REASON
    return f"{CHANGE_REASON} of the file downloaded at {downloaded_at.astimezone(datetime.UTC).isoformat()}"


def _guard(
    result: ImportResult,
    return_obj: Return | None,
    creates: list[ItemData],
    updates: list[tuple[ReturnItem, ItemData]],
    *,
    download: Download,
    known: dict[str, int],
) -> tuple[list[ItemData], list[tuple[ReturnItem, ItemData]]]:
    """Keep what others changed in the return after the file was downloaded: no row silently undoes it.

    One person may edit the return online while another edits a downloaded copy in Excel. For a row
    that would change an item someone else changed after the download, or add back one they removed:
    if the row is still as downloaded, the file never meant to change it and the newer item is kept
    (a notice says so); otherwise the upload is refused, naming the row. Not "someone else": earlier
    uploads of this same download (their history names it) and pre-filling when the return was
    started (the template's rows came from the same known collaborations). An item whose values are
    back as downloaded lost nothing, so a row may change it. Returns the creates and updates to write.
    """
    if return_obj is None:
        return creates, updates
    since, versions = download.at, download.versions

    def as_downloaded(data: ItemData) -> bool:
        values = _row_values(data, reporter_id=return_obj.organisation_id, known_id=known.get(data.reference))
        return versions.get(data.reference) == _version(values)

    suspects = {
        item.pk: (item, data)
        for item, data in updates
        if item.updated_at > since and versions.get(data.reference) != _version(_item_values(item))
    }
    returning = {data.reference: data for data in creates}
    if not suspects and not returning:
        return creates, updates
    own = _change_reason(since)
    records = (
        ReturnItem.history.filter(return_obj_id=return_obj.pk, history_date__gt=since)
        .order_by("history_date")
        .values_list("id", "reference", "history_type", "history_change_reason", "action", "history_date")
    )
    later: dict[str, tuple[ItemData, str, datetime.datetime, str]] = {}  # reference -> row, event, when, how
    traced = set()
    for pk, reference, kind, reason, action, when in records:
        if kind == "-" and reference in returning:
            later[reference] = (returning[reference], "removed", when, "on the website")
        elif kind != "-" and pk in suspects:
            traced.add(pk)
            if reason != own and not (kind == "+" and action == ItemAction.CONFIRM):
                how = "by a spreadsheet upload" if (reason or "").startswith(CHANGE_REASON) else "on the website"
                later[reference] = (suspects[pk][1], "changed", when, how)
    for pk, (item, data) in suspects.items():
        if pk not in traced:  # changed with no history (a fix in the database): updated_at says when
            later[data.reference] = (data, "changed", item.updated_at, "")

    kept = set()
    for reference, (data, event, when, how) in sorted(later.items(), key=lambda entry: entry[1][0].row_number):
        moment, taken = _moments(when, since)
        what = f"this item was {event} {how + ' ' if how else ''}on {moment}, after this file was downloaded ({taken})"
        if as_downloaded(data):
            kept.add(reference)
            result.notices.append(
                RowError(data.row_number, "reference", reference, f"{what}; the row is as downloaded, so that stands")
            )
        elif event == "removed":
            fix = (
                "so this row would add it back: delete the row if the item should stay removed, or download the "
                "return again and make your changes in the new file"
            )
            result.errors.append(RowError(data.row_number, "reference", reference, f"{what}, {fix}"))
        else:
            fix = (
                f"and this row differs from it ({', '.join(result.changes[reference])}), so uploading it would undo "
                "that change: download the return again and make your changes in the new file, or make them online"
            )
            result.errors.append(RowError(data.row_number, "reference", reference, f"{what}, {fix}"))
    if kept:
        creates = [data for data in creates if data.reference not in kept]
        updates = [(item, data) for item, data in updates if data.reference not in kept]
        result.to_create = [data.reference for data in creates]
        result.to_update = [data.reference for _item, data in updates]
        result.changes = {ref: columns for ref, columns in result.changes.items() if ref not in kept}
        result.unchanged += sorted(kept, key=lambda ref: later[ref][0].row_number)
    return creates, updates


def _fill(item: ReturnItem, data: ItemData, known: dict[str, int]) -> ReturnItem:
    for name, value in data.item_fields().items():
        setattr(item, name, value)
    item.known_collaboration_id = known.get(data.reference)
    item.action = ItemAction.UPDATE if item.known_collaboration_id else ItemAction.NEW
    item.progress = ItemProgress.COMPLETED  # a row in the editor's file is the editor's answer for it
    return item


def _rows_update(items: list[ReturnItem], fields: list[str]) -> None:
    """Write `fields` of already-saved items with one prepared UPDATE run for every row.

    Django's bulk_update builds a CASE expression per field and row: 10,000 changed rows took
    two minutes on SQLite. executemany of one UPDATE takes about a second. Values go through each
    field's get_db_prep_save, exactly as Model.save() and QuerySet.update() prepare them.
    """
    connection = connections[router.db_for_write(ReturnItem)]
    quote = connection.ops.quote_name
    model_fields = [ReturnItem._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    sql = (
        f"UPDATE {quote(ReturnItem._meta.db_table)} SET {assignments} "  # noqa: S608 - names from the model
        f"WHERE {quote(ReturnItem._meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(item, f.attname), connection) for f in model_fields] + [item.pk] for item in items
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _partners_insert(rows: list[tuple[int, int, str]]) -> None:
    """ItemPartner rows (item id, organisation id, as typed) in one prepared INSERT run for every row.

    Returns name three or four partners a row: bulk_create of 35,000 ItemPartner objects took a
    quarter of the 10,000-row benchmark, executemany a fiftieth. ItemPartner has no history, no
    defaults and no signals, so nothing that save() would do is skipped.
    """
    connection = connections[router.db_for_write(ItemPartner)]
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(ItemPartner._meta.get_field(name).column) for name in ("item", "organisation", "typed_as")
    )
    sql = f"INSERT INTO {quote(ItemPartner._meta.db_table)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def return_import(
    *,
    round: Round,
    organisation: Organisation,
    content: bytes,
    filename: str,
    user=None,
    dry_run: bool = False,
    resolver: Resolver | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Validate a whole return file, then stage its rows as the organisation's return items in one go.

    Any error anywhere means nothing is written. Rows update the return's items with the same
    reference; items not in the file are left alone and listed. A submitted or accepted return
    is refused until an analyst returns it for changes. A file downloaded from the site says when;
    its rows may not undo changes made to the return after that (see `_guard`). `progress(percent,
    step)`, if given, hears how far it has got (the page of a background import).
    """
    result = ImportResult(round=round, organisation=organisation, dry_run=dry_run)

    def rows_progress(percent: int, step: str) -> None:  # checking the rows is most of the work
        progress(5 + percent * 80 // 100, step)

    if progress is not None:
        progress(0, "Reading the file")
    parsed = sheet_parse(
        content=content,
        filename=filename,
        organisation=organisation,
        day=round.reference_date,
        resolver=resolver,
        progress=rows_progress if progress is not None else None,
    )
    if progress is not None:
        progress(85, "Comparing the file with the return")
    result.rows = parsed.rows
    result.errors = list(parsed.errors)
    result.notices = parsed.notices
    current = Return.objects.filter(round=round, organisation=organisation).first()
    problem = _state_problem(current)
    if problem:
        result.errors.insert(0, problem)
    if result.errors:
        return result
    known = _known_collaborations(organisation, parsed.items)
    download = parsed.download
    if dry_run:
        result.return_id = current.pk if current else None
        creates, updates = _plan(result, current, parsed.items, known)
        if download is not None:
            _guard(result, current, creates, updates, download=download, known=known)
        return result

    if progress is not None:
        progress(90, "Writing the rows")  # in one transaction: the page hears no more until it is done
    with transaction.atomic():
        return_obj, _created = Return.objects.select_for_update().get_or_create(
            round=round, organisation=organisation, defaults={"channel": Channel.SPREADSHEET}
        )
        problem = _state_problem(return_obj)  # it may have been submitted since we looked
        if problem:
            result.errors.append(problem)
            return result
        result.return_id = return_obj.pk
        creates, updates = _plan(result, return_obj, parsed.items, known)
        if download is not None:
            # Checked again as it is written: an item may have changed online since the preview.
            creates, updates = _guard(result, return_obj, creates, updates, download=download, known=known)
            if result.errors:
                transaction.set_rollback(True)  # nothing written, not even a return get_or_create made
                return result
        reason = _change_reason(download.at if download else None)
        if return_obj.channel != Channel.SPREADSHEET or creates or updates:
            # One UPDATE of the return per import: its channel, and its next version when items change
            # (a page opened before the import then cannot submit it unseen).
            return_obj.channel = Channel.SPREADSHEET
            if creates or updates:
                version_bump(return_obj)
            if user is not None:
                return_obj._history_user = user  # who simple_history records for this change
            return_obj.save(update_fields=["channel", "version"])

        new_items = [_fill(ReturnItem(return_obj=return_obj), data, known) for data in creates]
        new_items = bulk_create_with_history(
            new_items, ReturnItem, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason
        )
        now = timezone.now()
        changed = []
        for item, data in updates:
            _fill(item, data, known).updated_at = now
            version_bump(item)  # a form opened before the import is refused, not allowed to undo it
            changed.append(item)
        if changed:
            _rows_update(
                changed,
                [*ItemData.ITEM_FIELDS, "known_collaboration", "action", "progress", "updated_at", "version"],
            )
            ReturnItem.history.bulk_history_create(
                changed, batch_size=BATCH_SIZE, update=True, default_user=user, default_change_reason=reason
            )
            for start in range(0, len(changed), BATCH_SIZE):
                ItemPartner.objects.filter(item__in=changed[start : start + BATCH_SIZE]).delete()
                ItemTheme.objects.filter(returnitem__in=changed[start : start + BATCH_SIZE]).delete()
        _partners_insert(
            [
                (item.pk, org.pk, typed)
                for item, data in [*zip(new_items, creates, strict=True), *updates]
                for org, typed in data.partners
            ]
        )
        ItemTheme.objects.bulk_create(
            [
                ItemTheme(returnitem_id=item.pk, theme_id=theme.pk)
                for item, data in [*zip(new_items, creates, strict=True), *updates]
                for theme in data.secondary_themes
            ],
            batch_size=BATCH_SIZE,
        )
        # A pre-filled collaboration the file lists unchanged is confirmed by it, as on the task list.
        confirmed = return_obj.items.filter(reference__in=result.unchanged).exclude(progress=ItemProgress.COMPLETED)
        confirmed.update(progress=ItemProgress.COMPLETED)  # its values and version stay: nothing in it changed
        result.created, result.updated = len(new_items), len(changed)
    return result
