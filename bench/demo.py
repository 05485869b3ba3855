"""Benchmarks of `bluelight demo`: the demo world, and synthetic collaborations at scale."""

import json
import os

from bench import MIB, FreshDatabase, Measure, Result, benchmark, child_run


@benchmark("demo_scale", "bluelight demo --scale 100000 on a fresh database: under 2 minutes and 1 GiB")
def demo_scale() -> Result:
    n = int(os.environ.get("BENCH_SCALE", "100000"))
    with FreshDatabase("demo_scale") as database:
        run = child_run(["demo", "--scale", str(n), "--json"], database.env)
        summary = json.loads(run.stdout)
        where = database.description
    created = summary["scale"]["created"]
    if created != n:
        raise RuntimeError(f"expected {n} synthetic collaborations, the command created {created}")
    return Result(
        "demo_scale",
        [
            Measure("wall time", run.seconds, "s", 120),
            Measure("peak memory", run.peak_rss_bytes / MIB, "MiB", 1024),
        ],
        [
            where,
            f"{created:,} synthetic collaborations ({summary['scale']['seconds']:.1f} s in the scale load), "
            f"plus the {summary['collaborations']} demo-world records",
        ],
    )


@benchmark("demo_world", "bluelight demo (the ~150-record demo world) on a fresh database: under 30 s")
def demo_world() -> Result:
    with FreshDatabase("demo_world") as database:
        run = child_run(["demo", "--json"], database.env)
        summary = json.loads(run.stdout)
        where = database.description
    return Result(
        "demo_world",
        [
            Measure("wall time", run.seconds, "s", 30),
            Measure("peak memory", run.peak_rss_bytes / MIB, "MiB", 512),
        ],
        [where, f"{summary['collaborations']} collaborations, {summary['evidence']} evidence items"],
    )
