"""The explorer benchmark's figures: percentiles, the summary of a run, and the comparison table."""

import math

import pytest

from bench.explorer import Stats, comparison_table, percentile, ratio, summarise


def test_percentiles_interpolate_between_ranks_as_numpy_does():
    values = [15, 20, 35, 40, 50]

    assert percentile(values, 0) == 15
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(values, 40) == pytest.approx(29.0)  # numpy.percentile([15, 20, 35, 40, 50], 40)
    assert percentile(values, 95) == pytest.approx(48.0)


def test_percentiles_do_not_depend_on_the_order_of_the_values():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_a_percentile_of_one_value_is_that_value_and_of_none_is_nan():
    assert percentile([7.5], 99) == 7.5
    assert math.isnan(percentile([], 50))


def test_a_percentile_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_a_run_is_summarised_in_milliseconds_with_errors_counted_by_status():
    latencies = [0.010] * 90 + [0.100] * 9 + [1.0]
    statuses = ["200"] * 97 + ["500", "timeout", "200"]

    stats = summarise(latencies, statuses, seconds=4.0)

    assert stats.requests == 100
    assert stats.errors == 2
    assert stats.statuses == {"200": 98, "500": 1, "timeout": 1}
    assert stats.rps == 25.0
    assert stats.p50_ms == pytest.approx(10.0)
    assert stats.p95_ms == pytest.approx(100.0)
    assert stats.p99_ms == pytest.approx(109.0)  # between the 99th (100 ms) and 100th (1,000 ms) values


def test_the_ratio_is_explorer_p95_over_datasette_p95():
    explorer = summarise([0.05] * 20, ["200"] * 20, 1.0)
    datasette = summarise([0.10] * 20, ["200"] * 20, 1.0)

    assert ratio(explorer, datasette) == pytest.approx(0.5)
    assert math.isnan(ratio(Stats.unavailable("404"), datasette))


def test_the_table_has_a_row_per_workload_with_both_servers_and_the_ratio():
    explorer = summarise([0.012, 0.020, 0.030], ["200"] * 3, 1.5)
    datasette = summarise([0.040, 0.050, 0.060], ["200", "200", "500"], 1.5)

    table = comparison_table([("list", explorer, datasette), ("json", Stats.unavailable("404"), datasette)])
    lines = table.splitlines()

    assert lines[0].split()[:3] == ["workload", "explorer", "p50"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split() == ["list", "20", "29", "30", "2.0", "0", "50", "59", "60", "2.0", "1", "0.49"]
    assert "not available" in lines[3]
    assert lines[3].rstrip().endswith("-")
