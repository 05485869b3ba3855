"""Writes to collaboration records: create, update, keep derived fields, load the taxonomy."""

import csv
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from bluelight.collaborations import rules
from bluelight.collaborations.models import (
    Benefit,
    Collaboration,
    Contact,
    Outcome,
    Partner,
    Provenance,
    Publication,
    SourceKind,
    Theme,
)
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
)


def _validate(data: rules.CollaborationData, instance: Collaboration) -> None:
    for name in _SCALAR_FIELDS:
        setattr(instance, name, getattr(data, name))
    errors = {}
    try:
        instance.full_clean(exclude=["services"], validate_unique=False)
    except rules.ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        rules.check(data)
    except rules.ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    for index, benefit in enumerate(data.benefits):
        try:
            Benefit(collaboration=instance, **benefit.__dict__).full_clean(exclude=["collaboration"])
        except rules.ValidationError as exc:
            errors.setdefault("benefits", []).extend(
                rules.ValidationError(f"Benefit {index + 1}, {k}: {m}")
                for k, msgs in exc.message_dict.items()
                for m in msgs
            )
    if errors:
        raise rules.ValidationError(errors)


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
    values = {}
    for name, value in datum.__dict__.items():
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


def _rows_write(collaboration, model, rows, wanted: list[dict], *, key: str | None = None, user=None) -> None:
    """Make one kind of child row hold `wanted`, row by row, so the history records each change.

    Unchanged rows are not touched (no history row); removed rows are deleted one by one; changed
    rows are updated in place; new rows are created with their history.
    """
    pairs, gone = _rows_paired(list(rows), wanted, key)
    for row in gone:
        _by(row, user).delete()
    changed = [(row, values) for row, values in pairs if row is not None and not _holds(row, values)]
    # The database allows one lead partner at any moment: demote the old lead before promoting.
    changed.sort(key=lambda pair: bool(pair[1].get("is_lead")))
    for row, values in changed:
        for name, value in values.items():
            setattr(row, name, value)
        _by(row, user).save()
    new = [_by(model(collaboration=collaboration, **values), user) for row, values in pairs if row is None]
    if new:
        bulk_create_with_history(new, model, default_user=user)


def _write_children(collaboration: Collaboration, data: rules.CollaborationData, user=None) -> None:
    _rows_write(
        collaboration,
        Partner,
        collaboration.partners.all(),
        [_row_values(Partner, p) for p in data.partners],
        key="organisation_id",
        user=user,
    )
    for model, rows, items in (
        (Benefit, collaboration.benefits.all(), data.benefits),
        (Outcome, collaboration.outcomes.order_by("pk"), data.outcomes),
        (Contact, collaboration.contacts.order_by("pk"), data.contacts),
    ):
        _rows_write(collaboration, model, rows, [_row_values(model, item) for item in items], user=user)


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
    return collaboration


@transaction.atomic
def collaboration_update(*, collaboration: Collaboration, data: rules.CollaborationData, user=None) -> Collaboration:
    """Make a record hold `data`, after every rule passes; history keeps the old version.

    Only what differs is written, each change with its history row (by `user`, see `_by`):
    partners are matched by organisation, benefits, outcomes and contacts by content and then
    position. Saving unchanged data writes nothing, not even a new version of the record.
    """
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    before = _stored_values(collaboration)
    _validate(data, collaboration)
    collaboration.services = services_of(p.organisation for p in data.partners)
    _by(collaboration, user)
    themes_changed = {t.pk for t in collaboration.secondary_themes.all()} != {t.pk for t in data.secondary_themes}
    if themes_changed:
        # Recorded with the version saved below, so one edit is one version of the record.
        collaboration.skip_history_when_saving = True
        try:
            collaboration.secondary_themes.set(data.secondary_themes)
        finally:
            del collaboration.skip_history_when_saving
    if themes_changed or _stored_values(collaboration) != before:
        collaboration.save()
    _write_children(collaboration, data, user)
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


@transaction.atomic
def collaboration_publish(*, collaboration: Collaboration) -> Collaboration:
    """Make a record public, after every rule passes with it published (a primary theme, for one)."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if collaboration.merged_into_id:
        raise rules.ValidationError("It was merged into another record: publish that one.", code="merged")
    data = collaboration_data_from(collaboration)
    data.publication = Publication.PUBLISHED
    rules.check(data)
    if collaboration.publication != Publication.PUBLISHED:
        collaboration.publication = Publication.PUBLISHED
        collaboration.save(update_fields=["publication", "updated_at"])
    return collaboration


@transaction.atomic
def collaboration_withdraw(*, collaboration: Collaboration) -> Collaboration:
    """Take a published record out of public view; its history and editions keep what was shown."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if collaboration.publication == Publication.PUBLISHED:
        collaboration.publication = Publication.WITHDRAWN
        collaboration.save(update_fields=["publication", "updated_at"])
    return collaboration
