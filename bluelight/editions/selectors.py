"""Comparing editions by stable collaboration identity, which survives merges."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from bluelight.collaborations.models import Collaboration
from bluelight.editions.models import Edition

ENDED = {"completed", "discontinued"}
BLUE_LIGHT = ("police", "fire", "ambulance")


def combination(services: str) -> str:
    """The service combination of a record: police-fire, fire-ambulance, all three, ... (+ wider)."""
    found = set(services.split(","))
    blue = [s for s in BLUE_LIGHT if s in found]
    label = "all three" if len(blue) == 3 else "-".join(blue) or "wider public sector only"
    return label + (" + wider public sector" if "wider" in found and blue else "")


def _survivor_uids() -> dict[str, str]:
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


def _entries(edition: Edition, survivors: dict[str, str]) -> dict[str, dict]:
    """Entries by current identity; where a record and one later merged into it are both there, the
    survivor's own entry stands for the pair."""
    rows = [(str(uid), data) for uid, data in edition.entries.values_list("uid", "data")]
    entries = {uid: data for uid, data in rows if uid not in survivors}
    for uid, data in rows:
        if uid in survivors:
            entries.setdefault(survivors[uid], data)
    return entries


@dataclass
class Comparison:
    edition: Edition
    baseline: Edition
    new: list[dict] = field(default_factory=list)
    continuing: list[dict] = field(default_factory=list)
    ended: list[dict] = field(default_factory=list)
    changed_status: list[dict] = field(default_factory=list)
    new_partners: list[dict] = field(default_factory=list)
    by_theme: dict = field(default_factory=dict)
    by_combination: dict = field(default_factory=dict)
    by_region: dict = field(default_factory=dict)
    annual_savings: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "edition": self.edition.name,
            "baseline": self.baseline.name,
            "new": len(self.new),
            "continuing": len(self.continuing),
            "ended": len(self.ended),
            "changed_status": self.changed_status,
            "new_partners": self.new_partners,
            "by_theme": self.by_theme,
            "by_combination": self.by_combination,
            "by_region": self.by_region,
            "annual_savings": self.annual_savings,
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


def _savings(entries) -> dict:
    totals = Counter()
    for data in entries.values():
        for benefit in data["benefits"]:
            if benefit["kind"] == "annual_saving":
                totals[benefit["basis"]] += Decimal(benefit["amount_gbp"])
    return totals


def edition_compare(*, edition: Edition, baseline: Edition) -> Comparison:
    """What changed between `baseline` and `edition`, matching records by stable identity."""
    survivors = _survivor_uids()
    before, after = _entries(baseline, survivors), _entries(edition, survivors)
    result = Comparison(edition=edition, baseline=baseline)
    for uid, data in after.items():
        if uid not in before:
            result.new.append(data)
            continue
        old = before[uid]
        if data["status"] in ENDED and old["status"] not in ENDED:
            result.ended.append(data)
        else:
            result.continuing.append(data)
        if data["status"] != old["status"]:
            result.changed_status.append({"title": data["title"], "from": old["status"], "to": data["status"]})
        added = sorted({p["name"] for p in data["partners"]} - {p["name"] for p in old["partners"]})
        if added:
            result.new_partners.append({"title": data["title"], "partners": added})
    result.ended += [data for uid, data in before.items() if uid not in after]
    result.by_theme = _growth(_counts(before, lambda d: [d["top_theme"]]), _counts(after, lambda d: [d["top_theme"]]))
    result.by_combination = _growth(
        _counts(before, lambda d: [combination(d["services"])]), _counts(after, lambda d: [combination(d["services"])])
    )
    result.by_region = _growth(_counts(before, lambda d: d["regions"]), _counts(after, lambda d: d["regions"]))
    old_savings, new_savings = _savings(before), _savings(after)
    result.annual_savings = {
        basis: {"baseline": str(old_savings.get(basis, 0)), "edition": str(new_savings.get(basis, 0))}
        for basis in sorted(set(old_savings) | set(new_savings))
    }
    return result
