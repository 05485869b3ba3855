"""Reading editions: their frozen context, and comparing two by stable collaboration identity."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Collaboration, Status, Theme
from bluelight.editions.models import Edition
from bluelight.editions.prices import financial_year_of, to_constant_prices
from bluelight.organisations.models import Organisation, PoliceForceArea, Service
from bluelight.organisations.selectors import bodies_on
from bluelight.returns.models import ReturnState

ENDED = {"completed", "discontinued"}
BLUE_LIGHT = ("police", "fire", "ambulance")
WIDER = " + wider public sector"
ONLY_WIDER = "wider public sector only"
# The combinations in the order the overview discusses them: the pairs, all three, one service, none.
COMBINATION_ORDER = (
    "police-fire",
    "police-ambulance",
    "fire-ambulance",
    "all three",
    "police",
    "fire",
    "ambulance",
    ONLY_WIDER,
)


def combination(services: str) -> str:
    """The service combination of a record: police-fire, fire-ambulance, all three, ... (+ wider)."""
    found = set(services.split(","))
    blue = [s for s in BLUE_LIGHT if s in found]
    label = "all three" if len(blue) == 3 else "-".join(blue) or ONLY_WIDER
    return label + (WIDER if "wider" in found and blue else "")


def _combination_parts(code: str) -> tuple[str, bool]:
    return (code.removesuffix(WIDER), True) if code.endswith(WIDER) else (code, False)


def combination_label(code: str) -> str:
    """A combination (as `combination` gives it) in words, with the services' own labels in the order the
    explorer lists them: "police-fire" is "Police + Fire and rescue". An unknown code is shown as it is."""
    base, wider = _combination_parts(code)
    if base == ONLY_WIDER:
        return _("Wider public sector only")
    services = list(BLUE_LIGHT) if base == "all three" else base.split("-")
    if not set(services) <= set(BLUE_LIGHT):
        return code
    return " + ".join(str(Service(s).label) for s in [*services, *(["wider"] if wider else [])])


def combination_sort_key(code: str) -> tuple:
    """Order combinations as COMBINATION_ORDER does, each followed by its variant with the wider public sector."""
    base, wider = _combination_parts(code)
    position = COMBINATION_ORDER.index(base) if base in COMBINATION_ORDER else len(COMBINATION_ORDER)
    return position, wider, code


def edition_context_now(as_of: datetime.date) -> dict:
    """Everything besides the entries that a report or comparison of this edition reads, as it stands now:
    every organisation's name, type and the body that did its work on `as_of`; the register's counts on
    `as_of`; the police force areas; the top-level themes; and which records had been merged into which.
    """
    bodies = bodies_on(as_of)
    organisations = {
        o.slug: {"name": o.name, "type": o.type, "body": bodies[o.slug].slug} for o in Organisation.objects.all()
    }
    register = Counter(Organisation.objects.filter(in_register=True).valid_on(as_of).values_list("type", flat=True))
    return {
        "frozen_at": timezone.now().isoformat(timespec="seconds"),
        "organisations": organisations,
        "register": dict(sorted(register.items())),
        "areas": [list(row) for row in PoliceForceArea.objects.order_by("code").values_list("code", "name", "country")],
        "themes": [
            list(row) for row in Theme.objects.filter(parent__isnull=True).values_list("code", "name", "description")
        ],
        "survivors": survivor_uids(),
    }


def survivor_uids() -> dict[str, str]:
    """uid of every record merged into another -> uid of the record that absorbed it (followed to the end)."""
    rows = dict(Collaboration.objects.values_list("pk", "merged_into_id"))
    uids = {pk: str(uid) for pk, uid in Collaboration.objects.values_list("pk", "uid")}
    result = {}
    for pk, into in rows.items():
        seen, target = {pk}, into
        while target is not None and rows.get(target) is not None and target not in seen:
            seen.add(target)
            target = rows[target]
        if into is not None and target is not None:
            result[uids[pk]] = uids[target]
    return result


def edition_context(edition: Edition) -> dict:
    """What `edition` froze besides its entries; an edition published before contexts were frozen gets
    today's, marked `"live": True` so the report can say its names and counts are as they stand now."""
    return edition.context or {**edition_context_now(edition.as_of), "live": True}


