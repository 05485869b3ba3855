"""The demo world: a seeded, deterministic generator of collaborations, their history and evidence.

It returns plain dataclasses and never touches the database, so `bluelight demo`, the benchmarks
and the tests share one world (STYLE.md 17). Organisations and themes are named by their register
identifier and theme code, read from the same CSV files the register and taxonomy load from.

Each record is drawn from its own `random.Random` seeded with (seed, stream, index): record 7 of
seed 2014 is the same whether 10 or 100,000 records are generated, and a scale load can resume.
The world's "today" is fixed (`DEMO_TODAY`) so that it does not change with the day it is built.
"""

import csv
import datetime
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from bluelight.demo import texts
from bluelight.demo.places import REGION_PHRASES, TOWN_ONLY, TOWN_ORGANISATIONS, TOWNS

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ORGANISATIONS_CSV = PACKAGE_DIR / "organisations" / "data" / "organisations.csv"
AREAS_CSV = PACKAGE_DIR / "organisations" / "data" / "police_force_areas.csv"
THEMES_CSV = PACKAGE_DIR / "collaborations" / "data" / "themes.csv"

DEMO_TODAY = datetime.date(2026, 11, 1)
DEMO_SEED = 2014
DEMO_COUNT = 150
EARLIEST_START = 2009

# Final status at DEMO_TODAY, with weights: most collaborations run, some end, some are plans.
STATUS_WEIGHTS = {
    "operational": 45,
    "completed": 14,
    "discontinued": 11,
    "in_development": 16,
    "planned": 14,
}
DRAFT_SHARE = 0.1
# Areas with a demo editor get more records, so their editors have something to edit.
AREA_WEIGHTS = {"E23000031": 4.0, "E23000032": 4.0, "E23000034": 0.3}
CORE_TYPES = {
    "P": "police_force",
    "F": "fire_and_rescue",
    "A": "ambulance_trust",
    "C": "police_and_crime_commissioner",
}


# ---------------------------------------------------------------------------------------------
# What the generator produces


@dataclass(frozen=True)
class StatusChange:
    """From `on`, the collaboration had `status` (with `reason` when it ended)."""

    on: datetime.date
    status: str
    reason: str = ""


@dataclass
class DemoPartner:
    organisation: str  # register identifier (slug)
    is_lead: bool = False
    role: str = ""


@dataclass
class DemoBenefit:
    kind: str
    amount_gbp: Decimal
    basis: str
    price_year: int
    accrues_to: str | None = None
    to_date: datetime.date | None = None
    description: str = ""


@dataclass
class DemoOutcome:
    description: str
    measure: str = ""
    value: Decimal | None = None


@dataclass
class DemoContact:
    name: str
    email: str
    organisation: str | None = None
    role: str = ""


@dataclass
class DemoCollaboration:
    key: str
    area: str
    title: str
    description: str
    status: str
    status_reason: str
    scope: str
    primary_theme: str
    secondary_themes: list[str]
    start_date: datetime.date | None
    start_precision: str
    end_date: datetime.date | None
    end_precision: str
    lessons: str
    publication: str
    partners: list[DemoPartner]
    benefits: list[DemoBenefit] = field(default_factory=list)
    outcomes: list[DemoOutcome] = field(default_factory=list)
    contacts: list[DemoContact] = field(default_factory=list)
    timeline: list[StatusChange] = field(default_factory=list)

    @property
    def lead(self) -> str:
        return next(p.organisation for p in self.partners if p.is_lead)

    @property
    def first_known(self) -> datetime.date:
        return self.timeline[0].on

    def state_at(self, day: datetime.date) -> StatusChange | None:
        """The status in force on `day`, or None if nobody had heard of the collaboration yet."""
        current = None
        for change in self.timeline:
            if change.on > day:
                break
            current = change
        return current


@dataclass
class DemoEvidence:
    key: str
    title: str
    kind: str
    url: str
    author: str
    year: int
    summary: str
    strength: int
    collaborations: list[str]  # keys of DemoCollaboration
    themes: list[str]  # theme codes


@dataclass
class DemoWorld:
    seed: int
    collaborations: list[DemoCollaboration]
    evidence: list[DemoEvidence]

    def state_at(self, day: datetime.date) -> dict[str, str]:
        """Each known collaboration's status on `day`, by key: the world as a survey then would see it."""
        states = {}
        for item in self.collaborations:
            change = item.state_at(day)
            if change is not None:
                states[item.key] = change.status
        return states


