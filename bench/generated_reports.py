"""A generated, labelled set of reports for scale tests of the matcher: the demo world as each
partner would report it, plus hard negatives.

Its text comes from the demo generator's templates, which share words across partners: figures
measured on it are scale tests, never the matcher's quality (that is measured on reports written
by people, `bench/data/partner_reports_dev.csv`).


Every blue-light partner of a demo collaboration (police force, fire and rescue service,
ambulance trust, commissioner) sends its own report of it, worded its own way: aliases for
organisation names, "shared site" for "joint station", words dropped or reordered, the town
sometimes left out, a description of its own or none, a theme missing or a neighbouring one, the
start year a year out, a partner forgotten. Hard negatives are further collaborations of the same
partners that differ only where the analyst would look: the same kind of scheme in another town,
or another kind of scheme in the same town. Everything is seeded: the same arguments give the
same set. Pure Python, no database; organisations are numbered by their row in the register CSV.

The generator's wording rules are its own: the matcher's synonym list was not copied from them,
and several variations here ("facility" for "centre", "unit" for "team", "common" for "shared",
"agreement" for "protocol", "fire crews" for "firefighters", a whole other title for the scheme,
title case) are ones the matcher does not fold. Development was done on other seeds (5, 6, 7, 11,
99); the benchmark and the quality test use the demo world's own seed.
"""

import csv
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from bluelight.consolidation.matching import MatchItem, ProposedCluster
from bluelight.demo import texts
from bluelight.demo.places import TOWN_ONLY, TOWN_ORGANISATIONS, TOWNS
from bluelight.demo.world import (
    DEMO_COUNT,
    DEMO_SEED,
    ORGANISATIONS_CSV,
    DemoCollaboration,
    areas,
    collaborations_generate,
    register_entries,
    theme_names,
    world_build,
)

# The organisations that send returns; others (councils, charities) are partners only.
REPORTING_TYPES = ("police_force", "fire_and_rescue", "ambulance_trust", "police_and_crime_commissioner")
TYPE_LETTERS = {
    "P": "police_force",
    "F": "fire_and_rescue",
    "A": "ambulance_trust",
    "C": "police_and_crime_commissioner",
}

# How often each variation happens in one report.
P_TOWN_TWIN = 0.5  # a demo collaboration gets a twin: same partners and theme (or a sibling), another town
P_SIBLING_THEME_TWIN = 0.4  # ... and the twin is coded to a sibling sub-theme
P_THEME_TWIN = 0.25  # a twin of another kind (another top-level theme) in the same town
P_OMIT_PARTNER = 0.15  # a report leaves one partner out (when three or more remain listed)
P_WRONG_PARTNER = 0.02  # a partner slip: a neighbouring organisation of the same type listed instead
P_OTHER_TITLE = 0.12  # the partner calls the scheme something else (another title of the theme, same town)
P_ALIAS = 0.5  # an organisation typed by an alias rather than its name
P_SYNONYM = 0.5  # each word with a synonym swapped for it
P_REORDER = 0.3  # the town moved to the other end of the title
P_DROP_WORD = 0.2  # a word dropped from the title
P_NO_PLACE = 0.08  # the town left out of the title
P_TITLE_CASE = 0.08
P_LOWER_CASE = 0.04
P_NO_DESCRIPTION = 0.2
P_OTHER_DESCRIPTION = 0.25  # a description written from scratch (another template of the theme)
P_SHORT_DESCRIPTION = 0.2  # only the first sentence
P_NO_THEME = 0.35
P_SIBLING_THEME = 0.1
P_NO_YEAR = 0.25
P_YEAR_OFF = 0.2
P_STATUS_LAG = 0.1
P_EXISTING = 0.25  # the collaboration is already published (an existing record)
P_PREFILLED = 0.5  # ... and a report was pre-filled from that record

TITLE_SYNONYMS = {
    "joint": ("shared", "combined"),
    "shared": ("joint", "common"),
    "station": ("site", "base"),
    "centre": ("facility", "site"),
    "scheme": ("project", "initiative"),
    "pilot": ("trial",),
    "team": ("unit",),
    "programme": ("project",),
    "and": ("&",),
    "co-located": ("colocated", "shared"),
    "firefighters": ("fire crews",),
    "protocol": ("agreement",),
}
DROPPABLE = {"joint", "shared", "community", "emergency", "scheme", "pilot", "team", "new", "services", "service"}
STATUS_LAG = {
    "operational": "completed",
    "completed": "operational",
    "planned": "in_development",
    "in_development": "planned",
}


