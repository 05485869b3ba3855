"""The generated evaluation set (a scale test, not a quality figure) and its pairwise scores."""

from collections import Counter

import pytest

from bench.generated_reports import (
    REPORTING_TYPES,
    evaluation_build,
    evaluation_scaled,
    hard_negative_scores,
    pairwise_scores,
)
from bluelight.consolidation.matching import ProposedCluster
from bluelight.demo.world import register_entries


@pytest.fixture(scope="module")
def standard():
    return evaluation_build()


def clusters_of(groups: list[list[str]]) -> list[ProposedCluster]:
    return [ProposedCluster(keys) for keys in groups]


def test_the_evaluation_set_is_the_same_every_time(standard):
    again = evaluation_build()

    assert again.items == standard.items
    assert again.truth == standard.truth
    assert again.existing == standard.existing


def test_every_blue_light_partner_reports_each_collaboration(standard):
    reports = Counter(standard.truth.values())
    for key, collaboration in standard.collaborations.items():
        reporting = [s for s in collaboration.partners if register_entries()[s].type in REPORTING_TYPES]
        assert reports[key] == len(reporting), key


def test_the_set_has_hard_negatives_of_both_kinds_with_the_same_partners(standard):
    twins = [c for c in standard.collaborations.values() if c.kind != "world"]
    kinds = Counter(c.kind for c in twins)

    assert kinds["other_town"] >= 20 and kinds["other_theme"] >= 10
    for twin in twins:
        original = standard.collaborations[twin.twin_of]
        assert twin.partners == original.partners
        assert twin.title != original.title
    assert hard_negative_scores([], standard.truth, standard.partner_sets()).pairs > 500


def test_reports_vary_the_way_real_returns_do(standard):
    titles = {}
    for item in standard.items:
        titles.setdefault(standard.truth[item.key], set()).add(item.title)
    reworded = sum(1 for t in titles.values() if len(t) > 1)

    assert reworded > len(titles) / 2
    assert any(i.theme is None for i in standard.items)
    assert any(not i.description for i in standard.items)
    assert any(i.known_collaboration for i in standard.items)


def test_the_scaled_set_has_exactly_the_number_of_reports_asked_for():
    scaled = evaluation_scaled(items=500)

    assert len(scaled.items) == 500
    assert len({i.key for i in scaled.items}) == 500
    assert set(scaled.truth) == {i.key for i in scaled.items}


def test_pairwise_scores_count_pairs_of_items():
    truth = {"a": "X", "b": "X", "c": "X", "d": "Y"}

    perfect = pairwise_scores(clusters_of([["a", "b", "c"], ["d"]]), truth)
    split = pairwise_scores(clusters_of([["a", "b"], ["c"], ["d"]]), truth)
    lumped = pairwise_scores(clusters_of([["a", "b", "c", "d"]]), truth)

    assert (perfect.precision, perfect.recall, perfect.f1) == (1, 1, 1)
    assert (split.precision, split.recall) == (1, 1 / 3)
    assert (lumped.precision, lumped.recall) == (0.5, 1)


def test_hard_negative_scores_count_only_pairs_with_the_same_partners():
    truth = {"a": "X", "b": "Y", "c": "Z"}
    partners = {"X": frozenset({1, 2}), "Y": frozenset({1, 2}), "Z": frozenset({1, 3})}

    scores = hard_negative_scores(clusters_of([["a", "b", "c"]]), truth, partners)

    assert (scores.pairs, scores.false_merges, scores.rate) == (1, 1, 1.0)
