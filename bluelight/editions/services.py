"""Publishing editions: freeze the published collaborations as they stand, once and for good."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Collaboration, SourceKind
from bluelight.collaborations.services import collaborations_changed
from bluelight.editions.models import Edition, Entry
from bluelight.editions.selectors import edition_context_now, round_methodology

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
        "language": collaboration.language,  # of the title and description: reports mark them with it (lang)
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
        # Published evidence only: an edition is public, and a draft evaluation is not yet.
        "evidence": [
            {"title": e.title, "strength": e.strength} for e in collaboration.evidence.all() if e.is_published
        ],
        # Who reported it: several reporters of one record show how duplicates were merged.
        "reported_by": sorted({p.reported_by.slug for p in collaboration.provenance.all() if p.reported_by_id}),
        "reports": sum(1 for p in collaboration.provenance.all() if p.kind == SourceKind.RETURN),
    }


def edition_check(*, name: str, as_of: datetime.date, baseline: bool, round_=None) -> str:
    """Everything that would stop an edition being published, as field errors; returns the tidied name."""
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = [_("Give the edition a name, like 2014 overview.")]
    elif Edition.objects.filter(name=name).exists():
        errors["name"] = [
            _("An edition called %(name)s exists: editions are never replaced; choose another name.") % {"name": name}
        ]
    today = timezone.localdate()
    if as_of > today:
        errors["as_of"] = [
            _(
                "%(date)s is in the future: an edition describes collaboration as it stood on a day that has come, "
                "today (%(today)s) or earlier."
            )
            % {"date": as_of.isoformat(), "today": today.isoformat()}
        ]
    if round_ is not None and round_.opens_on > as_of:
        errors["round"] = [
            _(
                "The round %(round)s opened on %(opens)s, after the date this edition describes (%(date)s): "
                "choose a round that had opened by then, or none."
            )
            % {"round": round_.name, "opens": round_.opens_on.isoformat(), "date": as_of.isoformat()}
        ]
    current = Edition.objects.filter(is_baseline=True).first()
    if baseline and current is not None:
        errors["baseline"] = [
            _("%(name)s is already the baseline: change it with `bluelight editions baseline`.")
            % {"name": current.name}
        ]
    if errors:
        raise ValidationError(errors)
    return name


def published_records():
    """The published collaborations with everything `entry_data` reads, fetched in a few queries per batch."""
    return (
        Collaboration.objects.published()
        .select_related("primary_theme__parent")
        .prefetch_related(
            "partners__organisation__police_force_areas",
            "secondary_themes",
            "benefits__accrues_to",
            "evidence",
            "provenance__reported_by",
        )
        .order_by("pk")
    )


@transaction.atomic
def edition_create(
    *,
    name: str,
    as_of: datetime.date,
    entries: Iterable[tuple[Collaboration, dict]],
    baseline: bool = False,
    round_=None,
    methodology: dict | None = None,
    user=None,
) -> Edition:
    """Write an edition from (record, frozen data) pairs, all or nothing. `edition_publish` is the usual way in."""
    name = edition_check(name=name, as_of=as_of, baseline=baseline, round_=round_)
    edition = Edition.objects.create(
        name=name,
        slug=_unique_slug(name),
        as_of=as_of,
        is_baseline=baseline,
        published_by=user,
        round=round_,
        methodology=methodology if methodology is not None else round_methodology(round_, as_of),
        context=edition_context_now(as_of),
    )
    count = 0
    batch = []
    for collaboration, data in entries:
        batch.append(Entry(edition=edition, uid=collaboration.uid, collaboration_id=collaboration.pk, data=data))
        if len(batch) >= BATCH:
            Entry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    edition.collaborations = count + len(batch)
    edition.save(update_fields=["collaborations"])
    collaborations_changed()  # record pages list each edition a record is in; the edition facet counts
    return edition


def edition_publish(*, name: str, as_of: datetime.date, baseline: bool = False, round_=None, user=None) -> Edition:
    """Freeze every published collaboration into a new edition; later edits never change it."""
    records = published_records().iterator(chunk_size=BATCH)
    return edition_create(
        name=name,
        as_of=as_of,
        entries=((c, entry_data(c)) for c in records),
        baseline=baseline,
        round_=round_,
        user=user,
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:150] or "edition"
    slug, n = base, 1
    while Edition.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def edition_set_baseline(*, edition: Edition) -> Edition:
    """Make `edition` the one baseline every other edition is compared with."""
    Edition.objects.filter(is_baseline=True).exclude(pk=edition.pk).update(is_baseline=False)
    edition.is_baseline = True
    edition.save(update_fields=["is_baseline"])
    collaborations_changed()  # theme pages count growth since the baseline
    return edition