# ---------------------------------------------------------------------------------------------
# Reference data, read once from the package's CSV files


@dataclass(frozen=True)
class RegisterEntry:
    slug: str
    name: str
    type: str
    region: str
    areas: tuple[str, ...]
    valid_from: int | None
    valid_to: int | None

    def valid_in(self, year: int) -> bool:
        # Same convention as Organisation.is_valid_on: valid_to is the year it merged or closed.
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or self.valid_to > year)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    region: str


@cache
def register_entries() -> dict[str, RegisterEntry]:
    with open(ORGANISATIONS_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["org_id"]: RegisterEntry(
            slug=row["org_id"],
            name=row["name"].strip(),
            type=row["type"],
            region=row["region"],
            areas=tuple(a.strip() for a in row["covers_police_force_areas"].split(";") if a.strip()),
            valid_from=int(row["valid_from"]) if row["valid_from"].strip() else None,
            valid_to=int(row["valid_to"]) if row["valid_to"].strip() else None,
        )
        for row in rows
    }


@cache
def areas() -> dict[str, Area]:
    with open(AREAS_CSV, newline="", encoding="utf-8") as handle:
        return {row["code"]: Area(row["code"], row["name"], row["region"]) for row in csv.DictReader(handle)}


@cache
def theme_names() -> dict[str, tuple[str, str]]:
    """Theme code -> (name, parent code or "")."""
    with open(THEMES_CSV, newline="", encoding="utf-8") as handle:
        return {row["theme_code"]: (row["theme_name"], row["parent_code"]) for row in csv.DictReader(handle)}


@cache
def _organisations_by_area_and_type() -> dict[tuple[str, str], tuple[RegisterEntry, ...]]:
    found: dict[tuple[str, str], list[RegisterEntry]] = {}
    for entry in register_entries().values():
        for area in entry.areas:
            found.setdefault((area, entry.type), []).append(entry)
    return {key: tuple(sorted(value, key=lambda e: e.slug)) for key, value in found.items()}


def _candidates(area: str, org_type: str, year: int, town: str | None) -> list[RegisterEntry]:
    """Register organisations of a type serving the area (and town) that existed in `year`."""
    entries = _organisations_by_area_and_type().get((area, org_type), ())
    allowed = set(TOWN_ORGANISATIONS.get(town or "", ()))
    if any(e.slug in allowed for e in entries):
        entries = tuple(e for e in entries if e.slug in allowed)
    else:
        entries = tuple(e for e in entries if e.slug not in TOWN_ONLY)
    return [e for e in entries if e.valid_in(year)]


# ---------------------------------------------------------------------------------------------
# The generator


def _rng(seed: int, stream: str, index: int) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random, so it is stable across runs and
    # Python processes (unlike hash()).
    return random.Random(f"{seed}/{stream}/{index}")


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _add_months(day: datetime.date, months: int) -> tuple[int, int]:
    total = day.year * 12 + (day.month - 1) + months
    return total // 12, total % 12 + 1


