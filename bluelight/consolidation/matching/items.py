"""What the matcher takes in and gives back: reports, existing records, what it knows, proposed clusters."""

from collections.abc import Callable, Sequence
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
    score: float = 1.0  # 0-1: the estimated probability that the cluster is right as proposed
    explanation: str = ""  # plain language: "same 2 partners; both name Pocklington; same kind of work"
    # {(key_a, key_b): probability} of the links used; a link between two groups made on their
    # combined evidence carries that combined probability.
    pair_scores: dict = field(default_factory=dict)


@dataclass
class Knowledge:
    """What the matcher knows about the world, read from the database when a round is matched.

    `organisation_names`: every name and alias in the register (analysts' additions included), so
    that their words are never taken for places; `theme_parents`: theme code -> top-level code;
    `theme_model`: texts -> rows of theme probabilities (the learned theme suggester), or None;
    `sides` and `minor` describe the partners (below).
    """

    organisation_names: Sequence[str] = ()
    theme_parents: dict[str, str] = field(default_factory=dict)
    theme_words: frozenset[str] = frozenset()  # words of the taxonomy's theme names: never places
    theme_model: Callable[[list[str]], object] | None = None
    # Organisation id -> the one it speaks for in partner lists (a commissioner -> its force).
    sides: dict[int, int] = field(default_factory=dict)
    # Partners outside the emergency services (councils, NHS bodies, charities): named less
    # consistently by the partners' reports, so they count half in partner overlap.
    minor: frozenset[int] = frozenset()
