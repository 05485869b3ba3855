"""The plain yardstick the matcher is compared with: TF-IDF of title and description plus partner overlap.

Each pair of reports from different organisations is scored by the mean of the cosine of their
TF-IDF vectors (scikit-learn, words, English stop words) and the Jaccard overlap of their partner
lists (reporter included); pairs at or above a threshold are joined (connected components). The
benchmark gives it every chance: its threshold is the one with the best F1 on the labels.
"""

import itertools

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel


def baseline_pairs(reports: list[dict]) -> dict[tuple[int, int], float]:
    """Scores of every pair of reports by different reporters: {(i, j): score}.

    Each report is a dict with `text`, `partners` (a set) and `reporter`.
    """
    texts = [r["text"] for r in reports]
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    cosine = linear_kernel(vectors)
    scores = {}
    for i, j in itertools.combinations(range(len(reports)), 2):
        a, b = reports[i], reports[j]
        if a["reporter"] == b["reporter"]:
            continue
        union = a["partners"] | b["partners"]
        jaccard = len(a["partners"] & b["partners"]) / len(union) if union else 0.0
        scores[(i, j)] = 0.5 * float(cosine[i, j]) + 0.5 * jaccard
    return scores


def baseline_clusters(n: int, scores: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Connected components of the pairs scored at or above `threshold`."""
    owner = list(range(n))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for (i, j), score in scores.items():
        if score >= threshold:
            owner[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
