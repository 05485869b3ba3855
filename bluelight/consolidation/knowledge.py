"""What the matcher is told from the database when a round is matched: every organisation's names
and aliases (analysts' additions included), which body a commissioner or a merged service speaks
for, which partners are outside the emergency services, the live taxonomy, and the learned theme
model."""

from collections import defaultdict

from bluelight.collaborations.models import Theme
from bluelight.consolidation.matching import Knowledge
from bluelight.organisations.models import Alias, Organisation, OrganisationType

EMERGENCY_SERVICES = {
    OrganisationType.POLICE_FORCE,
    OrganisationType.FIRE_AND_RESCUE,
    OrganisationType.AMBULANCE_TRUST,
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER,
}


def _theme_model():
    """The theme suggester's probabilities, or None when it cannot be had (no taxonomy yet)."""
    from bluelight.consolidation.themes import ThemeModelError, ThemeSuggester

    try:
        suggester = ThemeSuggester.load()
    except ThemeModelError:
        return None
    return lambda texts: suggester.model.predict_proba(texts)


def matching_knowledge(*, with_themes: bool = True) -> Knowledge:
    organisations = list(Organisation.objects.prefetch_related("police_force_areas"))
    names = [o.name for o in organisations] + list(Alias.objects.values_list("name", flat=True))
    areas = {o.pk: frozenset(a.pk for a in o.police_force_areas.all()) for o in organisations}
    # A commissioner's reports name the partners of its force: in partner lists it counts as the
    # force that polices exactly the same areas.
    forces: dict[frozenset, list[int]] = defaultdict(list)
    for o in organisations:
        if o.type == OrganisationType.POLICE_FORCE and areas[o.pk]:
            forces[areas[o.pk]].append(o.pk)
    sides = {
        o.pk: forces[areas[o.pk]][0]
        for o in organisations
        if o.type == OrganisationType.POLICE_AND_CRIME_COMMISSIONER and len(forces.get(areas[o.pk], ())) == 1
    }
    # A service that merged into another speaks, in partners' lists, for the body it became:
    # partners name Dorset FRS or Dorset and Wiltshire FRS for the same control room.
    successor = {o.pk: o.successor_id for o in organisations if o.successor_id}
    for pk in successor:
        body, seen = pk, set()
        while body in successor and body not in seen:
            seen.add(body)
            body = successor[body]
        sides[pk] = sides.get(body, body)
    themes = list(Theme.objects.select_related("parent"))
    return Knowledge(
        organisation_names=names,
        theme_parents={t.code: t.parent.code if t.parent_id else t.code for t in themes},
        theme_words=frozenset(w for t in themes for w in t.name.replace("-", " ").split()),
        theme_model=_theme_model() if with_themes and themes else None,
        sides=sides,
        minor=frozenset(o.pk for o in organisations if o.type not in EMERGENCY_SERVICES),
    )
