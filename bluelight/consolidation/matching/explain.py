"""The evidence about a pair in plain language: "same 2 partners; both name Pocklington"."""

from .features import Node
from .scoring import MEANING_PIVOT, TEXT_PIVOT, Evidence


def _names(node: Node, names: set[str]) -> str:
    return ", ".join(sorted(node.shown.get(n, n) for n in names))


def phrase(e: Evidence, a: Node, b: Node) -> str:
    x, y = a.item, b.item
    kind, details = e.kind, e.details
    if kind == "known":
        return f"pre-filled from collaboration {details[0]}"
    if kind == "partners":
        shared, union = details
        return f"same {shared} partners" if shared == union else f"{shared} of {union} partners shared"
    if kind == "mutual":
        return "each names the other as a partner"
    if kind == "not_mutual":
        return "a reporter is missing from the other's partners"
    if kind == "text":
        value = details[0]
        return f"wording {value:.2f} alike" if value >= TEXT_PIVOT else f"wording differs ({value:.2f} alike)"
    if kind == "meaning":
        value = details[0]
        return "same kind of work" if value >= MEANING_PIVOT else "different kinds of work"
    if kind == "same_name":
        return f"both name {_names(a, details[0])}"
    if kind == "other_place":
        return f"different places ({_names(a, details[0])} vs {_names(b, details[1])})"
    if kind == "same_theme":
        return "same theme"
    if kind == "other_theme":
        return f"different themes ({x.theme}, {y.theme})"
    if kind == "same_year":
        return "same start year"
    if kind == "years":
        return f"start years {x.start_year} and {y.start_year}"
    if kind == "status":
        return f"statuses conflict ({x.status}, {y.status})"
    if kind == "assigned":
        return "each is the other's closest report from that partner" if details[0] else "the only reports between them"
    if kind == "rival":
        return "a closer report from the same partner"
    return kind


def explain(found: list[Evidence], a: Node, b: Node, *, against: bool = False, limit: int = 3) -> str:
    """The strongest evidence for (or, with `against`, against) a pair."""
    found = [e for e in found if e.kind != "bias"]
    ordered = sorted(found, key=lambda e: e.weight, reverse=not against)
    chosen = [e for e in ordered if (e.weight < 0 if against else e.weight > 0)][:limit] or ordered[:1]
    return "; ".join(phrase(e, a, b) for e in chosen)
