"""Blocking, pair probabilities and clustering: the matcher's entry point, `cluster_items`.

Blocking: two reports can only describe one collaboration if they share at least one partner
(their reporters included; a commissioner counted as its force, a merged service as the body it
became), so only such pairs are compared, with reports pre-filled from the same record: cost grows
with the partners' shared work, not with the square of the round. In a very large block each
report is compared only with its NEIGHBOURS most alike by words.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .explain import explain
from .features import Node, Vectors, nodes_of
from .items import Knowledge, MatchItem, ProposedCluster
from .scoring import STRUCTURE, Evidence, assignment_evidence, evidence, log_odds, probability

THRESHOLD = 0.5  # a pair is linked when it is more likely the same collaboration than not
# A merge of two groups is refused when any two of their reports would score below VETO: a clear
# contradiction (another place, another kind of work), not missing evidence.
VETO = 0.02
GROUP_SHARE = 0.5
LARGE_BLOCK = 60
NEIGHBOURS = 30


def _comparable(a: MatchItem, b: MatchItem) -> bool:
    """Pairs that could ever be one collaboration: not two existing ones, not one return or reporter twice."""
    if a.collaboration is not None and b.collaboration is not None:
        return False
    if a.return_id is not None and a.return_id == b.return_id:
        return False
    return not (a.reporter is not None and a.reporter == b.reporter)


def _candidate_pairs(nodes: list[Node], vectors: Vectors, stats: dict) -> set[tuple[int, int]]:
    blocks: dict[int, list[int]] = defaultdict(list)
    for node in nodes:
        for side in node.sides:
            blocks[side].append(node.index)
    pairs: set[tuple[int, int]] = set()
    large = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > LARGE_BLOCK:
            large += 1
            pairs |= _nearest(members, vectors, NEIGHBOURS)
        else:
            pairs.update((m, o) if m < o else (o, m) for k, m in enumerate(members) for o in members[k + 1 :])
    by_known: dict[int, list[int]] = defaultdict(list)
    for node in nodes:
        item = node.item
        known = item.known_collaboration if item.collaboration is None else item.collaboration
        if known is not None:
            by_known[known].append(node.index)
    for members in by_known.values():
        pairs.update((m, o) if m < o else (o, m) for k, m in enumerate(members) for o in members[k + 1 :])
    kept = {(i, j) for i, j in pairs if _comparable(nodes[i].item, nodes[j].item)}
    stats.update(blocks=sum(1 for m in blocks.values() if len(m) > 1), large_blocks=large, comparisons=len(kept))
    return kept


def _nearest(members: list[int], vectors: Vectors, limit: int) -> set[tuple[int, int]]:
    """For a large block: each member with the `limit` members most alike by words (in slices of
    rows, so that memory grows with the block, not with its square)."""
    if vectors.words is None:  # no words anywhere: each with its next neighbours in order
        return {(m, o) if m < o else (o, m) for k, m in enumerate(members) for o in members[k + 1 : k + 1 + limit]}
    matrix = vectors.words[members]
    pairs = set()
    for start in range(0, len(members), 256):
        similarity = (matrix[start : start + 256] @ matrix.T).toarray()
        for row in range(similarity.shape[0]):
            similarity[row, start + row] = -1.0
            best = np.argpartition(-similarity[row], min(limit, len(members) - 1))[:limit]
            m = members[start + row]
            pairs.update((m, members[o]) if m < members[o] else (members[o], m) for o in best)
    return pairs


def _rarity(nodes: list[Node]) -> dict[str, float]:
    """A name many reports mention (a county, a city) says less than one only a few do."""
    counts: dict[str, int] = defaultdict(int)
    for node in nodes:
        for name in node.names:
            counts[name] += 1
    return {name: min(1.0, 4 / count) for name, count in counts.items()}


@dataclass
class _Group:
    members: list[int]
    returns: set[int]
    reporters: set[int]
    collaborations: set[int]
    existing: int | None
    links: list[tuple[int, int, float]] = field(default_factory=list)


def _group_of(node: Node) -> _Group:
    item = node.item
    return _Group(
        members=[node.index],
        returns={item.return_id} if item.return_id is not None else set(),
        reporters={item.reporter} if item.reporter is not None else set(),
        collaborations={c for c in (item.known_collaboration, item.collaboration) if c is not None},
        existing=node.index if item.collaboration is not None else None,
    )


def _may_join(a: _Group, b: _Group, scores: dict[tuple[int, int], float]) -> str:
    """'' when two groups may become one; otherwise why not."""
    if a.returns & b.returns or a.reporters & b.reporters:
        return "its cluster already has a report from the same organisation"
    if a.existing is not None and b.existing is not None:
        return "each matches a different existing collaboration"
    if len(a.collaborations | b.collaborations) > 1:
        return "pre-filled from different collaborations"
    for i in a.members:
        for j in b.members:
            if scores.get((i, j) if i < j else (j, i), 1.0) < VETO:
                return "another report in its cluster contradicts this one"
    return ""


@dataclass
class Scored:
    """Every compared pair with its evidence and probability."""

    nodes: list[Node]
    evidence: dict[tuple[int, int], list[Evidence]]
    scores: dict[tuple[int, int], float]
    neighbours: dict[int, list[tuple[int, float]]] = field(default_factory=dict)  # node -> (other, score)

    def __post_init__(self):
        for (i, j), score in self.scores.items():
            self.neighbours.setdefault(i, []).append((j, score))
            self.neighbours.setdefault(j, []).append((i, score))


def score_pairs(items: list[MatchItem], knowledge: Knowledge, stats: dict) -> Scored:
    nodes, vectors = nodes_of(items, knowledge)
    pairs = _candidate_pairs(nodes, vectors, stats)
    rarity = _rarity(nodes)
    similarities = vectors.similarities(sorted(pairs))
    found = {
        pair: evidence(nodes[pair[0]], nodes[pair[1]], similarity, knowledge, rarity)
        for pair, similarity in similarities.items()
    }
    z = {pair: log_odds(e) for pair, e in found.items()}
    for pair, extra in assignment_evidence({p: v for p, v in z.items() if v != math.inf}, nodes).items():
        found[pair].append(extra)
    scores = {pair: probability(log_odds(e)) for pair, e in found.items()}
    return Scored(nodes, found, scores)


def cluster_items(
    items: list[MatchItem],
    existing: Iterable[MatchItem] = (),
    *,
    knowledge: Knowledge | None = None,
    threshold: float = THRESHOLD,
    stats: dict | None = None,
) -> list[ProposedCluster]:
    """Group reports of the same collaboration, and attach the existing collaboration each group updates.

    Every item is in exactly one returned cluster (singletons included); an existing collaboration
    is attached to at most one cluster and never returned on its own. `knowledge` is what the
    database knows (names, partners' sides, themes); `stats`, when given, is filled with the
    blocking figures.
    """
    stats = {} if stats is None else stats
    knowledge = knowledge or Knowledge()
    items = list(items)
    relevant = _relevant_existing(items, existing, knowledge.sides)
    scored = score_pairs(items + relevant, knowledge, stats)
    nodes, scores = scored.nodes, scored.scores
    stats.update(items=len(items), existing=len(relevant))

    groups = {node.index: _group_of(node) for node in nodes}
    owner = list(range(len(nodes)))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    def join(score: float, i: int, j: int) -> None:
        root_i, root_j = find(i), find(j)
        if root_i == root_j:
            return
        a, b = groups[root_i], groups[root_j]
        if _may_join(a, b, scores):
            return
        if len(a.members) < len(b.members):
            root_i, root_j, a, b = root_j, root_i, b, a
        owner[root_j] = root_i
        a.members += b.members
        a.returns |= b.returns
        a.reporters |= b.reporters
        a.collaborations |= b.collaborations
        a.existing = a.existing if a.existing is not None else b.existing
        a.links += b.links + [(i, j, score)]
        del groups[root_j]

    ranked = sorted(((s, i, j) for (i, j), s in scores.items() if s >= threshold), key=lambda t: (-t[0], t[1], t[2]))
    for score, i, j in ranked:
        join(score, i, j)
    # Then groups that several of each other's reports point to, none decisively: a commissioner's
    # report about the decision, alike enough to both the force's and the fire service's reports.
    for score, i, j in _group_links(scored, find, threshold):
        join(score, i, j)

    proposals = []
    # A group holding the existing record claims it before a group only pre-filled from it.
    claimed = {nodes[g.existing].item.collaboration for g in groups.values() if g.existing is not None}
    for root in sorted(groups, key=lambda r: min(groups[r].members)):
        group = groups[root]
        members = sorted(m for m in group.members if m < len(items))
        if members:
            proposals.append(_proposal(group, members, scored, find, groups, claimed, threshold))
    return proposals


def _group_links(scored: "Scored", find, threshold: float) -> list[tuple[float, int, int]]:
    """Links between groups from the evidence of every compared pair across them: the strongest
    pair, plus half of what each further pair's content says for it (wording, meaning, places,
    dates). Their structure (the same partners, naming each other, the pairing) is what every pair
    between these partners has, so it counts once, in the strongest pair. Only groups with at
    least two compared pairs across them qualify."""
    across: dict[tuple[int, int], list[tuple[float, float, int, int]]] = defaultdict(list)
    for (i, j), found in scored.evidence.items():
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            key = (root_i, root_j) if root_i < root_j else (root_j, root_i)
            content = sum(e.weight for e in found if e.kind not in STRUCTURE)
            across[key].append((log_odds(found), content, i, j))
    links = []
    for pairs in across.values():
        if len(pairs) < 2:
            continue
        pairs.sort(reverse=True)
        z = pairs[0][0] + GROUP_SHARE * sum(max(0.0, content) for _z, content, _i, _j in pairs[1:])
        score = probability(z)
        if score >= threshold:
            links.append((score, pairs[0][2], pairs[0][3]))
    return sorted(links, key=lambda t: (-t[0], t[1], t[2]))


def _relevant_existing(items: list[MatchItem], existing: Iterable[MatchItem], sides: dict[int, int]) -> list[MatchItem]:
    """Existing collaborations sharing a partner with some item, or that an item was pre-filled from."""
    touched = {sides.get(p, p) for item in items for p in item.partners}
    known = {item.known_collaboration for item in items if item.known_collaboration is not None}
    return [e for e in existing if e.collaboration in known or any(sides.get(p, p) in touched for p in e.partners)]


def _bound_elsewhere(group: _Group, item: MatchItem) -> bool:
    """A report or record that could never be in this cluster, however alike: another existing
    record, or a report pre-filled from another collaboration, when this cluster has one."""
    if not group.collaborations:
        return False
    other = item.collaboration if item.collaboration is not None else item.known_collaboration
    return other is not None and other not in group.collaborations


def _proposal(
    group: _Group, members: list[int], scored: Scored, find, groups, claimed: set[int], threshold: float
) -> ProposedCluster:
    """The cluster as the analyst sees it: the probability that it is right as proposed, and why.
    `claimed` holds the records already attached to a cluster (each is attached to one at most)."""
    nodes, scores = scored.nodes, scored.scores
    existing = None
    if group.existing is not None:
        existing = nodes[group.existing].item.collaboration
    elif group.collaborations:
        candidate = min(group.collaborations)
        if candidate not in claimed:
            existing = candidate
            claimed.add(candidate)
    everyone = set(group.members)
    keys = [nodes[m].item.key for m in members]
    pair_scores = {(nodes[i].item.key, nodes[j].item.key): s for i, j, s in group.links}
    # Right as proposed: its weakest link holds, and the likeliest report left outside does not
    # belong in it.
    inside = min((s for _i, _j, s in group.links), default=1.0)
    outside = max(
        (
            s
            for m in everyone
            for other, s in scored.neighbours.get(m, ())
            if other not in everyone and not _bound_elsewhere(group, nodes[other].item)
        ),
        default=0.0,
    )
    probability_right = min(inside, 1 - outside)
    if group.links:
        i, j, _s = min(group.links, key=lambda link: link[2])
        reports = f"{len(members)} reports" if len(members) > 1 else "1 report"
        text = f"{reports}: {explain(scored.evidence[(i, j) if i < j else (j, i)], nodes[i], nodes[j])}"
        if group.existing is not None and existing is not None:
            text += f"; matches existing collaboration {existing} '{nodes[group.existing].item.title}'"
        elif existing is not None:
            text += f"; pre-filled from collaboration {existing}"
        return ProposedCluster(keys, existing, probability_right, text, pair_scores)
    (only,) = members
    if existing is not None:
        return ProposedCluster(keys, existing, 1.0, f"pre-filled from collaboration {existing}", pair_scores)
    rivals = [(s, other) for other, s in scored.neighbours.get(only, ())]
    if not rivals:
        return ProposedCluster(keys, None, 1.0, "reported by one partner only: no other report names the same partners")
    best, other = max(rivals)
    pair = (only, other) if only < other else (other, only)
    if best >= threshold:
        reason = _may_join(groups[find(only)], groups[find(other)], scores) or "kept apart"
    else:
        reason = explain(scored.evidence[pair], nodes[pair[0]], nodes[pair[1]], against=True, limit=2)
    what = "existing collaboration " if nodes[other].item.collaboration is not None else ""
    text = f"reported by one partner only; closest is {what}'{nodes[other].item.title}' ({best:.2f}): {reason}"
    return ProposedCluster(keys, None, probability_right, text, pair_scores)
