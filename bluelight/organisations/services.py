"""Writes to the register: load the vetted reference data, add partners from outside it."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bluelight.organisations.models import Alias, Organisation, OrganisationType, PoliceForceArea

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _year(text: str) -> int | None:
    return int(text) if text.strip() else None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


@transaction.atomic
def register_load(*, path: Path | None = None) -> LoadSummary:
    """Create or update the reference register from its CSV; safe to run again (nothing duplicates).

    Organisations analysts added outside the register are left alone.
    """
    areas = {}
    with open(DATA_DIR / "police_force_areas.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            area, _created = PoliceForceArea.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "country": row["country"], "region": row["region"]},
            )
            areas[area.code] = area

    with open(path or DATA_DIR / "organisations.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    summary = LoadSummary()
    existing = {o.slug: o for o in Organisation.objects.prefetch_related("aliases", "police_force_areas")}
    by_slug = {}
    for row in rows:
        values = {
            "name": row["name"].strip(),
            "type": row["type"],
            "country": row["country"],
            "region": row["region"],
            "official_code": row["official_code"].strip(),
            "notes": row["notes"].strip(),
            "valid_from": _year(row["valid_from"]),
            "valid_to": _year(row["valid_to"]),
            "in_register": True,
        }
        org = existing.get(row["org_id"])
        if org is None:
            org = Organisation(slug=row["org_id"], **values)
            org.full_clean(exclude=["successor"])
            org.save()
            summary.created += 1
            changed = True
        else:
            changed = any(getattr(org, k) != v for k, v in values.items())
            if changed:
                for key, value in values.items():
                    setattr(org, key, value)
                org.full_clean(exclude=["successor"])
                org.save()
        # Aliases analysts added (learned, or for one reporter) are theirs: only the file's own are synced.
        wanted_aliases = set(_split(row["aliases"]))
        unscoped = [a for a in org.aliases.all() if a.reporter_id is None]
        have_aliases = {a.name for a in unscoped if a.from_register}
        if wanted_aliases != have_aliases:
            org.aliases.filter(from_register=True).exclude(name__in=wanted_aliases).delete()
            org.aliases.filter(reporter__isnull=True, name__in=wanted_aliases).update(from_register=True)
            others = {a.name for a in unscoped}
            Alias.objects.bulk_create(
                [Alias(organisation=org, name=name, from_register=True) for name in wanted_aliases - others]
            )
            changed = True
        wanted_areas = set(_split(row["covers_police_force_areas"]))
        if wanted_areas != {a.code for a in org.police_force_areas.all()}:
            org.police_force_areas.set([areas[code] for code in wanted_areas])
            changed = True
        if changed and org.slug in existing:
            summary.updated += 1
        elif org.slug in existing:
            summary.unchanged += 1
        by_slug[org.slug] = (org, row.get("successor", "").strip())

    for org, successor_slug in by_slug.values():
        successor = by_slug[successor_slug][0] if successor_slug else None
        if org.successor_id != (successor.pk if successor else None):
            org.successor = successor
            org.save(update_fields=["successor"])
    return summary


# Partners outside the register are of these kinds; blue-light bodies come from the register.
ADDABLE_TYPES = [
    OrganisationType.COUNCIL,
    OrganisationType.NHS_BODY,
    OrganisationType.CHARITY,
    OrganisationType.NATIONAL_BODY,
    OrganisationType.OTHER,
]


@transaction.atomic
def organisation_add(
    *, name: str, type: str, region: str = "", country: str = "England", aliases: list[str] | None = None
) -> Organisation:
    """Add a partner that is not in the register; refuse a name that already resolves to one."""
    from bluelight.organisations.resolution import resolve

    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the organisation's name.")]
    else:
        result = resolve(name)
        if result.match is not None:
            errors["name"] = [
                _("%(name)s is already in the register as %(existing)s (id %(id)s); use that organisation.")
                % {"name": name, "existing": result.match.name, "id": result.match.slug}
            ]
    if type not in OrganisationType.values:
        errors["type"] = [_("Choose a type from: %(types)s.") % {"types": ", ".join(t.value for t in ADDABLE_TYPES)}]
    aliases = [" ".join(a.split()) for a in (aliases or []) if a.strip()]
    base_slug = slugify(name)[:70] or "organisation"
    slug, n = base_slug, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base_slug}-{n}"
    org = Organisation(slug=slug, name=name, type=type, region=region, country=country, in_register=False)
    try:
        org.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in errors:  # the resolver's message already says why a duplicate name is refused
                errors[field] = messages
    if errors:
        raise ValidationError(errors)
    org.save()
    Alias.objects.bulk_create([Alias(organisation=org, name=a) for a in dict.fromkeys(aliases)])
    return org


@transaction.atomic
def alias_learn(*, organisation: Organisation, name: str, reporter: Organisation | None = None) -> Alias:
    """Record what an analyst settled: `name` means `organisation` (in `reporter`'s returns only, if given).

    A name that already stands for another organisation is learned only for one reporter: a
    global alias would make it mean two bodies for everyone. Learning the same thing twice is
    harmless; settling a reporter's name again moves it to the new organisation.
    """
    from bluelight.organisations.resolution import Resolver, normalise

    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Enter the name to learn.")]})
    if len(name) > Alias._meta.get_field("name").max_length:
        raise ValidationError({"name": [_("This is too long for a name: give one name.")]})
    if reporter is not None:
        existing = Alias.objects.filter(reporter=reporter, name__iexact=name).first()
        if existing is not None:
            if existing.organisation_id != organisation.pk:
                existing.organisation = organisation
                existing.save(update_fields=["organisation"])
            return existing
        alias = Alias(organisation=organisation, name=name, reporter=reporter)
        alias.full_clean()
        alias.save()
        return alias
    resolver = Resolver.from_db()
    others = sorted(
        {resolver.organisations[pk].name for pk in resolver.names_for(name) if pk != organisation.pk}
        | {o.name for o in Organisation.objects.filter(name__iexact=name).exclude(pk=organisation.pk)}
    )
    if others:
        raise ValidationError(
            {
                "name": [
                    _(
                        "%(name)s already stands for %(others)s: learn it for one reporting organisation "
                        "(--for), so that it keeps its meaning for everyone else."
                    )
                    % {"name": name, "others": "; ".join(others)}
                ]
            }
        )
    existing = next((a for a in organisation.aliases.filter(reporter__isnull=True)
                     if normalise(a.name) == normalise(name)), None)  # fmt: skip
    if existing is not None:
        return existing
    alias = Alias(organisation=organisation, name=name)
    alias.full_clean()
    alias.save()
    return alias
