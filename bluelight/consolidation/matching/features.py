"""Features of each report, computed once for a round: partner sides, text vectors, names, meaning."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .items import Knowledge, MatchItem
from .text import Analyser, tfidf_rows

SLICE = 20_000  # pairs whose vectors are multiplied at once

STATUS_STAGE = {
    "planned": "future",
    "in_development": "future",
    "operational": "running",
    "completed": "ended",
    "discontinued": "ended",
}


@dataclass
class Node:
    """One item or existing collaboration, with its features."""

    index: int
    item: MatchItem
    sides: frozenset[int]  # partners, a commissioner counted as the force it oversees
    names: set[str]  # distinctive words of the places and proper names in title and description
    title_names: set[str]  # the same, from the title alone
    shown: dict[str, str]  # name -> as written
    theme_parent: str | None
    stage: str | None
    has_text: bool


@dataclass
class Vectors:
    """Row-aligned unit vectors of every node: words, character n-grams, title words, meaning."""

    words: object  # sparse
    chars: object  # sparse
    titles: object  # sparse
    meaning: np.ndarray | None  # theme probabilities

    def similarities(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dict[str, float | None]]:
        """The cosines of many pairs at once (one sparse product per kind, not one per pair)."""
        if not pairs:
            return {}
        left = np.fromiter((i for i, _j in pairs), dtype=np.int64, count=len(pairs))
        right = np.fromiter((j for _i, j in pairs), dtype=np.int64, count=len(pairs))

        def cos(matrix) -> np.ndarray:
            if matrix is None:
                return np.zeros(len(pairs))
            # In slices, so that the rows taken for a large round stay small in memory.
            out = np.empty(len(pairs))
            for start in range(0, len(pairs), SLICE):
                a, b = left[start : start + SLICE], right[start : start + SLICE]
                out[start : start + SLICE] = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
            return out

        words, chars, titles = cos(self.words), cos(self.chars), cos(self.titles)
        meaning = (self.meaning[left] * self.meaning[right]).sum(axis=1) if self.meaning is not None else None
        return {
            pair: {
                "words": float(words[k]),
                "chars": float(chars[k]),
                "title": float(titles[k]),
                "meaning": float(meaning[k]) if meaning is not None else None,
            }
            for k, pair in enumerate(pairs)
        }


# Words of a place name that do not tell one place from another ("Hindlip Park", "Hindlip Hall").
ADDRESS_WORDS = frozenset(
    "park hall road street lane house court way drive avenue close square place green hill wells bridge".split()  # noqa: SIM905
)


def name_words(names: set[str]) -> set[str]:
    """The distinctive words of names, so that "Tenbury Wells" and "Tenbury" agree."""
    return {w for name in names for w in name.split() if w not in ADDRESS_WORDS and len(w) > 2}


def report_text(item: MatchItem) -> str:
    return f"{item.title}. {item.description}".strip(" .")


def nodes_of(items: Sequence[MatchItem], knowledge: Knowledge) -> tuple[list[Node], Vectors]:
    analyser = Analyser(
        knowledge.organisation_names,
        knowledge.theme_words,
        [t for item in items for t in (item.title, item.description)],
    )
    titles = [analyser.analyse(item.title) for item in items]
    descriptions = [analyser.analyse(item.description) for item in items]
    # A capitalised run at the start of a sentence is a name when the round uses it as one
    # elsewhere, or when two reports both start with it ("Pocklington NPT into fire station").
    known = {name for text in titles + descriptions for name in text.names}
    starts: dict[str, set[int]] = {}
    for k, (title, description) in enumerate(zip(titles, descriptions, strict=True)):
        for key, _written, _terms in title.initial + description.initial:
            starts.setdefault(key, set()).add(k)
    known |= {key for key, where in starts.items() if len(where) > 1}
    for text in titles + descriptions:
        text.settle(known)
    # The title says what the collaboration is; it counts twice beside the description.
    docs = [t.terms + t.terms + d.terms for t, d in zip(titles, descriptions, strict=True)]
    meaning = None
    if knowledge.theme_model is not None and items:
        probabilities = np.asarray(knowledge.theme_model([report_text(i) for i in items]), dtype=float)
        # A model that gives no usable row per report is no evidence, not an error.
        if probabilities.ndim == 2 and probabilities.shape[0] == len(items) and np.isfinite(probabilities).all():
            norms = np.linalg.norm(probabilities, axis=1, keepdims=True)
            meaning = probabilities / np.where(norms == 0, 1, norms)
    vectors = Vectors(
        words=tfidf_rows(docs),
        chars=tfidf_rows(docs, chars=True),
        titles=tfidf_rows([t.terms for t in titles]),
        meaning=meaning,
    )
    nodes = []
    for k, item in enumerate(items):
        nodes.append(
            Node(
                index=k,
                item=item,
                sides=frozenset(knowledge.sides.get(p, p) for p in item.partners),
                names=name_words(titles[k].names | descriptions[k].names),
                title_names=name_words(titles[k].names),
                shown={
                    w: written
                    for key, written in {**descriptions[k].shown, **titles[k].shown}.items()
                    for w in key.split()
                },
                theme_parent=knowledge.theme_parents.get(item.theme, item.theme) if item.theme else None,
                stage=STATUS_STAGE.get(item.status),
                has_text=bool(docs[k]),
            )
        )
    return nodes, vectors
