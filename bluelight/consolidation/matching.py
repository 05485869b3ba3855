"""Matching reports of the same collaboration: plain data in, scored clusters out (no database).

The database layer (services.py) turns staged return items and existing collaborations into
`MatchItem`s and stores the clusters this module proposes; the benchmark feeds it a generated,
labelled evaluation set. Interface only here; the matcher itself is built below it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MatchItem:
    """One report (a staged return item) or one existing collaboration, as the matcher sees it."""

    key: str  # "item:<pk>" or "collaboration:<pk>"; unique
    partners: frozenset[int]  # organisation ids, reporter included
    title: str
    description: str = ""
    reporter: int | None = None  # organisation id that reported it; None for an existing collaboration
    return_id: int | None = None  # two items of one return are never the same collaboration
    theme: str | None = None  # theme code, if coded
    start_year: int | None = None
    status: str = ""
    known_collaboration: int | None = None  # the item was pre-filled from this collaboration
    collaboration: int | None = None  # set when this is an existing collaboration


@dataclass
class ProposedCluster:
    """Items (and at most one existing collaboration) taken to be one collaboration."""

    keys: list[str]  # keys of the return items in the cluster (may be one: a singleton)
    existing: int | None = None  # collaboration id it matches, if any
    score: float = 1.0  # 0-1: confidence that the cluster is right as proposed
    explanation: str = ""  # plain language: "same 3 partners; titles 0.82 similar; both name Epsom"
    pair_scores: dict = field(default_factory=dict)  # {(key_a, key_b): score} for the links used