@dataclass(frozen=True)
class TrueCollaboration:
    """One collaboration as it really is: the label every report of it carries."""

    key: str
    partners: tuple[str, ...]  # register slugs
    title: str
    description: str
    theme: str
    start_year: int | None
    status: str
    kind: str  # "world", "other_town" (hard negative) or "other_theme" (hard negative)
    area: str
    town: str | None = None  # the town its title names, when it names one
    twin_of: str | None = None
    annual_savings_gbp: int | None = None


@dataclass
class EvaluationSet:
    """Reports with their true collaboration, and the existing records some of them update."""

    items: list[MatchItem]
    truth: dict[str, str]  # item key -> true collaboration key
    collaborations: dict[str, TrueCollaboration]
    existing: list[MatchItem] = field(default_factory=list)
    existing_truth: dict[int, str] = field(default_factory=dict)  # collaboration id -> true key
    typed_partners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # item key -> names as typed
    organisation_ids: dict[str, int] = field(default_factory=dict)
    # item key -> the annual saving it reports: partners disagree (the whole sum, their own share,
    # a rounder figure, none). Not used by matching; there for the merge to be tried on.
    reported_savings: dict[str, int | None] = field(default_factory=dict)

    def partner_sets(self) -> dict[str, frozenset[int]]:
        """True collaboration key -> its partners' ids."""
        ids = self.organisation_ids
        return {key: frozenset(ids[s] for s in c.partners) for key, c in self.collaborations.items()}

    @property
    def hard_negatives(self) -> int:
        return sum(1 for c in self.collaborations.values() if c.kind != "world")


# ---------------------------------------------------------------------------------------------
# The register, without a database