def round_methodology(round_, as_of: datetime.date) -> dict:
    """Who a round asked and who had answered by the edition's date or the round's closing, whichever
    is earlier, by type of organisation: frozen into the edition so later answers never change it.

    Answered means submitted on or before that day and not since sent back for changes.
    """
    if round_ is None:
        return {}
    cutoff = min(as_of, round_.closes_on)
    answered = {ReturnState.SUBMITTED, ReturnState.ACCEPTED}
    by_type: dict[str, dict[str, int]] = {}
    for org_type in round_.requests.values_list("organisation__type", flat=True):
        by_type.setdefault(org_type, {"asked": 0, "responded": 0})["asked"] += 1
    returns = round_.returns.filter(state__in=answered, submitted_at__isnull=False)
    for org_type, submitted_at in returns.values_list("organisation__type", "submitted_at"):
        if timezone.localtime(submitted_at).date() <= cutoff:
            by_type.setdefault(org_type, {"asked": 0, "responded": 0})["responded"] += 1
    return {
        "round": round_.name,
        "opens_on": str(round_.opens_on),
        "closes_on": str(round_.closes_on),
        "scope": round_.scope_description,
        "answered_by": str(cutoff),
        "answered_by_basis": "edition_date" if as_of < round_.closes_on else "round_closing",
        "by_type": by_type,
    }


@dataclass
class PublishPreview:
    """What publishing an edition now would freeze, shown on the confirmation page before anything is written."""

    total: int
    by_status: list[tuple[str, int]]
    compared_with: Edition | None  # the baseline its report will be compared with; None if it is the baseline
    is_baseline: bool
    methodology: dict

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(str(Status(code).label), n) for code, n in self.by_status]

    @property
    def fingerprint(self) -> str:
        """Changes when the published records' counts do, so a confirmation made on stale counts is asked again."""
        return ",".join(f"{status}={n}" for status, n in self.by_status)


def edition_preview(*, as_of: datetime.date, baseline: bool, round_=None) -> PublishPreview:
    counts = dict(Collaboration.objects.published().values_list("status").annotate(n=Count("pk")))
    current = Edition.objects.filter(is_baseline=True).first()
    return PublishPreview(
        total=sum(counts.values()),
        by_status=[(code, counts.get(code, 0)) for code in Status.values],
        compared_with=None if baseline else current,
        is_baseline=baseline,
        methodology=round_methodology(round_, as_of),
    )


def _slim(data: dict, organisations: dict[str, dict]) -> dict:
    """What a comparison needs of an entry, kept small so two 100,000-record editions fit in memory.

    Partners are keyed by the body they were part of in `organisations` (a frozen context), so two services
    that merged count as the one body they became, in both editions."""
    partners = {}
    for p in data["partners"]:
        known = organisations.get(p["id"])
        body = known["body"] if known else p["id"]
        if body == p["id"] or body not in organisations:
            partners.setdefault(p["id"], p["name"])
        else:
            partners.setdefault(body, organisations[body]["name"])
    return {
        "title": data["title"],
        "status": data["status"],
        "top_theme": data["top_theme"],
        "combination": combination(data["services"]),
        "regions": tuple(data["regions"]),
        "countries": tuple(data["countries"]),
        "partners": partners,
        "annual": [
            (b["basis"], Decimal(b["amount_gbp"]), b["price_year"])
            for b in data["benefits"]
            if b["kind"] == "annual_saving"
        ],
    }


def _entries(edition: Edition, survivors: dict[str, str], organisations: dict[str, dict]) -> dict[str, dict]:
    """Entries by current identity; where a record and one later merged into it are both there, the
    survivor's own entry stands for the pair."""
    entries, absorbed = {}, []
    for uid, data in edition.entries.values_list("uid", "data").iterator(chunk_size=2000):
        uid = str(uid)
        if uid in survivors:
            absorbed.append((survivors[uid], _slim(data, organisations)))
        else:
            entries[uid] = _slim(data, organisations)
    for uid, slim in absorbed:
        entries.setdefault(uid, slim)
    return entries


