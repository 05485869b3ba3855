"""Writes to collaboration records: create, update, keep derived fields, load the taxonomy."""

import csv
from pathlib import Path

from django.db import transaction

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


def _write_children(collaboration: Collaboration, data: rules.CollaborationData) -> None:
    collaboration.partners.all().delete()
    Partner.objects.bulk_create(
        [
            Partner(collaboration=collaboration, organisation=p.organisation, is_lead=p.is_lead, role=p.role)
            for p in data.partners
        ]
    )
    collaboration.benefits.all().delete()
    Benefit.objects.bulk_create([Benefit(collaboration=collaboration, **b.__dict__) for b in data.benefits])
    collaboration.outcomes.all().delete()
    Outcome.objects.bulk_create([Outcome(collaboration=collaboration, **o.__dict__) for o in data.outcomes])
    collaboration.contacts.all().delete()
    Contact.objects.bulk_create([Contact(collaboration=collaboration, **c.__dict__) for c in data.contacts])
    collaboration.secondary_themes.set(data.secondary_themes)
    collaboration.services = services_of(p.organisation for p in data.partners)
    collaboration.save(update_fields=["services"])


@transaction.atomic
def collaboration_create(
    *,
    data: rules.CollaborationData,
    source_kind: str = SourceKind.ENTRY,
    source_label: str = "",
    reported_by=None,
    is_demo: bool = False,
) -> Collaboration:
    """Validate everything, then write the record, its partners, benefits and provenance at once."""
    collaboration = Collaboration(is_demo=is_demo)
    _validate(data, collaboration)
    collaboration.save()
    _write_children(collaboration, data)
    Provenance.objects.create(
        collaboration=collaboration,
        kind=source_kind,
        label=source_label or str(SourceKind(source_kind).label),
        reported_by=reported_by,
        fields=["*"],
    )
    return collaboration


@transaction.atomic
def collaboration_update(*, collaboration: Collaboration, data: rules.CollaborationData) -> Collaboration:
    """Replace a record's content with `data`, after every rule passes; history keeps the old version."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    _validate(data, collaboration)
    collaboration.save()
    _write_children(collaboration, data)
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
        outcomes=[rules.OutcomeData(o.description, o.measure, o.value) for o in collaboration.outcomes.all()],
        contacts=[
            rules.ContactData(c.name, c.email, c.organisation, c.role) for c in collaboration.contacts.all()
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