def _random_month(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """The first day of a random month between two dates (inclusive)."""
    a = first.year * 12 + first.month - 1
    b = last.year * 12 + last.month - 1
    total = rng.randint(a, max(a, b))
    return _month_start(total // 12, total % 12 + 1)


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    """A log-uniform sum rounded to two significant figures, as returns usually report money."""
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    digits = int(math.floor(math.log10(value))) - 1
    rounded = round(value / 10**digits) * 10**digits
    return Decimal(int(rounded)).quantize(Decimal("0.01"))


@dataclass
class _Dates:
    status: str
    start: datetime.date | None
    start_precision: str
    end: datetime.date | None
    end_precision: str
    timeline: list[StatusChange]
    reason: str = ""
    lesson: str = ""


def _dates(rng: random.Random, status: str, family: str) -> _Dates:
    """Start, end and a status timeline consistent with `status` on DEMO_TODAY.

    `family` is the top-level theme, so that the reason a collaboration ended fits what it did.
    """
    today = DEMO_TODAY
    precision = "month" if rng.random() < 0.7 else "year"
    last_month = _month_start(*_add_months(today, -1))
    if status in ("planned", "in_development"):
        conceived = _random_month(rng, datetime.date(2022, 1, 1), _month_start(*_add_months(today, -2)))
        timeline = [StatusChange(conceived, "planned")]
        if status == "in_development":
            developing = min(_month_start(*_add_months(conceived, rng.randint(2, 14))), last_month)
            timeline.append(StatusChange(developing, "in_development"))
        start = None
        if rng.random() < 0.6:
            start = _random_month(rng, datetime.date(today.year + 1, 1, 1), datetime.date(today.year + 2, 12, 1))
            if precision == "year":
                start = datetime.date(start.year, 1, 1)
        return _Dates(status, start, precision, None, "year", timeline)

    # Started at some point: operational now, or ended (completed or discontinued).
    latest_start = _month_start(*_add_months(today, -3 if status == "operational" else -15))
    start = _random_month(rng, datetime.date(EARLIEST_START, 1, 1), latest_start)
    if precision == "year":
        start = datetime.date(start.year, 1, 1)
    lead_in = rng.randint(4, 30)  # months from the first idea to the start
    conceived = _month_start(*_add_months(start, -lead_in))
    developing = _month_start(*_add_months(start, -rng.randint(1, lead_in - 1)))
    timeline = [StatusChange(conceived, "planned"), StatusChange(developing, "in_development")]
    never_started = status == "discontinued" and rng.random() < 0.25
    if never_started:
        start = None
    else:
        timeline.append(StatusChange(start, "operational"))
    if status == "operational":
        return _Dates(status, start, precision, None, "year", timeline)

    # Ended: pick the end month so the whole period lies before DEMO_TODAY.
    begun = start or developing
    year, month = min(_add_months(begun, rng.randint(3, 72)), _add_months(last_month, 0))
    end_precision = "month" if rng.random() < 0.75 or year >= today.year or year == begun.year else "year"
    end = _month_end(year, 12) if end_precision == "year" else _month_end(year, month)
    if status == "completed":
        reason, lesson = rng.choice([r for r, fits in texts.COMPLETED if not fits or family in fits]), ""
    else:
        reason, lesson, _fits = rng.choice([e for e in texts.DISCONTINUED if not e[2] or family in e[2]])
    timeline.append(StatusChange(end, status, reason))
    return _Dates(status, start, precision, end, end_precision, timeline, reason, lesson)


@cache
def _children() -> dict[str, tuple[str, ...]]:
    """Top-level theme code -> its second-level codes that have demo texts."""
    found: dict[str, list[str]] = {}
    for code in _subthemes()[0]:
        found.setdefault(theme_names()[code][1], []).append(code)
    return {parent: tuple(codes) for parent, codes in found.items()}


@cache
def _area_weights() -> tuple[tuple[str, ...], tuple[float, ...]]:
    codes = tuple(sorted(TOWNS))
    return codes, tuple(AREA_WEIGHTS.get(c, 1.0) for c in codes)


def _pick_area(rng: random.Random) -> str:
    codes, weights = _area_weights()
    return rng.choices(codes, weights=weights)[0]


def _partners(
    rng: random.Random, theme: texts.ThemeText, scope: str, area: str, town: str | None, year: int
) -> list[RegisterEntry]:
    """Organisations that would really work together: the same area's services, or a region's."""
    wanted = [CORE_TYPES[letter] for letter in theme.partners]
    if "police_and_crime_commissioner" not in wanted and "police_force" in wanted and rng.random() < 0.2:
        wanted.append("police_and_crime_commissioner")
    if "ambulance_trust" not in wanted and rng.random() < 0.15:
        wanted.append("ambulance_trust")
    if scope == "local":
        scheme_areas = [area]
    else:
        region = areas()[area].region
        pool = sorted(c for c, a in areas().items() if (a.region == region) == (scope == "regional") and c != area)
        scheme_areas = [
            area,
            *rng.sample(pool, min(len(pool), rng.randint(2, 3) if scope == "regional" else 4)),
        ]
    chosen: dict[str, RegisterEntry] = {}  # by slug, in the order chosen
    for index, scheme_area in enumerate(scheme_areas):
        for org_type in wanted:
            options = _candidates(scheme_area, org_type, year, town if index == 0 else None)
            if options:
                entry = rng.choice(options)
                chosen.setdefault(entry.slug, entry)
    for org_type in ("police_force", "fire_and_rescue", "ambulance_trust"):
        if len(chosen) >= 2:
            break
        for entry in _candidates(area, org_type, year, town):
            if entry.slug not in chosen:
                chosen[entry.slug] = entry
                break
    if scope == "national" and rng.random() < 0.3:
        chosen.setdefault("british_transport_police", register_entries()["british_transport_police"])
    return list(chosen.values())


def _area_name(area: str) -> str:
    # The Metropolitan Police's area is London to everyone outside the force.
    return "London" if area == "E23000001" else areas()[area].name


def _place(scope: str, area: str, town: str) -> str:
    if scope == "national":
        return "England and Wales"
    if scope == "regional":
        return REGION_PHRASES.get(areas()[area].region, areas()[area].region)
    return town


def _name_of(partners: list[RegisterEntry], org_type: str, fallback: str) -> str:
    return next((p.name for p in partners if p.type == org_type), fallback)


def _benefits(
    rng: random.Random,
    theme: texts.ThemeText,
    dates: _Dates,
    partners: list[DemoPartner],
) -> list[DemoBenefit]:
    """Money kept apart by kind, with a basis that fits the stage the collaboration has reached."""
    slugs = [p.organisation for p in partners]
    lead = next(p.organisation for p in partners if p.is_lead)
    scale = theme.money
    ran = dates.start is not None and dates.start <= DEMO_TODAY
    report_year = min(DEMO_TODAY.year, (dates.end or DEMO_TODAY).year)
    benefits = []

    def accrues() -> str | None:
        return None if rng.random() < 0.25 else rng.choice(slugs)

    def funds(funding_year: int) -> list[str]:
        return [name for name, first, last in texts.FUNDS if first <= funding_year <= last]

    if dates.status in ("planned", "in_development"):
        if rng.random() < 0.6:
            benefits.append(
                DemoBenefit(
                    "annual_saving",
                    _money(rng, 15_000 * scale, 400_000 * scale),
                    "estimated",
                    DEMO_TODAY.year,
                    accrues(),
                    None,
                    "Projected saving in the business case",
                )
            )
        if rng.random() < 0.5:
            benefits.append(
                DemoBenefit(
                    "investment_cost",
                    _money(rng, 20_000 * scale, 900_000 * scale),
                    "estimated",
                    DEMO_TODAY.year,
                    lead,
                    None,
                    "Estimated set-up cost",
                )
            )
        return benefits

    funding_year = (dates.start or dates.timeline[1].on).year
    if rng.random() < (0.55 if dates.status == "discontinued" else 0.5):
        benefits.append(
            DemoBenefit(
                "investment_cost",
                _money(rng, 20_000 * scale, 1_500_000 * scale),
                "realised",
                funding_year,
                lead,
                None,
                rng.choice(("Set-up and building costs", "Project team and training", "Equipment and systems")),
            )
        )
    available = funds(funding_year)
    if available and rng.random() < 0.3:
        benefits.append(
            DemoBenefit(
                "external_funding",
                _money(rng, 40_000, 2_500_000),
                "realised",
                funding_year,
                lead,
                None,
                rng.choice(available),
            )
        )
    if not ran:
        return benefits
    if dates.status == "discontinued":
        if rng.random() < 0.3:
            benefits.append(
                DemoBenefit(
                    "annual_saving",
                    _money(rng, 10_000 * scale, 200_000 * scale),
                    "estimated",
                    funding_year,
                    accrues(),
                    None,
                    "Forecast saving, not achieved before the work stopped",
                )
            )
        return benefits

    if rng.random() < 0.75:
        basis = _weighted(rng, {"realised": 50, "estimated": 35, "independently_evaluated": 15})
        benefits.append(
            DemoBenefit(
                "annual_saving",
                _money(rng, 10_000 * scale, 600_000 * scale),
                basis,
                rng.randint(dates.start.year, report_year),
                accrues(),
                None,
                rng.choice(
                    (
                        "Reduced running costs",
                        "Shared staffing and overheads",
                        "Lower premises costs",
                        "Fewer duplicated attendances",
                    )
                ),
            )
        )
    if rng.random() < 0.3:
        last = min(dates.end or DEMO_TODAY, DEMO_TODAY)
        month = _random_month(rng, dates.start, last)
        to_date = max(min(_month_end(month.year, month.month), last), dates.start)
        years = max(1, to_date.year - dates.start.year)
        benefits.append(
            DemoBenefit(
                "cumulative_saving",
                _money(rng, 20_000 * scale * years, 500_000 * scale * years),
                "realised",
                to_date.year,
                accrues(),
                to_date,
                "Savings to date since the start",
            )
        )
    if rng.random() < 0.3:
        benefits.append(
            DemoBenefit(
                "non_cashable",
                _money(rng, 5_000, 400_000),
                "estimated",
                rng.randint(dates.start.year, report_year),
                accrues(),
                None,
                "Value of officer and staff time released (non-cashable)",
            )
        )
    return benefits


def _outcomes(rng: random.Random, theme: texts.ThemeText, dates: _Dates) -> list[DemoOutcome]:
    if dates.start is None or dates.start > DEMO_TODAY or not theme.outcomes:
        return []
    count = rng.choice((0, 1, 1, 2)) if dates.status != "discontinued" else rng.choice((0, 0, 1))
    outcomes = []
    for spec in rng.sample(theme.outcomes, min(count, len(theme.outcomes))):
        raw = rng.uniform(spec.low, spec.high)
        value = Decimal(str(round(raw, spec.decimals))) if spec.decimals else Decimal(int(raw))
        outcomes.append(DemoOutcome(spec.text.format(v=value), spec.measure, value))
    return outcomes


def _contact(rng: random.Random, lead: str) -> DemoContact:
    first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
    return DemoContact(f"{first} {last}", f"{first}.{last}@example.org".lower(), lead, rng.choice(texts.CONTACT_ROLES))


@cache
def _subthemes() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Second-level theme codes that have demo texts, and their weights."""
    codes = tuple(code for code, (_name, parent) in theme_names().items() if parent and code in texts.THEMES)
    return codes, tuple(texts.THEMES[c].weight for c in codes)


def collaboration_generate(*, seed: int, index: int, stream: str = "demo", attempt: int = 0) -> DemoCollaboration:
    """One collaboration of the world, a pure function of (seed, stream, index, attempt)."""
    rng = _rng(seed, f"{stream}.{attempt}" if attempt else stream, index)
    codes, weights = _subthemes()
    primary = rng.choices(codes, weights=weights)[0]
    theme = texts.THEMES[primary]
    scope = ("local", "regional", "national")[rng.choices((0, 1, 2), weights=theme.scopes)[0]]
    area = _pick_area(rng)
    town = rng.choice(TOWNS[area])
    status = _weighted(rng, STATUS_WEIGHTS)
    dates = _dates(rng, status, theme_names()[primary][1])
    year = (dates.start or dates.timeline[0].on).year
    entries = _partners(rng, theme, scope, area, town if scope == "local" else None, year)

    preferred = CORE_TYPES[theme.partners[0]]
    leads = [e for e in entries if e.type == preferred] if rng.random() < 0.7 else []
    lead = leads[0] if leads else rng.choice(entries)
    partners = [DemoPartner(e.slug, e is lead, rng.choice(texts.ROLES.get(e.type, ("",)))) for e in entries]

    place = _place(scope, area, town)
    names = {
        "place": place,
        "area": _area_name(area),
        "police": _name_of(entries, "police_force", "the police"),
        "fire": _name_of(entries, "fire_and_rescue", "the fire and rescue service"),
        "ambulance": _name_of(entries, "ambulance_trust", "the ambulance service"),
        "codename": rng.choice(texts.CODENAMES),
    }
    titles = {"regional": theme.regional_titles, "national": theme.national_titles}.get(scope) or theme.titles
    title = rng.choice(titles).format(**names)
    description = rng.choice(theme.descriptions).format(**names)
    if status in ("planned", "in_development"):
        description += " " + rng.choice(texts.PLANNING_NOTES)

    secondary = []
    if rng.random() < 0.3:
        siblings = [c for c in _children()[theme_names()[primary][1]] if c != primary]
        others = [c for c in codes if c != primary]
        secondary = [rng.choice(siblings if siblings and rng.random() < 0.6 else others)]

    lessons = dates.lesson
    if not lessons and dates.start and dates.start <= DEMO_TODAY and rng.random() < 0.4:
        lessons = " ".join(rng.sample(texts.LESSONS, rng.randint(1, 2)))

    contacts = [_contact(rng, lead.slug)]
    if rng.random() < 0.2:
        other = rng.choice([p for p in partners if not p.is_lead])
        contacts.append(_contact(rng, other.organisation))

    return DemoCollaboration(
        key=f"{stream}-{seed}-{index:06d}",
        area=area,
        title=title,
        description=description,
        status=status,
        status_reason=dates.reason,
        scope=scope,
        primary_theme=primary,
        secondary_themes=secondary,
        start_date=dates.start,
        start_precision=dates.start_precision,
        end_date=dates.end,
        end_precision=dates.end_precision,
        lessons=lessons,
        publication="draft" if rng.random() < DRAFT_SHARE else "published",
        partners=partners,
        benefits=_benefits(rng, theme, dates, partners),
        outcomes=_outcomes(rng, theme, dates),
        contacts=contacts,
        timeline=dates.timeline,
    )


def collaborations_generate(
    *, seed: int, count: int, start: int = 0, stream: str = "demo", unique_titles: bool = False
) -> Iterator[DemoCollaboration]:
    """Records `start` to `start + count - 1` of the world, one at a time (memory stays flat).

    With `unique_titles`, a record whose title was already used is drawn again, so the small demo
    world has no accidental duplicates for consolidation to trip over; scale data skips this.
    """
    seen: set[str] = set()
    for index in range(start, start + count):
        item = collaboration_generate(seed=seed, index=index, stream=stream)
        attempt = 0
        while unique_titles and item.title in seen and attempt < 30:
            attempt += 1
            item = collaboration_generate(seed=seed, index=index, stream=stream, attempt=attempt)
        if unique_titles:
            seen.add(item.title)
        yield item


EVIDENCE_KINDS = {
    # kind: (weight, lowest and highest Maryland rating, title templates)
    "evaluation": (
        6,
        (2, 5),
        (
            "Evaluation of {theme_lower} in {area}",
            "{theme} in {area}: an outcome evaluation",
            "{theme} in {area}: what difference did it make?",
        ),
    ),
    "audit": (
        3,
        (0, 2),
        ("Inspection of {theme_lower} arrangements in {area}", "Value for money audit: {theme}, {area}"),
    ),
    "research": (
        4,
        (1, 4),
        ("What works in {theme_lower}: a rapid evidence review", "{theme}: a comparative study"),
    ),
    "case_study": (2, (0, 1), ("Case study: {title}",)),
}


def evidence_generate(*, seed: int, collaborations: list[DemoCollaboration], count: int = 15) -> list[DemoEvidence]:
    """Evaluations, audits and research about collaborations that have run, rated 0 to 5."""
    rng = _rng(seed, "evidence", 0)
    ran = [c for c in collaborations if c.start_date and c.start_date <= DEMO_TODAY]
    by_theme: dict[str, list[DemoCollaboration]] = {}
    for item in ran:
        by_theme.setdefault(item.primary_theme, []).append(item)
    themes = sorted(by_theme, key=lambda code: (-len(by_theme[code]), code))
    evidence, titles = [], set()
    for number in range(count):
        if not themes:
            break
        code = themes[number % len(themes)] if number < len(themes) else rng.choice(themes)
        kinds = list(EVIDENCE_KINDS)
        kind = rng.choices(kinds, weights=[EVIDENCE_KINDS[k][0] for k in kinds])[0]
        _weight, (low, high), templates = EVIDENCE_KINDS[kind]
        subjects = rng.sample(by_theme[code], min(len(by_theme[code]), rng.randint(1, 3)))
        if kind == "research" and rng.random() < 0.4:
            subjects = []
        first = subjects[0] if subjects else rng.choice(by_theme[code])
        theme_name = theme_names()[code][0]
        title = rng.choice(templates).format(
            theme=theme_name,
            theme_lower=theme_name[0].lower() + theme_name[1:],
            area=_area_name(first.area),
            title=first.title,
        )
        if title in titles:
            title = f"{title} ({number + 1})"
        titles.add(title)
        started = max((s.start_date.year for s in subjects), default=2012)
        year = rng.randint(min(started + 1, DEMO_TODAY.year), DEMO_TODAY.year)
        strength = rng.randint(low, high)
        covering = f"{len(subjects)} collaboration(s)" if subjects else "across services"
        parent = theme_names()[code][1]
        evidence.append(
            DemoEvidence(
                key=f"evidence-{seed}-{number:03d}",
                title=title,
                kind=kind,
                url=f"https://example.org/evidence/{seed}/{number + 1:03d}",
                author=rng.choice(texts.EVIDENCE_AUTHORS),
                year=year,
                summary=(
                    f"A {kind.replace('_', ' ')} of {theme_name.lower()} ({covering}), rated {strength} on "
                    "the Maryland Scientific Methods Scale. Demo data."
                ),
                strength=strength,
                collaborations=[s.key for s in subjects],
                themes=[code, parent] if parent and rng.random() < 0.3 else [code],
            )
        )
    return evidence


def world_build(*, seed: int = DEMO_SEED, count: int = DEMO_COUNT) -> DemoWorld:
    """The demo world: `count` collaborations with unique titles and about 15 evidence items."""
    collaborations = list(collaborations_generate(seed=seed, count=count, unique_titles=True))
    return DemoWorld(seed, collaborations, evidence_generate(seed=seed, collaborations=collaborations))
