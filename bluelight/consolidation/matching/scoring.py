"""Scoring a pair of reports: weighted evidence in log-odds, then the competition between reports
of the same two partners (a small one-to-one assignment), then a probability.

Every weight is set by hand from what the evidence is worth to an analyst reading two returns, and
none is fitted to a labelled set. What partners' reports of one collaboration share is mostly
structure, not words: the same partners (each names the other), the same place, the same kind of
work, close dates and compatible status. The same two partners also run several collaborations
together, so which of B's reports is the counterpart of A's report is decided by comparing them
with each other, not each against a fixed bar.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .features import Node
from .items import Knowledge

# Before any evidence: two reports that share a partner are more likely different collaborations.
BIAS = -3.0
# SIDES x (Jaccard - 0.5) on the partner lists, a commissioner counted as its force: the same list
# (+1.5) is expected but not sufficient; a half-overlapping list is neutral (reports often leave a
# partner out).
W_SIDES = 3.0
# Each reporter named by the other report (+1.0), as reports of one joint project are; a reporter
# the other leaves out (-1.0) suggests a different project, though partners are forgotten.
W_MUTUAL = 1.0
W_NOT_MUTUAL = -0.5
# TEXT x (similarity - pivot): the mean of the word and character TF-IDF cosines over title and
# description. Reports written independently share few words, so the pivot is low: 0.12 is where
# two unrelated returns between the same partners rarely reach.
W_TEXT = 8.0
TEXT_PIVOT = 0.12
# Wording alike beyond TEXT_CAP adds nothing more (at most about +3.8): partners' own reports rarely
# share more, and wording copied from one template says nothing about which scheme is meant.
TEXT_CAP = 0.6
# MEANING x (similarity - pivot): the cosine of the theme model's probabilities ("999 call
# handling" and "control room" are both joint control), when a model is available.
W_MEANING = 2.0
MEANING_PIVOT = 0.5
# A place or proper name both mention ("Pocklington") is strong evidence (+2.0), rarer names more.
# Titles that each name a different place are weak evidence against on their own (-2.0): one
# partner names the town, another the site, the street or the project ("Wyre Forest hub",
# "Kidderminster hub"). The more the rest of the titles agree, the more it is the same kind of
# scheme somewhere else ("Joint station at Epsom", "Joint station at Woking"): up to -6.0 more.
W_SAME_NAME = 2.0
W_OTHER_PLACE = -2.0
W_OTHER_PLACE_ALIKE = -6.0
# Theme codes, when both are coded: the same (+1.0), a sibling (0), another top-level theme (-1.5).
W_SAME_THEME = 1.0
W_OTHER_THEME = -1.5
# Start years, when both are given: partners remember dates loosely, and one gives the decision,
# another the opening; a year apart is neutral, the same year +0.3, 2 years -0.5, 3 or more -1.5.
W_SAME_YEAR = 0.3
W_TWO_YEARS = -0.5
W_THREE_YEARS = -1.0
W_FAR_YEARS = -1.5
# Status: planned and ended cannot both be right about one collaboration in one round.
W_STATUS_CONFLICT = -0.7
# The assignment between two reporters' reports: the pair chosen in the best one-to-one pairing of
# A's reports naming B with B's reports naming A gets +1.5; a pair that loses to a better
# counterpart loses the difference (at most 4).
W_ASSIGNED = 1.5
MAX_LOSS = 4.0


# Evidence every pair between the same partners shares, whatever each report says.
STRUCTURE = frozenset({"bias", "partners", "mutual", "not_mutual", "assigned", "rival"})


@dataclass(frozen=True)
class Evidence:
    weight: float
    kind: str
    details: tuple = ()


def mutual(a: Node, b: Node, sides: dict[int, int]) -> bool | None:
    x, y = a.item, b.item
    if x.reporter is None or y.reporter is None:
        return None  # an existing record lists every partner: naming them says nothing
    named_x = x.reporter is None or sides.get(x.reporter, x.reporter) in b.sides
    named_y = y.reporter is None or sides.get(y.reporter, y.reporter) in a.sides
    return named_x and named_y


def _weight(organisations: frozenset[int], minor: frozenset[int]) -> float:
    return sum(0.5 if o in minor else 1.0 for o in organisations)


def evidence(a: Node, b: Node, similarity: dict, knowledge: Knowledge, rarity: dict[str, float]) -> list[Evidence]:
    """The weighted evidence about a pair, strongest reasons kept with their details."""
    x, y = a.item, b.item
    known_x = x.known_collaboration if x.collaboration is None else x.collaboration
    known_y = y.known_collaboration if y.collaboration is None else y.collaboration
    if known_x is not None and known_x == known_y:
        return [Evidence(math.inf, "known", (known_x,))]
    found = [Evidence(BIAS, "bias")]
    minor = knowledge.minor
    shared, union = a.sides & b.sides, a.sides | b.sides
    overlap = _weight(shared, minor) / _weight(union, minor) if union else 0.0
    found.append(Evidence(W_SIDES * (overlap - 0.5), "partners", (len(shared), len(union))))
    named = mutual(a, b, knowledge.sides)
    if named is not None:
        found.append(Evidence(W_MUTUAL, "mutual") if named else Evidence(W_NOT_MUTUAL, "not_mutual"))
    if a.has_text and b.has_text:
        text = 0.5 * similarity["words"] + 0.5 * similarity["chars"]
        found.append(Evidence(W_TEXT * (min(text, TEXT_CAP) - TEXT_PIVOT), "text", (text,)))
    if similarity["meaning"] is not None and a.has_text and b.has_text:
        found.append(Evidence(W_MEANING * (similarity["meaning"] - MEANING_PIVOT), "meaning", (similarity["meaning"],)))
    # The places in the titles decide when both titles name one; the descriptions, which also
    # mention the wider area and other schemes, only add agreement otherwise.
    if a.title_names and b.title_names:
        common = a.title_names & b.title_names
        if not common:
            weight = W_OTHER_PLACE + W_OTHER_PLACE_ALIKE * similarity["title"]
            found.append(Evidence(weight, "other_place", (a.title_names, b.title_names)))
    else:
        common = a.names & b.names
    if common:
        weight = W_SAME_NAME * max(rarity.get(n, 1.0) for n in common)
        found.append(Evidence(weight, "same_name", (common,)))
    if x.theme and y.theme:
        if x.theme == y.theme:
            found.append(Evidence(W_SAME_THEME, "same_theme"))
        elif a.theme_parent != b.theme_parent:
            found.append(Evidence(W_OTHER_THEME, "other_theme"))
    if x.start_year and y.start_year:
        gap = abs(x.start_year - y.start_year)
        if gap == 0:
            found.append(Evidence(W_SAME_YEAR, "same_year"))
        elif gap == 2:
            found.append(Evidence(W_TWO_YEARS, "years"))
        elif gap in (3, 4):
            found.append(Evidence(W_THREE_YEARS, "years"))
        elif gap > 4:
            found.append(Evidence(W_FAR_YEARS, "years"))
    if a.stage and b.stage and {a.stage, b.stage} == {"future", "ended"}:
        found.append(Evidence(W_STATUS_CONFLICT, "status"))
    return found


def log_odds(found: list[Evidence]) -> float:
    return sum(e.weight for e in found)


def probability(z: float) -> float:
    if z == math.inf:
        return 1.0
    return 1 / (1 + math.exp(-z)) if z > -500 else 0.0


def assignment_evidence(pairs: dict[tuple[int, int], float], nodes: list[Node]) -> dict[tuple[int, int], Evidence]:
    """For each pair, how it fares in the one-to-one pairing of its two reporters' reports.

    Reports are grouped by (reporter of one, reporter of the other); within each group the best
    pairing (Hungarian algorithm on the log-odds) is found. A pair in it gains W_ASSIGNED; a pair
    that is not loses what its better rivals score above it, up to MAX_LOSS."""
    groups: dict[tuple, list[tuple[int, int]]] = {}
    for i, j in pairs:
        ri, rj = _party(nodes[i]), _party(nodes[j])
        key, pair = ((ri, rj), (i, j)) if ri <= rj else ((rj, ri), (j, i))
        groups.setdefault(key, []).append(pair)
    result: dict[tuple[int, int], Evidence] = {}
    for members in groups.values():
        rows = sorted({p[0] for p in members})
        cols = sorted({p[1] for p in members})
        row_at = {r: k for k, r in enumerate(rows)}
        col_at = {c: k for k, c in enumerate(cols)}
        cost = np.full((len(rows), len(cols)), 1e6)
        for r, c in members:
            z = pairs[(r, c) if (r, c) in pairs else (c, r)]
            # Leaving a report unpaired is always possible, and is worth what a pair with no evidence
            # either way is (BIAS): a pair below that is never forced on a pairing of several. The
            # only pair between two reporters is their pairing whatever it says: what it says is
            # weighed in its own evidence.
            cost[row_at[r], col_at[c]] = -min(max(z, BIAS), 50.0)
        chosen = set()
        alone = len(rows) == 1 and len(cols) == 1
        for r, c in zip(*linear_sum_assignment(cost), strict=True):
            if cost[r, c] < -BIAS or (alone and cost[r, c] < 1e6):
                chosen.add((rows[r], cols[c]))
        best_row = {r: -cost[row_at[r]].min() for r in rows}
        best_col = {c: -cost[:, col_at[c]].min() for c in cols}
        for r, c in members:
            key = (r, c) if (r, c) in pairs else (c, r)
            if (r, c) in chosen:
                # Partners' reports of each other pair up; an existing record is not a partner's
                # report, so being its closest report is no evidence in itself.
                record = nodes[r].item.reporter is None or nodes[c].item.reporter is None
                rivals = len(rows) > 1 or len(cols) > 1
                result[key] = Evidence(0.0 if record else W_ASSIGNED, "assigned", (rivals,))
            else:
                z = pairs[key]
                loss = min(MAX_LOSS, max(0.0, max(best_row[r], best_col[c]) - min(z, 50.0)))
                result[key] = Evidence(-loss, "rival")
    return result


def _party(node: Node) -> int:
    """Who a node speaks for: its reporter, or -1 for the existing records (one side: the register)."""
    item = node.item
    return item.reporter if item.reporter is not None else -1
