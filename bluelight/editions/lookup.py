"""Finding an edition from what a user typed: its id, name or identifier (slug)."""

from django.core.management.base import CommandError

from bluelight.editions.models import Edition


def find_edition(text: str) -> Edition:
    text = str(text).strip()
    found = (
        (Edition.objects.filter(pk=int(text)).first() if text.isdigit() else None)
        or Edition.objects.filter(name__iexact=text).first()
        or Edition.objects.filter(slug=text).first()
    )
    if found is None:
        names = ", ".join(e.name for e in Edition.objects.all()[:10]) or "none yet"
        raise CommandError(f"No edition {text!r}. Editions: {names}.")
    return found
