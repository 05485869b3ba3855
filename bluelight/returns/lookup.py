"""Find a round or an organisation from what a person typed on the command line (id or name)."""

from django.core.management.base import CommandError

from bluelight.organisations.models import Organisation
from bluelight.organisations.resolution import resolve
from bluelight.returns.models import Round


def find_round(text: str) -> Round:
    text = str(text).strip()
    found = Round.objects.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or Round.objects.filter(name__iexact=text).first()
    if found is None:
        names = ", ".join(f"{r.pk}: {r.name}" for r in Round.objects.all()[:10]) or "none yet"
        raise CommandError(f"No round {text!r}. Rounds: {names}.")
    return found


def find_organisation(text: str) -> Organisation:
    """An organisation by id, identifier, or any name that resolves through the register."""
    text = str(text).strip()
    if text.isdigit() and (org := Organisation.objects.filter(pk=int(text)).first()):
        return org
    if org := Organisation.objects.filter(slug=text).first():
        return org
    result = resolve(text)
    if result.match is None:
        raise CommandError(result.message)
    return result.match