@dataclass
class Comparison:
    edition: Edition
    baseline: Edition
    new: list[dict] = field(default_factory=list)
    continuing: list[dict] = field(default_factory=list)
    ended: list[dict] = field(default_factory=list)
    ended_before: list[dict] = field(default_factory=list)  # had already ended in the baseline
    not_reported: list[dict] = field(default_factory=list)  # in the baseline, not in the edition
    changed_status: list[dict] = field(default_factory=list)
    new_partners: list[dict] = field(default_factory=list)
    by_theme: dict = field(default_factory=dict)
    by_combination: dict = field(default_factory=dict)
    by_region: dict = field(default_factory=dict)
    by_country: dict = field(default_factory=dict)
    by_organisation: dict = field(default_factory=dict)
    annual_savings: dict = field(default_factory=dict)
    price_year: int | None = None
    organisation_names: dict = field(default_factory=dict)  # body identifier -> name, as frozen
    theme_names: dict = field(default_factory=dict)  # top-level theme code -> name, as frozen

    @property
    def edition_total(self) -> int:
        """The edition's collaborations, as matched: new + continuing + ended + already ended."""
        return len(self.new) + len(self.continuing) + len(self.ended) + len(self.ended_before)

    @property
    def baseline_total(self) -> int:
        """The baseline's collaborations, as matched: those still reported + those no longer reported."""
        return len(self.continuing) + len(self.ended) + len(self.ended_before) + len(self.not_reported)

    def as_json(self) -> dict:
        return {
            "edition": self.edition.name,
            "baseline": self.baseline.name,
            "new": len(self.new),
            "continuing": len(self.continuing),
            "ended": len(self.ended),
            "ended_before": len(self.ended_before),
            "not_reported": len(self.not_reported),
            "edition_total": self.edition_total,
            "baseline_total": self.baseline_total,
            "changed_status": self.changed_status,
            "new_partners": self.new_partners,
            "by_theme": self.by_theme,
            "by_combination": self.by_combination,
            "by_region": self.by_region,
            "by_country": self.by_country,
            "by_organisation": self.by_organisation,
            "annual_savings": self.annual_savings,
            "price_year": self.price_year,
        }


def _counts(entries, key) -> Counter:
    counts = Counter()
    for data in entries.values():
        for value in key(data):
            counts[value] += 1
    return counts


def _growth(before: Counter, after: Counter) -> dict:
    return {
        k: {"baseline": before.get(k, 0), "edition": after.get(k, 0), "change": after.get(k, 0) - before.get(k, 0)}
        for k in sorted(set(before) | set(after), key=str)
    }


def _savings(entries, price_year: int) -> tuple[Counter, Counter]:
    """Annual savings by basis in cash and at `price_year` prices (amounts outside the deflator series are
    left out of the constant-price total and said to be)."""
    cash, real = Counter(), Counter()
    for data in entries.values():
        for basis, amount, year in data["annual"]:
            cash[basis] += amount
            converted = to_constant_prices(amount, year, price_year) if year else None
            if converted is not None:
                real[basis] += converted
    return cash, real


def edition_compare(*, edition: Edition, baseline: Edition) -> Comparison:
    """What changed between `baseline` and `edition`, matching records by stable identity (which survives
    merges of records) and organisations by their successor (which survives mergers of services).

    Both editions are read through the context frozen by the later of the two: the merges of records
    and of services it knew of, and its organisation names, so a comparison gives the same answer
    whenever it is made."""
    later = max(edition, baseline, key=lambda e: (e.as_of, e.pk))
    context = edition_context(later)
    survivors, organisations = context["survivors"], context["organisations"]
    before, after = _entries(baseline, survivors, organisations), _entries(edition, survivors, organisations)
    result = Comparison(edition=edition, baseline=baseline, price_year=financial_year_of(edition.as_of))
    result.theme_names = {code: name for code, name, _description in context["themes"]}
    for data in (*before.values(), *after.values()):
        result.organisation_names.update(data["partners"])
    for uid, data in after.items():
        brief = {"title": data["title"]}  # the lists keep titles only, so big editions stay small
        if uid not in before:
            result.new.append(brief)
            continue
        old = before[uid]
        if data["status"] in ENDED and old["status"] in ENDED:
            result.ended_before.append(brief)
        elif data["status"] in ENDED:
            result.ended.append(brief)
        else:
            result.continuing.append(brief)
        if data["status"] != old["status"]:
            result.changed_status.append({"title": data["title"], "from": old["status"], "to": data["status"]})
        added = sorted(name for slug, name in data["partners"].items() if slug not in old["partners"])
        if added:
            result.new_partners.append({"title": data["title"], "partners": added})
    for uid, data in before.items():
        if uid not in after:
            result.not_reported.append({"title": data["title"], "status": data["status"]})
    for name, key in [
        ("by_theme", lambda d: [d["top_theme"]]),
        ("by_combination", lambda d: [d["combination"]]),
        ("by_region", lambda d: d["regions"]),
        ("by_country", lambda d: d["countries"]),
        ("by_organisation", lambda d: list(d["partners"])),
    ]:
        setattr(result, name, _growth(_counts(before, key), _counts(after, key)))
    (old_cash, old_real), (new_cash, new_real) = _savings(before, result.price_year), _savings(after, result.price_year)
    result.annual_savings = {
        basis: {
            "baseline": str(old_cash.get(basis, 0)),
            "edition": str(new_cash.get(basis, 0)),
            "baseline_constant": str(old_real.get(basis, 0)),
            "edition_constant": str(new_real.get(basis, 0)),
        }
        for basis in sorted(set(old_cash) | set(new_cash))
    }
    return result
