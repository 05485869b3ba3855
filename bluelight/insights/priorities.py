"""Research priorities by theme: where collaboration appears to have most potential, and why, in numbers and words.

Two steps, kept apart so the same scoring serves the live records, an edition's frozen entries and the
overview report (ADR 0009). First the facts of each top-level theme (counts, savings, evidence) are read
from plain records, live or frozen (`facts_live`, `facts_of_edition`); they are the same for every reader
and kept under the records' version. Then `priorities_rank` turns facts, strategic weights and the reader's
component weights into normalised components, a score, a ranking, the reasons in words and the sensitivity
of the top five: cheap, so computed on every request.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bluelight.collaborations.models import (
    Basis,
    Benefit,
    BenefitKind,
    Collaboration,
    EvidenceItem,
    MarylandScale,
    Outcome,
    Partner,
    Publication,
    Theme,
)
from bluelight.collaborations.selectors import figures_cached
from bluelight.editions.models import Edition
from bluelight.insights.models import STRATEGIC_MAX, StrategicWeight
from bluelight.organisations.models import SERVICE_OF_TYPE, Organisation, Service
from bluelight.organisations.selectors import bodies_on

SERVICES = (Service.POLICE, Service.FIRE, Service.AMBULANCE)
GOOD_EVIDENCE = MarylandScale.COMPARISON  # 3 or more: compared with a group that did not have it
STRATEGIC_DEFAULT = 5  # a theme nobody has weighed is neutral
TOP = 5  # the sensitivity analysis follows the top five
SENSITIVITY = (Decimal("0.5"), Decimal("1.5"))  # each weight moved by -50% and +50%
# How much a pound of annual saving counts towards reported benefits, by how sure it is: an estimate is a
# promise, so it counts half; realised and independently evaluated savings count in full.
BASIS_CREDIT = {Basis.INDEPENDENTLY_EVALUATED: Decimal(1), Basis.REALISED: Decimal(1), Basis.ESTIMATED: Decimal("0.5")}

COMPONENTS = ("prevalence", "growth", "benefits", "evidence_gap", "room", "strategic")
LABELS = {
    "prevalence": gettext_lazy("How widespread"),
    "growth": gettext_lazy("Growth against the baseline"),
    "benefits": gettext_lazy("Reported benefits"),
    "evidence_gap": gettext_lazy("Evidence gap"),
    "room": gettext_lazy("Room to spread"),
    "strategic": gettext_lazy("Strategic weight"),
}
# The defaults (ADR 0009): the overview commissions research where collaboration "appears to provide the most
# potential", and research adds most where benefits are reported but not yet shown by good evidence, so those
# two count double; the rest once.
DEFAULT_WEIGHTS = {
    "prevalence": Decimal(1),
    "growth": Decimal(1),
    "benefits": Decimal(2),
    "evidence_gap": Decimal(2),
    "room": Decimal(1),
    "strategic": Decimal(1),
}


# Facts: what the data say about each theme, the same for every reader


@dataclass
class ThemeFacts:
    """One top-level theme's counts, its sub-themes counted in; collaborations count under their main theme."""

    code: str
    name: str
    collaborations: int = 0
    organisations: int = 0  # every partner, of any type, as the body it is part of
    engaged: dict = field(default_factory=dict)  # service -> its register organisations taking part
    savings: dict = field(default_factory=dict)  # basis -> annual recurring savings (£, cash as reported)
    with_outcomes: int | None = 0  # collaborations reporting a non-financial outcome; None: not known
    with_good_evidence: int = 0  # collaborations with an evidence item rated GOOD_EVIDENCE or more
    baseline: int | None = None  # collaborations on it in the baseline edition; None: no baseline


@dataclass
class Facts:
    """Every theme's facts and what they were read from."""

    themes: list[ThemeFacts]
    register: dict  # service -> organisations of that service in the register
    edition: str = ""  # the edition's slug, "" for the live records
    edition_name: str = ""
    baseline: str = ""  # the baseline edition's name, "" if none
    outcomes_known: bool = True  # editions do not freeze outcomes

    @property
    def register_total(self) -> int:
        return sum(self.register.values())


