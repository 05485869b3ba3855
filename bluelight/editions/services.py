"""Publishing editions: freeze the published collaborations as they stand, once and for good."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Collaboration
from bluelight.editions.models import Edition, Entry

BATCH = 1000


def entry_data(collaboration: Collaboration) -> dict:
    """A collaboration as plain JSON: everything the overview and comparisons read, nothing personal."""
    partners = [
        {
            "id": p.organisation.slug,
            "name": p.organisation.name,
            "type": p.organisation.type,
            "region": p.organisation.region,
            "country": p.organisation.country,
            "areas": sorted(a.code for a in p.organisation.police_force_areas.all()),
            "lead": p.is_lead,
        }
        for p in collaboration.partners.all()
    ]
    theme = collaboration.primary_theme
    return {
        "title": collaboration.title,
        "description": collaboration.description,
        "status": collaboration.status,
        "scope": collaboration.scope,
        "start": collaboration.start_display,
        "end": collaboration.end_display,
        "primary_theme": theme.code if theme else None,
        "top_theme": theme.top_level.code if theme else None,
        "secondary_themes": sorted(t.code for t in collaboration.secondary_themes.all()),
        "services": collaboration.services,
        "partners": partners,
        "regions": sorted({p["region"] for p in partners if p["region"]}),
        "countries": sorted({p["country"] for p in partners}),
        "benefits": [
            {
                "kind": b.kind,
                "amount_gbp": str(b.amount_gbp),
                "basis": b.basis,
                "price_year": b.price_year,
                "accrues_to": b.accrues_to.slug if b.accrues_to_id else None,
            }
            for b in collaboration.benefits.all()
        ],
        "evidence": [{"title": e.title, "strength": e.strength} for e in collaboration.evidence.all()],
    }


@transaction.atomic
def edition_publish(*, name: str, as_of: datetime.date, baseline: bool = False, user=None) -> Edition:
    """Freeze every published collaboration into a new edition; later edits never change it."""
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = [_("Give the edition a name, like 2014 overview.")]
    elif Edition.objects.filter(name=name).exists():
        errors["name"] = [
            _("An edition called %(name)s exists: editions are never replaced; choose another name.") % {"name": name}
        ]
    current = Edition.objects.filter(is_baseline=True).first()
    if baseline and current is not None:
        errors["baseline"] = [
            _("%(name)s is already the baseline: change it with `bluelight editions baseline`.")
            % {"name": current.name}
        ]
    if errors:
        raise ValidationError(errors)
    edition = Edition.objects.create(
        name=name, slug=slugify(name)[:160] or "edition", as_of=as_of, is_baseline=baseline, published_by=user
    )
    records = (
        Collaboration.objects.published()
        .select_related("primary_theme__parent")
        .prefetch_related(
            "partners__organisation__police_force_areas", "secondary_themes", "benefits__accrues_to", "evidence"
        )
        .order_by("pk")
    )
    count = 0
    batch = []
    for collaboration in records.iterator(chunk_size=BATCH):
        batch.append(
            Entry(
                edition=edition,
                uid=collaboration.uid,
                collaboration_id=collaboration.pk,
                data=entry_data(collaboration),
            )
        )
        if len(batch) >= BATCH:
            Entry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    edition.collaborations = count + len(batch)
    edition.save(update_fields=["collaborations"])
    return edition


@transaction.atomic
def edition_set_baseline(*, edition: Edition) -> Edition:
    """Make `edition` the one baseline every other edition is compared with."""
    Edition.objects.filter(is_baseline=True).exclude(pk=edition.pk).update(is_baseline=False)
    edition.is_baseline = True
    edition.save(update_fields=["is_baseline"])
    return edition
