"""Writes to collaboration records: create, update, keep derived fields, load the taxonomy."""

import csv
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from bluelight.collaborations import rules
from bluelight.collaborations.models import (
    Benefit,
    Collaboration,
    Contact,
    EvidenceItem,
    EvidenceKind,
    Outcome,
    Partner,
    Provenance,
    Publication,
    SourceKind,
    Theme,
)
from bluelight.collaborations.search import search_index_update
from bluelight.collaborations.selectors import VERSION_KEY, collaboration_changes_since
from bluelight.core.versions import merged_rows, merged_values, version_bump, version_check
from bluelight.organisations.models import SERVICE_OF_TYPE, Service

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def taxonomy_load() -> tuple[int, int]:
    """Create the default theme taxonomy; themes an admin has edited are left as they are.

    Returns (created, existing).
    """
    with open(DATA_DIR / "themes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = {t.code: t for t in Theme.objects.all()}
    created = 0
    for position, row in enumerate(rows):
        if row["theme_code"] in existing:
            continue
        theme = Theme(
            code=row["theme_code"],
            name=row["theme_name"],
            parent=existing.get(row["parent_code"]) if row["parent_code"] else None,
            description=row["description"],
            source=row["source"],
            position=position,
        )
        theme.full_clean()
        theme.save()
        existing[theme.code] = theme
        created += 1
    return created, len(rows) - created


def collaborations_changed() -> None:
    """Tell caches of figures over all records (the home page's) that records changed: a new version.

    Set now, so this process's next read recomputes, and again when the transaction commits, so a
    reader that recomputed from the old rows in between does not keep them under the new version.
    Other processes with Django's default per-process cache see the change when their entries
    expire (selectors.FIGURES_CACHE_SECONDS); with a shared cache, at once.
    """

    def bump() -> None:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def services_of(organisations) -> str:
    """The services involved, as stored on the record: sorted service codes joined by commas."""
    found = {SERVICE_OF_TYPE.get(o.type, Service.WIDER).value for o in organisations}
    return ",".join(sorted(found))


def collaboration_sync_services(*, collaboration: Collaboration) -> None:
    services = services_of(p.organisation for p in collaboration.partners.select_related("organisation"))
    if services != collaboration.services:
        collaboration.services = services
        collaboration.save(update_fields=["services"])


_SCALAR_FIELDS = (
    "title",
    "description",
    "status",
    "status_reason",
    "scope",
    "primary_theme",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "lessons",
    "publication",
    "language",
)


def _validate(data: rules.CollaborationData, instance: Collaboration) -> None:
    for name in _SCALAR_FIELDS:
        setattr(instance, name, getattr(data, name))
    errors = {}
    try:
        instance.full_clean(exclude=["services"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        rules.check(data)
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    for index, benefit in enumerate(data.benefits):
        try:
            Benefit(collaboration=instance, **benefit.__dict__).full_clean(exclude=["collaboration"])
        except ValidationError as exc:
            errors.setdefault("benefits", []).extend(
                ValidationError(f"Benefit {index + 1}, {k}: {m}")
                for k, msgs in exc.message_dict.items()
                for m in msgs
            )
    if errors:
        raise ValidationError(errors)


def _by(instance, user):
    """Name `user` as the author in the history row the next save or delete of `instance` writes.

    Without a user, simple_history takes the signed-in user of the current request (its
    middleware), or leaves the author empty for commands and tasks.
    """
    if user is not None:
        instance._history_user = user
    return instance


def _row_values(model, datum) -> dict:
    """A row of plain data (PartnerData, BenefitData...) as `model`'s column values, as stored."""
    return _column_values(model, datum.__dict__)


def _column_values(model, named: dict) -> dict:
    """Values by field name as `model`'s column values, as stored: ids for linked rows."""
    values = {}
    for name, value in named.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            values[field.attname] = value.pk if value is not None else None
        else:
            values[field.attname] = field.to_python(value)
    return values


def _holds(row, values: dict) -> bool:
    return all(getattr(row, name) == value for name, value in values.items())


def _rows_paired(rows: list, wanted: list[dict], key: str | None) -> tuple[list, list]:
    """Pair each wanted row with the stored row it becomes (None: a new row); return the pairs and the rows to go.

    With a `key` (partners: the organisation) rows pair by it. Without, a stored row that already
    holds a wanted row's content is kept for it, and the rest pair by position, so editing one
    benefit updates that benefit rather than replacing every row.
    """
    if key:
        by_key = {getattr(row, key): row for row in rows}
        return [(by_key.pop(values[key], None), values) for values in wanted], list(by_key.values())
    spare = list(rows)
    kept = {}
    for index, values in enumerate(wanted):
        same = next((row for row in spare if _holds(row, values)), None)
        if same is not None:
            spare.remove(same)
            kept[index] = same
    pairs = [(kept[i] if i in kept else (spare.pop(0) if spare else None), values) for i, values in enumerate(wanted)]
    return pairs, spare


def _rows_plan(rows, wanted: list[dict], *, key: str | None = None) -> tuple[list, list, list]:
    """What making one kind of child row hold `wanted` takes: (rows to delete, (row, values) to update, values to add).

    Unchanged rows are in none of them (no history row).
    """
    pairs, gone = _rows_paired(list(rows), wanted, key)
    changed = [(row, values) for row, values in pairs if row is not None and not _holds(row, values)]
    # The database allows one lead partner at any moment: demote the old lead before promoting.
    changed.sort(key=lambda pair: bool(pair[1].get("is_lead")))
    return gone, changed, [values for row, values in pairs if row is None]


def _children_plan(collaboration: Collaboration, data: rules.CollaborationData) -> list[tuple]:
    """Per kind of child row (partners, benefits, outcomes, contacts): (model, gone, changed, new)."""
    parts = [(Partner, collaboration.partners.all(), data.partners, "organisation_id")]
    parts += [
        (Benefit, collaboration.benefits.all(), data.benefits, None),
        (Outcome, collaboration.outcomes.order_by("pk"), data.outcomes, None),
        (Contact, collaboration.contacts.order_by("pk"), data.contacts, None),
    ]
    return [
        (model, *_rows_plan(rows, [_row_values(model, item) for item in items], key=key))
        for model, rows, items, key in parts
    ]


def _children_write(collaboration: Collaboration, plan: list[tuple], user=None) -> None:
    """Carry out a `_children_plan` row by row, so the history records each addition, change and removal."""
    for model, gone, changed, new in plan:
        for row in gone:
            _by(row, user).delete()
        for row, values in changed:
            for name, value in values.items():
                setattr(row, name, value)
            _by(row, user).save()
        if new:
            rows = [_by(model(collaboration=collaboration, **values), user) for values in new]
            bulk_create_with_history(rows, model, default_user=user)


def _write_children(collaboration: Collaboration, data: rules.CollaborationData, user=None) -> None:
    _children_write(collaboration, _children_plan(collaboration, data), user)


def _stored_values(collaboration: Collaboration) -> dict:
    names = (*_SCALAR_FIELDS, "services")
    return {f.attname: getattr(collaboration, f.attname) for f in map(Collaboration._meta.get_field, names)}


@transaction.atomic
def collaboration_create(
    *,
    data: rules.CollaborationData,
    source_kind: str = SourceKind.ENTRY,
    source_label: str = "",
    reported_by=None,
    is_demo: bool = False,
    user=None,
) -> Collaboration:
    """Validate everything, then write the record, its partners, benefits and provenance at once.

    Every row gets its "created" history version; `user` is named as its author (see `_by`).
    """
    collaboration = Collaboration(is_demo=is_demo)
    _validate(data, collaboration)
    collaboration.services = services_of(p.organisation for p in data.partners)
    _by(collaboration, user).save()
    if data.secondary_themes:
        collaboration.secondary_themes.set(data.secondary_themes)
    _write_children(collaboration, data, user)
    Provenance.objects.create(
        collaboration=collaboration,
        kind=source_kind,
        label=source_label or str(SourceKind(source_kind).label),
        reported_by=reported_by,
        fields=["*"],
    )
    search_index_update([collaboration.pk])
    collaborations_changed()
    return collaboration


def _describe_for(user):
    """What a refusal says about the saves since a version: (when, who, changes), as `user` may see them."""
    return lambda collaboration, since: collaboration_changes_since(collaboration, version=since, user=user)


@transaction.atomic
def collaboration_version_check(
    *, collaboration: Collaboration, expected_version: int | None, user=None
) -> Collaboration:
    """Lock the record and return it if it is still at `expected_version`; else raise StaleVersion, writing nothing.

    Call it inside the transaction that will save (the admin's change view is one): the lock then
    holds until the save, so nobody can slip a change in between. `user` decides what the
    refusal may list (contacts only for those allowed to see them).
    """
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    version_check(collaboration, expected_version, describe=_describe_for(user))
    return collaboration


@transaction.atomic
def collaboration_update(
    *,
    collaboration: Collaboration,
    data: rules.CollaborationData,
    user=None,
    expected_version: int | None = None,
) -> Collaboration:
    """Make a record hold `data`, after every rule passes; history keeps the old version.

    Only what differs is written, each change with its history row (by `user`, see `_by`):
    partners are matched by organisation, benefits, outcomes and contacts by content and then
    position. Saving unchanged data writes nothing, not even a new version of the record. Any
    change moves the record to its next `version`, saved before its parts so the history shows
    where each version starts. With `expected_version` (the version an edit was based on) a record
    saved since by anyone is left as it is and StaleVersion says what changed.
    """
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if expected_version is not None:
        version_check(collaboration, expected_version, describe=_describe_for(user))
    before = _stored_values(collaboration)
    _validate(data, collaboration)
    collaboration.services = services_of(p.organisation for p in data.partners)
    _by(collaboration, user)
    themes_changed = {t.pk for t in collaboration.secondary_themes.all()} != {t.pk for t in data.secondary_themes}
    plan = _children_plan(collaboration, data)
    children_changed = any(gone or changed or new for _model, gone, changed, new in plan)
    if themes_changed or children_changed or _stored_values(collaboration) != before:
        version_bump(collaboration)
        if themes_changed:
            # Recorded with the version saved below, so one edit is one version of the record.
            collaboration.skip_history_when_saving = True
            try:
                collaboration.secondary_themes.set(data.secondary_themes)
            finally:
                del collaboration.skip_history_when_saving
        collaboration.save()
    _children_write(collaboration, plan, user)
    search_index_update([collaboration.pk])
    collaborations_changed()
    return collaboration


def collaboration_data_from(collaboration: Collaboration) -> rules.CollaborationData:
    """The record as plain data, for editing or checking it against the rules."""
    return rules.CollaborationData(
        **{name: getattr(collaboration, name) for name in _SCALAR_FIELDS},
        secondary_themes=list(collaboration.secondary_themes.all()),
        partners=[
            rules.PartnerData(p.organisation, p.is_lead, p.role)
            for p in collaboration.partners.select_related("organisation")
        ],
        benefits=[
            rules.BenefitData(
                kind=b.kind,
                amount_gbp=b.amount_gbp,
                basis=b.basis,
                price_year=b.price_year,
                accrues_to=b.accrues_to,
                to_date=b.to_date,
                description=b.description,
            )
            for b in collaboration.benefits.select_related("accrues_to")
        ],
        outcomes=[rules.OutcomeData(o.description, o.measure, o.value) for o in collaboration.outcomes.order_by("pk")],
        contacts=[
            rules.ContactData(c.name, c.email, c.organisation, c.role) for c in collaboration.contacts.order_by("pk")
        ],
    )


# Re-applying a refused edit: the record as plain values, merged three ways ------------------------

_PARTS = {
    "partners": (Partner, rules.PartnerData, "organisation_id"),
    "benefits": (Benefit, rules.BenefitData, None),
    "outcomes": (Outcome, rules.OutcomeData, None),
    "contacts": (Contact, rules.ContactData, None),
}


def collaboration_content(data: rules.CollaborationData) -> dict:
    """The record as plain values (ids for linked rows, keyed by column), to compare and merge versions.

    {"fields": {column: value}, "secondary_themes": [ids], "partners": [{column: value}], "benefits": ...}
    """
    return {
        "fields": _column_values(Collaboration, {name: getattr(data, name) for name in _SCALAR_FIELDS}),
        "secondary_themes": sorted(t.pk for t in data.secondary_themes),
        **{
            part: [_row_values(model, item) for item in getattr(data, part)] for part, (model, *_rest) in _PARTS.items()
        },
    }


def collaboration_content_of_rows(record_row, theme_ids, part_rows: dict) -> dict:
    """`collaboration_content` from stored rows (history rows, say): the record's, its theme ids, its parts' by part."""
    fields = [Collaboration._meta.get_field(name) for name in _SCALAR_FIELDS]
    content = {"fields": {f.attname: getattr(record_row, f.attname) for f in fields}}
    content["secondary_themes"] = sorted(theme_ids)
    for part, (model, data_class, _key) in _PARTS.items():
        columns = [model._meta.get_field(name) for name in data_class.__dataclass_fields__]
        content[part] = [
            {
                f.attname: f.to_python(getattr(row, f.attname)) if not f.is_relation else getattr(row, f.attname)
                for f in columns
            }
            for row in part_rows[part]
        ]
    return content


def collaboration_content_rebase(*, base: dict, mine: dict, theirs: dict) -> dict:
    """My edit (from `base` to `mine`) laid over the record as it now is (`theirs`), field by field and row by row.

    Where we both changed the same field or partner, mine wins: the refusal lists theirs to check.
    """
    merged = {
        "fields": merged_values(base["fields"], mine["fields"], theirs["fields"]),
        "secondary_themes": merged_rows(base["secondary_themes"], mine["secondary_themes"], theirs["secondary_themes"]),
    }
    for part, (_model, _data_class, key) in _PARTS.items():
        merged[part] = merged_rows(base[part], mine[part], theirs[part], key=key)
    return merged


def collaboration_rows_matched(collaboration: Collaboration, part: str, rows: list[dict]) -> list[tuple]:
    """Pair content rows of one part with the stored rows they would update: [(row or None, values)].

    The same pairing `collaboration_update` makes, so a form can show each row as the one it becomes.
    """
    model, _data_class, key = _PARTS[part]
    stored = list(getattr(collaboration, part).order_by("pk"))
    pairs, _gone = _rows_paired(stored, rows, key)
    return pairs


@transaction.atomic
def collaboration_publish(*, collaboration: Collaboration) -> Collaboration:
    """Make a record public, after every rule passes with it published (a primary theme, for one)."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if collaboration.merged_into_id:
        raise ValidationError("It was merged into another record: publish that one.", code="merged")
    data = collaboration_data_from(collaboration)
    data.publication = Publication.PUBLISHED
    rules.check(data)
    if collaboration.publication != Publication.PUBLISHED:
        collaboration.publication = Publication.PUBLISHED
        version_bump(collaboration)
        collaboration.save(update_fields=["publication", "version", "updated_at"])
    search_index_update([collaboration.pk])
    collaborations_changed()
    return collaboration


@transaction.atomic
def collaboration_withdraw(*, collaboration: Collaboration) -> Collaboration:
    """Take a published record out of public view; its history and editions keep what was shown."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if collaboration.publication == Publication.PUBLISHED:
        collaboration.publication = Publication.WITHDRAWN
        version_bump(collaboration)
        collaboration.save(update_fields=["publication", "version", "updated_at"])
    search_index_update([collaboration.pk])
    collaborations_changed()
    return collaboration


# Evidence items


@dataclass
class EvidenceItemData:
    """What an analyst records about an evaluation, audit or research output."""

    title: str
    strength: int
    strength_reason: str
    kind: str = EvidenceKind.EVALUATION
    author: str = ""
    year: int | None = None
    month: int | None = None
    url: str = ""
    document: File | None = None  # a new upload; None keeps the current document
    remove_document: bool = False
    method: str = ""
    summary: str = ""
    publication: str = Publication.PUBLISHED
    collaborations: list[Collaboration] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    evaluated: Collaboration | None = None


EVIDENCE_FIELDS = [
    "title",
    "kind",
    "author",
    "year",
    "month",
    "url",
    "method",
    "summary",
    "strength",
    "strength_reason",
    "publication",
    "evaluated",
]


def evidence_item_check(*, item: EvidenceItem, data: EvidenceItemData) -> None:
    """Raise ValidationError listing every problem: the item's own rules, then those across its links."""
    errors = {}
    try:
        item.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not data.strength_reason.strip():
        errors.setdefault("strength_reason", []).append(
            _("Say why you gave this rating, for example how the comparison group was chosen.")
        )
    if data.evaluated is not None and data.evaluated not in data.collaborations:
        errors.setdefault("evaluated", []).append(
            _("The collaboration it evaluated must be one of the collaborations it is about.")
        )
    if errors:
        raise ValidationError(errors)


def _evidence_item_save(item: EvidenceItem, data: EvidenceItemData, user) -> EvidenceItem:
    before = set(item.collaborations.values_list("pk", flat=True)) if item.pk else set()
    for name in EVIDENCE_FIELDS:
        setattr(item, name, getattr(data, name))
    old_document = item.document.name if item.document else ""
    if data.document is not None:
        item.document = data.document
    elif data.remove_document:
        item.document = None
    evidence_item_check(item=item, data=data)
    with transaction.atomic():
        _by(item, user).save()
        item.collaborations.set(data.collaborations)
        item.themes.set(data.themes)
    if old_document and old_document != (item.document.name if item.document else ""):
        # The replaced file goes once the new state is stored; history rows keep only its name.
        item.document.storage.delete(old_document)
    # Evidence text is part of each collaboration's search document: those it left and joined change.
    search_index_update(sorted(before | {c.pk for c in data.collaborations}))
    collaborations_changed()  # the record pages and figures kept for the public show evidence
    return item


def evidence_item_create(*, data: EvidenceItemData, user=None) -> EvidenceItem:
    """Record a new evidence item with its links, after checking every rule."""
    return _evidence_item_save(EvidenceItem(), data, user)


def evidence_item_update(*, item: EvidenceItem, data: EvidenceItemData, user=None) -> EvidenceItem:
    """Change an evidence item and its links, after checking every rule."""
    return _evidence_item_save(item, data, user)