@dataclass
class Record:
    """One collaboration as the facts need it, whether read live or from an edition."""

    theme: str  # top-level theme code
    bodies: set  # (body key, service or "", counts towards the register)
    savings: list  # (basis, amount) of its annual recurring savings
    has_outcome: bool | None
    good_evidence: bool


def facts_build(
    records: Iterable[Record], *, themes: list[tuple[str, str]], register: dict, baseline: dict | None
) -> list[ThemeFacts]:
    """Add the records up by theme; a record whose theme is not listed (or has none) is on no theme."""
    found = {code: ThemeFacts(code, name) for code, name in themes}
    bodies = defaultdict(set)
    for record in records:
        facts = found.get(record.theme)
        if facts is None:
            continue
        facts.collaborations += 1
        bodies[record.theme].update(record.bodies)
        for basis, amount in record.savings:
            facts.savings[basis] = facts.savings.get(basis, Decimal(0)) + Decimal(amount)
        if record.has_outcome is None:
            facts.with_outcomes = None
        elif facts.with_outcomes is not None:
            facts.with_outcomes += record.has_outcome
        facts.with_good_evidence += record.good_evidence
    for code, facts in found.items():
        facts.organisations = len({key for key, _service, _counted in bodies[code]})
        engaged = Counter(service for _key, service, counted in bodies[code] if counted and service in register)
        facts.engaged = {s: engaged[s] for s in register}
        facts.baseline = None if baseline is None else baseline.get(code, 0)
    return list(found.values())


def _baseline() -> tuple[Edition | None, dict | None]:
    """The baseline edition and its collaborations by top-level theme (as explorer's theme pages count them)."""
    edition = Edition.objects.filter(is_baseline=True).first()
    if edition is None:
        return None, None
    return edition, dict(Counter(edition.entries.values_list("data__top_theme", flat=True)))


def _service(org_type: str) -> str:
    service = SERVICE_OF_TYPE.get(org_type)
    return service.value if service else ""


def _live_records() -> Iterable[Record]:
    published = Collaboration.objects.published().filter(primary_theme__isnull=False)
    top = {t.pk: (t.parent.code if t.parent_id else t.code) for t in Theme.objects.select_related("parent")}
    themes = dict(published.values_list("pk", "primary_theme_id"))
    today = timezone.localdate()
    bodies = bodies_on(today)
    partners = defaultdict(set)
    for collaboration_id, slug in Partner.objects.filter(collaboration__in=published.values("pk")).values_list(
        "collaboration_id", "organisation__slug"
    ):
        body = bodies[slug]
        partners[collaboration_id].add((body.slug, _service(body.type), body.in_register and body.is_valid_on(today)))
    savings = defaultdict(list)
    for collaboration_id, basis, amount in Benefit.objects.filter(
        collaboration__in=published.values("pk"), kind=BenefitKind.ANNUAL_SAVING
    ).values_list("collaboration_id", "basis", "amount_gbp"):
        savings[collaboration_id].append((basis, amount))
    outcomes = set(
        Outcome.objects.filter(collaboration__in=published.values("pk")).values_list("collaboration_id", flat=True)
    )
    good = set(
        EvidenceItem.collaborations.through.objects.filter(
            collaboration__in=published.values("pk"),
            evidenceitem__publication=Publication.PUBLISHED,
            evidenceitem__strength__gte=GOOD_EVIDENCE,
        ).values_list("collaboration_id", flat=True)
    )
    for pk, theme_id in themes.items():
        yield Record(top[theme_id], partners[pk], savings[pk], pk in outcomes, pk in good)


