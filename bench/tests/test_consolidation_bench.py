"""The consolidation benchmark's own arithmetic: pairwise scores, calibration and the baseline."""

from bench.baselines import baseline_clusters, baseline_pairs
from bench.consolidation import _calibration, _pairwise


def test_pairwise_scores_count_pairs_of_reports_against_the_gold_clusters():
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    # Proposed: {a, b} and {c, d}: one true pair found (a-b) of three, one wrong pair (c-d).
    figures = _pairwise({"a": 0, "b": 0, "c": 1, "d": 1}, gold)

    assert (figures["true_pairs"], figures["found"], figures["wrong"]) == (3, 1, 1)
    assert figures["precision"] == 0.5 and round(figures["recall"], 3) == 0.333
    assert round(figures["f1"], 3) == 0.4


def test_a_refused_report_counts_as_missed_not_as_found():
    figures = _pairwise({"a": 0}, {"a": "1", "b": "1"})

    assert (figures["found"], figures["true_pairs"], figures["recall"]) == (0, 1, 0.0)


def test_calibration_counts_a_cluster_right_only_when_it_is_exactly_its_collaboration():
    gold = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    clusters = [
        {"score": 0.95, "items": [{"reference": "a"}, {"reference": "b"}]},  # right
        {"score": 0.92, "items": [{"reference": "c"}]},  # wrong: d belongs with it
        {"score": 0.3, "items": [{"reference": "d"}, {"reference": "e"}]},  # wrong: two collaborations
    ]

    table = {row["band"]: (row["right"], row["clusters"]) for row in _calibration(clusters, gold)}

    assert table["0.9-1.0"] == (1, 2)
    assert table["0.0-0.5"] == (0, 1)


def test_the_baseline_joins_alike_reports_from_different_reporters_only():
    reports = [
        {"text": "joint fire station at Epsom", "partners": {1, 2}, "reporter": 1},
        {"text": "joint fire station at Epsom", "partners": {1, 2}, "reporter": 2},
        {"text": "joint fire station at Epsom", "partners": {1, 2}, "reporter": 1},
        {"text": "drones for missing people", "partners": {3, 4}, "reporter": 3},
    ]
    scores = baseline_pairs(reports)

    assert (0, 2) not in scores  # one reporter's two reports are never compared
    groups = sorted(sorted(g) for g in baseline_clusters(len(reports), scores, 0.9))
    assert groups == [[0, 1, 2], [3]]  # connected through report 1: the baseline has no cannot-link rule