@cache
def knowledge():
    """What the matcher would be told from the database, read from the register CSV instead."""
    from bluelight.consolidation.matching import Knowledge

    emergency_services = {"police_force", "fire_and_rescue", "ambulance_trust", "police_and_crime_commissioner"}

    ids = organisation_ids()
    with open(ORGANISATIONS_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    forces = {r["covers_police_force_areas"]: ids[r["org_id"]] for r in rows if r["type"] == "police_force"}
    sides = {
        ids[r["org_id"]]: forces[r["covers_police_force_areas"]]
        for r in rows
        if r["type"] == "police_and_crime_commissioner" and r["covers_police_force_areas"] in forces
    }
    names = [r["name"] for r in rows] + [a for aliases in _aliases().values() for a in aliases]
    minor = frozenset(ids[r["org_id"]] for r in rows if r["type"] not in emergency_services)
    return Knowledge(organisation_names=names, sides=sides, minor=minor)


@cache
def organisation_ids() -> dict[str, int]:
    """Register slug -> a stable integer id: its row number in the register CSV (1 for the first)."""
    with open(ORGANISATIONS_CSV, newline="", encoding="utf-8") as handle:
        return {row["org_id"]: number for number, row in enumerate(csv.DictReader(handle), start=1)}


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    with open(ORGANISATIONS_CSV, newline="", encoding="utf-8") as handle:
        return {
            row["org_id"]: tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
            for row in csv.DictReader(handle)
        }


def _typed_name(rng: random.Random, slug: str) -> str:
    aliases = _aliases()[slug]
    if aliases and rng.random() < P_ALIAS:
        return rng.choice(aliases)
    return register_entries()[slug].name


# ---------------------------------------------------------------------------------------------
# Recovering how a demo title was written, so that a twin can be written the same way


def _area_name(area: str) -> str:
    return "London" if area == "E23000001" else areas()[area].name


def _names(partners: Iterable[str], area: str, place: str, codename: str) -> dict[str, str]:
    entries = [register_entries()[s] for s in partners]

    def first(org_type: str, fallback: str) -> str:
        return next((e.name for e in entries if e.type == org_type), fallback)

    return {
        "place": place,
        "area": _area_name(area),
        "police": first("police_force", "the police"),
        "fire": first("fire_and_rescue", "the fire and rescue service"),
        "ambulance": first("ambulance_trust", "the ambulance service"),
        "codename": codename,
    }


def _title_templates(theme: str) -> tuple[str, ...]:
    spec = texts.THEMES[theme]
    return spec.titles + spec.regional_titles + spec.national_titles


def _template_of(c: DemoCollaboration) -> tuple[str, str, str] | None:
    """(title template, town, code name) that wrote this local collaboration's title with its town in it."""
    slugs = [p.organisation for p in c.partners]
    for town in TOWNS[c.area]:
        if town not in c.title:
            continue
        for codename in texts.CODENAMES:
            names = _names(slugs, c.area, town, codename)
            for template in _title_templates(c.primary_theme):
                if "{place}" in template and template.format(**names) == c.title:
                    return template, town, codename
    return None


def _town_fits(town: str, partners: Iterable[str]) -> bool:
    """Whether these partners could run a scheme in this town (island and split fire services)."""
    allowed = set(TOWN_ORGANISATIONS.get(town, ()))
    for slug in partners:
        entry = register_entries()[slug]
        same_type = {s for s in allowed if register_entries()[s].type == entry.type}
        if (same_type and slug not in same_type) or (not same_type and slug in TOWN_ONLY):
            return False
    return True


def _types_cover(theme: str, partners: Iterable[str]) -> bool:
    types = {register_entries()[s].type for s in partners}
    return all(TYPE_LETTERS[letter] in types for letter in texts.THEMES[theme].partners)


def _place_templates(theme: str) -> tuple[str, ...]:
    return tuple(t for t in texts.THEMES[theme].titles if "{place}" in t)


def _parent(theme: str) -> str:
    return theme_names()[theme][1]


def _siblings(theme: str) -> list[str]:
    return sorted(c for c in texts.THEMES if c != theme and _parent(c) == _parent(theme))


def _truth_of(c: DemoCollaboration) -> TrueCollaboration:
    found = _template_of(c) if c.scope == "local" else None
    return TrueCollaboration(
        key=c.key,
        partners=tuple(p.organisation for p in c.partners),
        title=c.title,
        description=c.description,
        theme=c.primary_theme,
        start_year=c.start_date.year if c.start_date else None,
        status=c.status,
        kind="world",
        area=c.area,
        town=found[1] if found else None,
        annual_savings_gbp=next((int(b.amount_gbp) for b in c.benefits if b.kind == "annual_saving"), None),
    )


def _identity(truth: TrueCollaboration) -> tuple:
    """What makes two collaborations one: the same partners doing the same kind of thing in the same town
    (or, without a town, under the same title). The generator must not make two of them."""
    partners = tuple(sorted(truth.partners))
    return (partners, truth.theme, truth.town) if truth.town else (partners, truth.title)


def _twins(c: DemoCollaboration, seed: int, taken: set) -> list[TrueCollaboration]:
    """Hard negatives for one demo collaboration: the same partners elsewhere, or doing something else."""
    found = _template_of(c)
    if c.scope != "local" or found is None:
        return []
    template, town, codename = found
    rng = random.Random(f"{seed}/evaluation/twins/{c.key}")
    slugs = tuple(p.organisation for p in c.partners)
    twins = []

    def add(kind: str, theme: str, title_template: str, place: str) -> None:
        # A code name belongs to one operation: a twin has its own.
        names = _names(slugs, c.area, place, rng.choice([n for n in texts.CODENAMES if n != codename]))
        title = title_template.format(**names)
        start = rng.randint(2010, 2025) if rng.random() < 0.8 else None
        twin = TrueCollaboration(
            key=f"{c.key}-{kind}",
            partners=slugs,
            title=title,
            description=rng.choice(texts.THEMES[theme].descriptions).format(**names),
            theme=theme,
            start_year=start,
            status=rng.choice(("operational", "operational", "completed", "in_development")),
            kind=kind,
            area=c.area,
            town=place,
            twin_of=c.key,
            annual_savings_gbp=rng.choice((None, 25_000, 60_000, 150_000, 400_000)),
        )
        if title in taken or _identity(twin) in taken:
            return  # no accidental duplicates: titles stay unique, as in the demo world
        taken.update((title, _identity(twin)))
        twins.append(twin)

    if rng.random() < P_TOWN_TWIN:
        towns = [t for t in TOWNS[c.area] if t != town and _town_fits(t, slugs)]
        if towns:
            theme = c.primary_theme
            siblings = [s for s in _siblings(theme) if _place_templates(s) and _types_cover(s, slugs)]
            if siblings and rng.random() < P_SIBLING_THEME_TWIN:
                theme = rng.choice(siblings)
            # Most often the very same wording with another town: the hardest case.
            same = theme == c.primary_theme and rng.random() < 0.7
            add("other_town", theme, template if same else rng.choice(_place_templates(theme)), rng.choice(towns))
    if rng.random() < P_THEME_TWIN:
        others = sorted(
            t
            for t in texts.THEMES
            if _parent(t) != _parent(c.primary_theme) and _place_templates(t) and _types_cover(t, slugs)
        )
        if others:
            theme = rng.choice(others)
            add("other_theme", theme, rng.choice(_place_templates(theme)), town)
    return twins


# ---------------------------------------------------------------------------------------------
# One partner's report of one collaboration


def _swap_names(text: str, rng: random.Random, partners: Iterable[str]) -> str:
    for slug in partners:
        name = register_entries()[slug].name
        if name in text:
            text = text.replace(name, _typed_name(rng, slug))
    return text


def _synonyms(text: str, rng: random.Random) -> str:
    def swap(match: re.Match) -> str:
        word = match.group()
        options = TITLE_SYNONYMS.get(word.lower())
        if not options or rng.random() >= P_SYNONYM:
            return word
        chosen = rng.choice(options)
        return chosen[0].upper() + chosen[1:] if word[0].isupper() else chosen

    return re.sub(r"[A-Za-z][A-Za-z\-]*", swap, text)


_PLACE_LINK = r"(?: at| in| for| around| of| across)? "


def _title_variant(rng: random.Random, title: str, town: str | None, partners: Iterable[str]) -> str:
    text = _swap_names(title, rng, partners)
    if town and town in text:
        roll = rng.random()
        if roll < P_NO_PLACE + P_REORDER:
            rest = re.sub(r",? *" + _PLACE_LINK.strip() + r" *" + re.escape(town) + r"\b", "", text, count=1)
            rest = re.sub(r"^" + re.escape(town) + r"\s*", "", rest).strip(" ,:-")
            if rest and roll < P_NO_PLACE:
                text = rest[0].upper() + rest[1:]
            elif rest:
                text = rng.choice(
                    (f"{town} {rest[0].lower()}{rest[1:]}", f"{rest}, {town}", f"{rest} ({town})", f"{town}: {rest}")
                )
    text = _synonyms(text, rng)
    if rng.random() < P_DROP_WORD:
        words = text.split()
        droppable = [k for k, w in enumerate(words) if w.lower().strip(",:") in DROPPABLE and len(words) > 3]
        if droppable:
            del words[rng.choice(droppable)]
            text = " ".join(words)
            text = text[0].upper() + text[1:]
    roll = rng.random()
    if roll < P_TITLE_CASE:
        text = " ".join(
            w if w.lower() in {"and", "of", "at", "in", "for"} else w[:1].upper() + w[1:] for w in text.split()
        )
    elif roll < P_TITLE_CASE + P_LOWER_CASE:
        text = text.lower()
    return text


def _description_variant(rng: random.Random, truth: TrueCollaboration, town: str | None) -> str:
    roll = rng.random()
    if roll < P_NO_DESCRIPTION:
        return ""
    roll -= P_NO_DESCRIPTION
    text = truth.description
    if roll < P_OTHER_DESCRIPTION and town:
        names = _names(truth.partners, truth.area, town, "Beacon")
        text = rng.choice(texts.THEMES[truth.theme].descriptions).format(**names)
    elif roll < P_OTHER_DESCRIPTION + P_SHORT_DESCRIPTION:
        text = re.split(r"(?<=\.) ", text)[0]
    return _synonyms(_swap_names(text, rng, truth.partners), rng)


def _theme_variant(rng: random.Random, theme: str) -> str | None:
    roll = rng.random()
    if roll < P_NO_THEME:
        return None
    if roll < P_NO_THEME + P_SIBLING_THEME and _siblings(theme):
        return rng.choice(_siblings(theme))
    return theme


def _year_variant(rng: random.Random, year: int | None) -> int | None:
    roll = rng.random()
    if year is None or roll < P_NO_YEAR:
        return None
    if roll < P_NO_YEAR + P_YEAR_OFF:
        return year + rng.choice((-1, 1))
    return year


@cache
def _neighbours_by_region() -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in register_entries().values():
        if entry.valid_to is None:
            found[(entry.region, entry.type)].append(entry.slug)
    return {key: tuple(sorted(slugs)) for key, slugs in found.items()}


def _neighbours(slug: str) -> list[str]:
    """Organisations of the same type and region: who a partner is mistaken for."""
    entry = register_entries()[slug]
    return [s for s in _neighbours_by_region().get((entry.region, entry.type), ()) if s != slug]


def _savings_variant(rng: random.Random, amount: int | None, partners: int) -> int | None:
    roll = rng.random()
    if amount is None or roll < 0.1:
        return None
    if roll < 0.4:
        return amount // partners  # its own share
    if roll < 0.6:
        return round(amount, -4) or amount  # a rounder figure
    return amount


def _reports(
    truth: TrueCollaboration, seed: int, existing_id: int | None
) -> Iterator[tuple[MatchItem, tuple[str, ...], int | None]]:
    """Each reporting partner's item (key left blank), the partner names it typed and the saving it reports."""
    ids = organisation_ids()
    town = truth.town
    for reporter in truth.partners:
        if register_entries()[reporter].type not in REPORTING_TYPES:
            continue
        rng = random.Random(f"{seed}/evaluation/report/{truth.key}/{reporter}")
        others = [s for s in truth.partners if s != reporter]
        if len(others) >= 3 and rng.random() < P_OMIT_PARTNER:
            others.remove(rng.choice(others))
        if others and rng.random() < P_WRONG_PARTNER:
            slip = rng.choice(others)
            neighbours = _neighbours(slip)
            if neighbours:
                others[others.index(slip)] = rng.choice(neighbours)
        typed = tuple(_typed_name(rng, s) for s in others)
        title = truth.title
        if town and rng.random() < P_OTHER_TITLE:
            names = _names(truth.partners, truth.area, town, "Beacon")
            title = rng.choice(_place_templates(truth.theme) or (title,)).format(**names)
        prefilled = existing_id is not None and rng.random() < P_PREFILLED
        status = truth.status
        if rng.random() < P_STATUS_LAG:
            status = STATUS_LAG.get(status, status)
        item = MatchItem(
            key="",
            partners=frozenset(ids[s] for s in [reporter, *others]),
            title=truth.title if prefilled else _title_variant(rng, title, town, truth.partners),
            description=truth.description if prefilled else _description_variant(rng, truth, town),
            reporter=ids[reporter],
            return_id=ids[reporter],  # one return per organisation in the round
            theme=truth.theme if prefilled else _theme_variant(rng, truth.theme),
            start_year=truth.start_year if prefilled else _year_variant(rng, truth.start_year),
            status=status,
            known_collaboration=existing_id if prefilled else None,
        )
        yield item, typed, _savings_variant(rng, truth.annual_savings_gbp, len(truth.partners))


def _assemble(truths: Iterable[TrueCollaboration], seed: int, limit: int | None = None) -> EvaluationSet:
    ids = organisation_ids()
    rng = random.Random(f"{seed}/evaluation/assemble")
    items, truth_of, typed, collaborations = [], {}, {}, {}
    existing, existing_truth = [], {}
    for truth in truths:
        collaborations[truth.key] = truth
        existing_id = None
        if rng.random() < P_EXISTING:
            existing_id = len(existing) + 1
            existing_truth[existing_id] = truth.key
            existing.append(
                MatchItem(
                    key=f"collaboration:{existing_id}",
                    partners=frozenset(ids[s] for s in truth.partners),
                    title=truth.title,
                    description=truth.description,
                    theme=truth.theme,
                    start_year=truth.start_year,
                    status=truth.status,
                    collaboration=existing_id,
                )
            )
        for item, names, saving in _reports(truth, seed, existing_id):
            items.append((item, truth.key, names, saving))
        if limit is not None and len(items) >= limit:
            break
    if limit is not None:
        items = items[:limit]
    # Returns arrive in no particular order: shuffle, then number the items.
    rng.shuffle(items)
    numbered = []
    savings = {}
    for number, (item, key, names, saving) in enumerate(items, start=1):
        item_key = f"item:{number}"
        numbered.append(replace(item, key=item_key))
        truth_of[item_key] = key
        typed[item_key] = names
        savings[item_key] = saving
    used = set(truth_of.values())
    collaborations = {k: c for k, c in collaborations.items() if k in used}
    return EvaluationSet(numbered, truth_of, collaborations, existing, existing_truth, typed, dict(ids), savings)


def _with_twins(
    collaborations: Iterable[DemoCollaboration], seed: int, *, skip_duplicates: bool = False
) -> Iterator[TrueCollaboration]:
    """Each collaboration followed by its hard negatives. With `skip_duplicates` (generated data at
    scale, which does not keep titles unique) a collaboration identical to an earlier one is left
    out: two records that nobody could tell apart are noise, not a test."""
    taken: set = set()
    for c in collaborations:
        truth = _truth_of(c)
        if skip_duplicates and _identity(truth) in taken:
            continue
        taken.update((c.title, _identity(truth)))
        yield truth
        yield from _twins(c, seed, taken)


def evaluation_build(*, seed: int = DEMO_SEED, count: int = DEMO_COUNT) -> EvaluationSet:
    """The standard set: the demo world (`count` collaborations), every partner reporting, plus hard negatives."""
    world = world_build(seed=seed, count=count)
    return _assemble(_with_twins(world.collaborations, seed), seed)


def evaluation_scaled(*, items: int, seed: int = DEMO_SEED) -> EvaluationSet:
    """Exactly `items` reports, drawn the same way from as many generated collaborations as it takes."""

    def endless() -> Iterator[DemoCollaboration]:
        start = 0
        while True:
            yield from collaborations_generate(seed=seed, count=1000, start=start, stream="evaluation-scale")
            start += 1000

    return _assemble(_with_twins(endless(), seed, skip_duplicates=True), seed, limit=items)


# ---------------------------------------------------------------------------------------------
# Scores


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class PairwiseScores:
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int


def pairwise_scores(predicted: list[ProposedCluster], truth: dict[str, str]) -> PairwiseScores:
    """Precision, recall and F1 over pairs of items: is each pair put together exactly when it should be?"""
    cells: Counter = Counter()
    sizes: Counter = Counter()
    for number, cluster in enumerate(predicted):
        sizes[number] = len(cluster.keys)
        for key in cluster.keys:
            cells[(number, truth[key])] += 1
    truth_sizes = Counter(truth.values())
    correct = sum(_pairs(n) for n in cells.values())
    predicted_pairs = sum(_pairs(n) for n in sizes.values())
    true_pairs = sum(_pairs(n) for n in truth_sizes.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(precision, recall, f1, predicted_pairs, true_pairs, correct)


@dataclass(frozen=True)
class HardNegativeScores:
    pairs: int  # pairs of items from different collaborations with the same partners
    false_merges: int  # of those, pairs put in one cluster
    rate: float


def hard_negative_scores(
    predicted: list[ProposedCluster], truth: dict[str, str], partner_sets: dict[str, frozenset[int]]
) -> HardNegativeScores:
    """False merges among the hardest pairs: reports of different collaborations between the same partners."""
    by_partners: dict[frozenset[int], Counter] = defaultdict(Counter)
    for collaboration in truth.values():
        by_partners[partner_sets[collaboration]][collaboration] += 1
    total = sum((sum(c.values()) ** 2 - sum(n * n for n in c.values())) // 2 for c in by_partners.values())
    false_merges = 0
    for cluster in predicted:
        inside: dict[frozenset[int], Counter] = defaultdict(Counter)
        for key in cluster.keys:
            inside[partner_sets[truth[key]]][truth[key]] += 1
        false_merges += sum((sum(c.values()) ** 2 - sum(n * n for n in c.values())) // 2 for c in inside.values())
    return HardNegativeScores(total, false_merges, false_merges / total if total else 0.0)


@dataclass(frozen=True)
class ExistingScores:
    expected: int  # true collaborations with an existing record and at least one report
    attached: int  # clusters attached to an existing record
    correct: int  # attached to the record of the collaboration most of their items report


def existing_scores(predicted: list[ProposedCluster], evaluation: EvaluationSet) -> ExistingScores:
    """How well clusters find the existing record they update."""
    reported = set(evaluation.truth.values())
    expected = sum(1 for key in evaluation.existing_truth.values() if key in reported)
    attached = correct = 0
    for cluster in predicted:
        if cluster.existing is None:
            continue
        attached += 1
        majority = Counter(evaluation.truth[k] for k in cluster.keys).most_common(1)[0][0]
        correct += evaluation.existing_truth.get(cluster.existing) == majority
    return ExistingScores(expected, attached, correct)