def facts_live() -> Facts:
    """Every top-level theme's facts from the published, unmerged records now; kept a minute under their version."""

    def compute() -> Facts:
        today = timezone.localdate()
        register = Counter(
            _service(t)
            for t in Organisation.objects.filter(in_register=True).valid_on(today).values_list("type", flat=True)
        )
        register = {s.value: register[s.value] for s in SERVICES}
        baseline, counts = _baseline()
        themes = list(Theme.objects.filter(parent__isnull=True).values_list("code", "name"))
        return Facts(
            themes=facts_build(_live_records(), themes=themes, register=register, baseline=counts),
            register=register,
            baseline=baseline.name if baseline else "",
        )

    return figures_cached("priorities-facts", ("live",), compute)


def _edition_records(edition: Edition, organisations: dict) -> Iterable[Record]:
    for data in edition.entries.values_list("data", flat=True).iterator(chunk_size=2000):
        bodies = set()
        for partner in data["partners"]:
            known = organisations.get(partner["id"])
            slug = known["body"] if known else partner["id"]
            body = organisations.get(slug) or {"type": partner["type"]}
            service = _service(body["type"])
            # Editions do not freeze whether a body is in the register: a police, fire or ambulance body counts.
            bodies.add((slug, service, bool(service)))
        savings = [
            (b["basis"], Decimal(b["amount_gbp"])) for b in data["benefits"] if b["kind"] == BenefitKind.ANNUAL_SAVING
        ]
        good = any((e.get("strength") or 0) >= GOOD_EVIDENCE for e in data["evidence"])
        yield Record(data.get("top_theme") or "", bodies, savings, None, good)


def facts_of_edition(edition: Edition) -> Facts:
    """Every theme's facts from what `edition` froze: its entries, organisations, register counts and themes."""
    from bluelight.editions.selectors import edition_context  # reads the frozen context (or today's, if older)

    def compute() -> Facts:
        context = edition_context(Edition.objects.only("pk", "context", "as_of").get(pk=edition.pk))
        register = Counter()
        for org_type, n in context["register"].items():
            register[_service(org_type)] += n
        register = {s.value: register[s.value] for s in SERVICES}
        baseline, counts = _baseline()
        themes = [(code, name) for code, name, _description in context["themes"]]
        return Facts(
            themes=facts_build(
                _edition_records(edition, context["organisations"]), themes=themes, register=register, baseline=counts
            ),
            register=register,
            edition=edition.slug,
            edition_name=edition.name,
            baseline=baseline.name if baseline else "",
            outcomes_known=False,
        )

    return figures_cached("priorities-facts", ("edition", edition.slug), compute)


# Strategic weights: the analysts' judgement


@dataclass(frozen=True)
class Strategic:
    value: int
    reason: str
    is_set: bool


def strategic_weights() -> dict[str, Strategic]:
    """Each theme's strategic weight by code; a theme without one is not listed (it counts STRATEGIC_DEFAULT)."""
    return {w.theme.code: Strategic(w.value, w.reason, True) for w in StrategicWeight.objects.select_related("theme")}


def strategic_weight_set(*, theme: Theme, value: int, reason: str, user=None) -> StrategicWeight:
    """Set a top-level theme's strategic weight (0 to 10) with the reason for it; each change is kept in its history."""
    reason = reason.strip()
    errors = {}
    if theme.parent_id:
        errors["theme"] = [_("Choose a top-level theme: priorities rank top-level themes.")]
    if not reason:
        errors["reason"] = [_("Say why: the reason is shown with the weight on the priorities page.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        weight = StrategicWeight.objects.select_for_update().filter(theme=theme).first() or StrategicWeight(theme=theme)
        weight.value, weight.reason, weight.set_by = value, reason, user
        weight.full_clean()
        weight.save()
    return weight


# Ranking: from facts and weights to scores, reasons and sensitivity


@dataclass
class Component:
    key: str
    raw: dict  # the values it is computed from, by name
    normalised: float  # 0..1 across the themes ranked
    weight: Decimal = Decimal(0)
    contribution: float = 0.0  # weight * normalised / sum of weights: its part of the score

    @property
    def label(self) -> str:
        return str(LABELS[self.key])


@dataclass
class PriorityRow:
    rank: int
    facts: ThemeFacts
    strategic: Strategic
    components: dict  # key -> Component
    score: float
    reasons: list = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)

    @property
    def savings_lines(self) -> list[str]:
        per = self.components["benefits"].raw["per_collaboration"]
        return [f"{label}: {_pounds(per[code])}" for code, label in Basis.choices if per[code] is not None]


@dataclass
class Sensitivity:
    key: str
    factor: Decimal
    weight: Decimal
    entered: list  # theme names
    left: list
    reordered: bool
    text: str


@dataclass
class Ranking:
    facts: Facts
    weights: dict
    rows: list
    sensitivity: list
    unavailable: list  # components that could not be computed (no baseline), left out of the score

    @property
    def top(self) -> list:
        return self.rows[:TOP]


def _minmax(values: dict) -> dict:
    """0 for the lowest value, 1 for the highest; every theme 0.5 when they are all alike; None counts 0."""
    known = [v for v in values.values() if v is not None]
    if not known:
        return {k: 0.0 for k in values}
    low, high = min(known), max(known)
    if low == high:
        return {k: (0.5 if v is not None else 0.0) for k, v in values.items()}
    return {k: (0.0 if v is None else float((v - low) / (high - low))) for k, v in values.items()}


def _per_collaboration(facts: ThemeFacts) -> dict:
    n = facts.collaborations
    return {basis: (facts.savings.get(basis, Decimal(0)) / n if n else None) for basis in Basis.values}


def components_raw(facts: Facts, strategic: dict) -> dict:
    """Each theme's raw component values, by code then component (plain numbers and dicts, for JSON too)."""
    register = facts.register
    raw = {}
    for theme in facts.themes:
        n = theme.collaborations
        engaged = sum(theme.engaged.values())
        per = _per_collaboration(theme)
        credited = sum(BASIS_CREDIT[b] * theme.savings.get(b, Decimal(0)) for b in Basis.values) / n if n else None
        relevant = [s for s in register if theme.engaged.get(s)]
        weight = strategic.get(theme.code, Strategic(STRATEGIC_DEFAULT, "", False))
        raw[theme.code] = {
            "prevalence": {
                "collaborations": n,
                "organisations": theme.organisations,
                "engaged": engaged,
                "register": facts.register_total,
                "share": engaged / facts.register_total if facts.register_total else None,
                "by_service": {
                    s: {
                        "engaged": theme.engaged.get(s, 0),
                        "register": register[s],
                        "share": theme.engaged.get(s, 0) / register[s] if register[s] else None,
                    }
                    for s in register
                },
            },
            "growth": {
                "now": n,
                "baseline": theme.baseline,
                "change": None if theme.baseline is None else n - theme.baseline,
            },
            "benefits": {
                "per_collaboration": per,
                "credited_per_collaboration": credited,
                "with_outcomes": theme.with_outcomes,
                "outcome_share": (theme.with_outcomes / n if n and theme.with_outcomes is not None else None),
            },
            "evidence_gap": {
                "collaborations": n,
                "with_good_evidence": theme.with_good_evidence,
                "without": n - theme.with_good_evidence,
                "share": (n - theme.with_good_evidence) / n if n else None,
            },
            "room": {
                "services": relevant,
                "not_yet": sum(register[s] - theme.engaged.get(s, 0) for s in relevant),
            },
            "strategic": {"value": weight.value, "is_set": weight.is_set, "reason": weight.reason},
        }
    return raw


def components_normalised(raw: dict, *, outcomes_known: bool) -> dict:
    """Each component 0..1 across the themes (min-max); benefits average their savings and outcomes parts."""
    codes = list(raw)
    pick = {
        "prevalence": lambda r: r["prevalence"]["share"],
        "growth": lambda r: r["growth"]["change"],
        "evidence_gap": lambda r: r["evidence_gap"]["share"],
        "room": lambda r: r["room"]["not_yet"],
    }
    result = {code: {} for code in codes}
    for key, get in pick.items():
        for code, value in _minmax({c: get(raw[c]) for c in codes}).items():
            result[code][key] = value
    savings = _minmax({c: raw[c]["benefits"]["credited_per_collaboration"] for c in codes})
    outcomes = _minmax({c: raw[c]["benefits"]["outcome_share"] for c in codes}) if outcomes_known else None
    for code in codes:
        result[code]["benefits"] = (savings[code] + outcomes[code]) / 2 if outcomes else savings[code]
        result[code]["strategic"] = raw[code]["strategic"]["value"] / STRATEGIC_MAX
    return result


def _score(normalised: dict, weights: dict, used: list) -> float:
    total = sum(weights[k] for k in used)
    if not total:
        return 0.0
    return sum(float(weights[k]) * normalised[k] for k in used) / float(total)


def _order(themes: list, normalised: dict, weights: dict, used: list, names: dict) -> list:
    """Codes by score, highest first; ties by name, so a ranking is the same on every request."""
    return sorted(themes, key=lambda c: (-round(_score(normalised[c], weights, used), 12), names[c]))


def priorities_rank(facts: Facts, *, weights: dict | None = None, strategic: dict | None = None) -> Ranking:
    """Score and rank every theme of `facts` with the component `weights` (DEFAULT_WEIGHTS where not given)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    strategic = strategic_weights() if strategic is None else strategic
    raw = components_raw(facts, strategic)
    normalised = components_normalised(raw, outcomes_known=facts.outcomes_known)
    unavailable = ["growth"] if not facts.baseline else []
    used = [k for k in COMPONENTS if k not in unavailable]
    total = float(sum(weights[k] for k in used))
    names = {t.code: t.name for t in facts.themes}
    codes = _order(list(raw), normalised, weights, used, names)
    by_code = {t.code: t for t in facts.themes}
    rows = []
    for rank, code in enumerate(codes, start=1):
        components = {}
        for key in COMPONENTS:
            on = key in used and total
            components[key] = Component(
                key,
                raw[code][key],
                normalised[code][key] if key in used else 0.0,
                weights[key] if key in used else Decimal(0),
                float(weights[key]) * normalised[code][key] / total if on else 0.0,
            )
        row = PriorityRow(
            rank=rank,
            facts=by_code[code],
            strategic=strategic.get(code, Strategic(STRATEGIC_DEFAULT, "", False)),
            components=components,
            score=_score(normalised[code], weights, used),
        )
        row.reasons = reasons(row, facts)
        rows.append(row)
    sensitivity = _sensitivity(codes, normalised, weights, used, names)
    return Ranking(facts, weights, rows, sensitivity, unavailable)


def _sensitivity(codes: list, normalised: dict, weights: dict, used: list, names: dict) -> list:
    """For each weight in use, the top five with that weight halved and one and a half times: who enters, who leaves."""
    base = codes[:TOP]
    found = []
    for key in used:
        for factor in SENSITIVITY:
            moved = {**weights, key: weights[key] * factor}
            top = _order(list(codes), normalised, moved, used, names)[:TOP]
            entered = [names[c] for c in top if c not in base]
            left = [names[c] for c in base if c not in top]
            reordered = not entered and top != base
            found.append(
                Sensitivity(
                    key,
                    factor,
                    moved[key],
                    entered,
                    left,
                    reordered,
                    _sensitivity_text(key, factor, weights[key], moved[key], entered, left, reordered),
                )
            )
    return found


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def _sensitivity_text(key, factor, before, after, entered, left, reordered) -> str:
    move = (
        _("%(label)s weight down by half, %(before)s to %(after)s")
        if factor < 1
        else _("%(label)s weight up by half, %(before)s to %(after)s")
    ) % {"label": LABELS[key], "before": _number(before), "after": _number(after)}
    if not before:
        return _("%(move)s: no change (a weight of 0 stays 0).") % {"move": move}
    if entered or left:
        return _("%(move)s: %(entered)s would enter the top five; %(left)s would leave it.") % {
            "move": move,
            "entered": ", ".join(entered),
            "left": ", ".join(left),
        }
    if reordered:
        return _("%(move)s: the same five themes, in a different order.") % {"move": move}
    return _("%(move)s: the top five stay the same, in the same order.") % {"move": move}


def _pounds(value) -> str:
    return f"£{Decimal(value).quantize(Decimal(1)):,}"


def _thousands(value) -> str:
    """A sum in the reasons, to the nearest £1,000 as in the overview report ("£52,000"); a small one is not £0."""
    value = Decimal(value)
    if 0 < value < 500:
        return _("under £500")
    return f"£{(value / 1000).quantize(Decimal(1)) * 1000:,}"


def reasons(row: PriorityRow, facts: Facts) -> list[str]:
    """The row's components in words, largest contribution first, each with the numbers behind it."""
    words = {}
    c = row.components
    prevalence = c["prevalence"].raw
    words["prevalence"] = (
        _("widespread: %(n)s of %(total)s organisations")
        if c["prevalence"].normalised >= 0.5
        else _("not widespread: %(n)s of %(total)s organisations")
    ) % {"n": prevalence["engaged"], "total": prevalence["register"]}
    change = c["growth"].raw["change"]
    if change is not None:
        if change > 0:
            words["growth"] = _("growing: +%(n)s since the baseline") % {"n": change}
        elif change < 0:
            words["growth"] = _("shrinking: %(n)s since the baseline") % {"n": change}
        else:
            words["growth"] = _("steady: no change since the baseline")
    benefits = c["benefits"].raw
    per = benefits["per_collaboration"]
    sure = (per[Basis.REALISED] or 0) + (per[Basis.INDEPENDENTLY_EVALUATED] or 0)
    if benefits["credited_per_collaboration"]:
        text = _("benefits: %(sure)s a year per collaboration realised or evaluated, %(estimated)s estimated") % {
            "sure": _thousands(sure),
            "estimated": _thousands(per[Basis.ESTIMATED] or 0),
        }
    else:
        text = _("benefits: no annual savings reported")
    if benefits["with_outcomes"] is not None:
        text += _(", outcomes reported for %(n)s of %(total)s") % {
            "n": benefits["with_outcomes"],
            "total": row.facts.collaborations,
        }
    words["benefits"] = text
    gap = c["evidence_gap"].raw
    words["evidence_gap"] = _("evidence gap: %(good)s of %(n)s rated 3 or more") % {
        "good": gap["with_good_evidence"],
        "n": gap["collaborations"],
    }
    room = c["room"].raw
    words["room"] = (
        _("room to spread: %(n)s %(services)s organisations not yet doing it")
        % {"n": room["not_yet"], "services": _service_names(room["services"])}
        if room["services"]
        else _("room to spread: no police, fire or ambulance organisation does it yet")
    )
    words["strategic"] = (
        _("strategic weight %(value)s of 10: %(reason)s")
        % {"value": row.strategic.value, "reason": row.strategic.reason.strip().rstrip(".")}
        if row.strategic.is_set
        else _("strategic weight %(value)s of 10 (not set)") % {"value": row.strategic.value}
    )
    order = sorted(words, key=lambda k: (-c[k].contribution, COMPONENTS.index(k)))
    return [words[k] for k in order if k in words]


SHORT_NAMES = {
    Service.POLICE: gettext_lazy("police"),
    Service.FIRE: gettext_lazy("fire"),
    Service.AMBULANCE: gettext_lazy("ambulance"),
}


def _service_names(services: list) -> str:
    names = [str(SHORT_NAMES[Service(s)]) for s in services]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
