"""Benchmark of consolidation: quality on partner reports written by people, speed at 10,000 generated reports.

Quality: `bench/data/partner_reports_dev.csv` (208 reports of 85 collaborations, written by hand
from real collaborations in each organisation's own voice; copied from the steering repository's
evaluation folder, with its README) goes through the product exactly as a user's returns do, in a
fresh database with the demo world loaded: unknown partners added with `bluelight orgs add`, one
return per reporting organisation through `bluelight returns import ... --submit`, then
`bluelight consolidate --json`. Pairwise precision, recall and F1 are computed against
`gold_cluster`; the matcher's threshold is fixed in code and never chosen on these labels. Beside
it, on the same imported reports, the TF-IDF plus partner-overlap baseline (`bench/baselines.py`)
at the threshold that is best on these labels: a yardstick given every chance. Calibration: of
the clusters the matcher scored in each band, the share that are exactly a true collaboration.

This set is the development set, used openly while the matcher was written: its figure is a
development figure. A second set of the same kind, never seen, is what the matcher is judged on.

Speed: 10,000 reports generated from the demo world (`bench/generated_reports.py`) are matched
in a child process. Their text comes from the demo's templates, so their F1 is a scale test only.
"""

import argparse
import csv
import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from bench import MIB, PROJECT_DIR, FreshDatabase, Measure, Result, benchmark, child_json

DEV_SET = Path(__file__).resolve().parent / "data" / "partner_reports_dev.csv"
ROUND = "Evaluation round"
RETURN_COLUMNS = [
    "reference", "title", "description", "partners", "lead_organisation", "theme", "status", "start_date",
    "end_date", "scope", "one_off_cost_gbp", "one_off_savings_gbp", "annual_savings_gbp", "savings_basis",
    "price_year", "benefits", "evidence_url", "contact_name", "contact_email",
]  # fmt: skip
SCALED_ITEMS = 10_000
TARGET_F1 = 0.90
TARGET_SECONDS = 60  # 10,000 reports matched, on 2 cores
TARGET_MIB = 1024
BANDS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0001)]
BASELINE_SWEEP = [t / 100 for t in range(20, 96, 2)]


def _pairwise(cluster_of: dict[str, int], gold: dict[str, str]) -> dict:
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same_gold = gold[a] == gold[b]
        same = a in cluster_of and b in cluster_of and cluster_of[a] == cluster_of[b]
        tp += same_gold and same
        fp += same and not same_gold
        fn += same_gold and not same
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": tp + fn, "found": tp, "wrong": fp}


def _run(*args) -> tuple[int, str]:
    """A `bluelight` command in this process: (exit code, what it printed)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            call_command(*args, stdout=out, stderr=err)
        return 0, out.getvalue()
    except (CommandError, SystemExit) as exc:
        code = exc.code if isinstance(exc, SystemExit) else 1
        return (code if isinstance(code, int) else 1), out.getvalue() + err.getvalue() + str(exc)


def _import_dev_set(rows: list[dict], work: Path) -> int:
    """Every organisation's reports as its return, as `evaluate_consolidation.py` does; refused rows."""
    from bluelight.organisations.resolution import Resolver

    _run("rounds", "open", ROUND, "--opens", "2026-01-01", "--closes", "2026-12-31")
    resolver = Resolver.from_db()
    names = sorted(
        {p.strip() for r in rows for p in r["partners"].split(";") if p.strip()} | {r["reporting_org"] for r in rows}
    )
    for name in names:
        found = resolver.resolve(name)
        if not found.match and found.status != "ambiguous":
            _run("orgs", "add", name, "--type", "other")
    by_org = defaultdict(list)
    for row in rows:
        by_org[row["reporting_org"]].append(row)
    refused = 0
    for k, (organisation, items) in enumerate(sorted(by_org.items())):
        path = work / f"return{k}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=RETURN_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in items:
                writer.writerow({c: row.get(c, "") for c in RETURN_COLUMNS})
        code, _out = _run("returns", "import", str(path), "--round", ROUND, "--org", organisation, "--submit")
        refused += len(items) if code else 0
    return refused


def _calibration(clusters: list[dict], gold: dict[str, str]) -> list[dict]:
    members: dict[str, set[str]] = defaultdict(set)
    imported = {i["reference"] for c in clusters for i in c["items"]}
    for reference in imported:
        members[gold[reference]].add(reference)
    table = []
    for low, high in BANDS:
        inside = [c for c in clusters if low <= c["score"] < high]
        right = sum(
            1 for c in inside if {i["reference"] for i in c["items"]} == members[gold[c["items"][0]["reference"]]]
        )
        table.append({"band": f"{low:.1f}-{min(high, 1.0):.1f}", "clusters": len(inside), "right": right})
    return table


def _baseline(gold: dict[str, str]) -> dict:
    from bench.baselines import baseline_clusters, baseline_pairs
    from bluelight.consolidation.services import _round_items
    from bluelight.returns.models import Round

    items = list(_round_items(Round.objects.get(name=ROUND)))
    reports = [
        {
            "text": f"{i.title}. {i.description}",
            "partners": {p.organisation_id for p in i.partners.all()} | {i.return_obj.organisation_id},
            "reporter": i.return_obj.organisation_id,
        }
        for i in items
    ]
    scores = baseline_pairs(reports)
    best = None
    for threshold in BASELINE_SWEEP:
        groups = baseline_clusters(len(items), scores, threshold)
        cluster_of = {items[m].reference: g for g, members in enumerate(groups) for m in members}
        figures = {**_pairwise(cluster_of, gold), "threshold": threshold}
        if best is None or figures["f1"] > best["f1"]:
            best = figures
    return best


def child() -> None:
    """In a fresh database: load the demo world, import the development set, consolidate, score."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluelight.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    django.setup()
    with open(DEV_SET, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gold = {r["reference"]: r["gold_cluster"] for r in rows}
    _run("demo")
    with tempfile.TemporaryDirectory() as work:
        refused = _import_dev_set(rows, Path(work))
    started = time.perf_counter()
    code, out = _run("consolidate", "--round", ROUND, "--json")
    seconds = time.perf_counter() - started
    if code:
        raise RuntimeError(f"bluelight consolidate failed: {out}")
    clusters = json.loads(out)["clusters"]
    cluster_of = {i["reference"]: k for k, c in enumerate(clusters) for i in c["items"]}
    print(
        json.dumps(
            {
                "reports": len(rows),
                "collaborations": len(set(gold.values())),
                "refused": refused,
                "clusters": len(clusters),
                "seconds": seconds,
                "matcher": _pairwise(cluster_of, gold),
                "baseline": _baseline(gold),
                "calibration": _calibration(clusters, gold),
            }
        )
    )


def scaled_run(items: int = SCALED_ITEMS) -> dict:
    """Generate `items` reports and match them (no database); the figures as a dict."""
    from bench.generated_reports import evaluation_scaled, knowledge, pairwise_scores
    from bluelight.consolidation.matching import cluster_items

    started = time.perf_counter()
    evaluation = evaluation_scaled(items=items)
    built = time.perf_counter()
    stats: dict = {}
    clusters = cluster_items(evaluation.items, evaluation.existing, knowledge=knowledge(), stats=stats)
    matched = time.perf_counter()
    scores = pairwise_scores(clusters, evaluation.truth)
    return {
        "items": len(evaluation.items),
        "existing": len(evaluation.existing),
        "build_seconds": built - started,
        "match_seconds": matched - built,
        "f1": scores.f1,
        **stats,
    }


def _scaled_child(items: int) -> tuple[dict, int]:
    """`scaled_run` in a child process: its figures and its own peak resident memory (bytes)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "bench.consolidation", "--scaled", str(items)],
            cwd=PROJECT_DIR,
            stdout=out,
            stderr=err,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"the scaled consolidation run failed:\n{err.read().decode()}")
        figures = json.loads(out.read().decode())
    return figures, (usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024)


def _figures(name: str, f: dict) -> str:
    return (
        f"{name}: F1 {f['f1']:.3f} (precision {f['precision']:.3f}, recall {f['recall']:.3f}; "
        f"{f['found']} of {f['true_pairs']} true pairs found, {f['wrong']} wrong pairs)"
    )


@benchmark(
    "consolidation",
    "matching on partner reports written by people (development set, pairwise F1 at least 0.90, beside the "
    "TF-IDF plus partner-overlap baseline, with calibration), and 10,000 generated reports under 60 s",
)
def consolidation() -> Result:
    with FreshDatabase("consolidation") as database:
        data = child_json("bench.consolidation", database, "consolidation")
    scaled, peak = _scaled_child(SCALED_ITEMS)
    base = data["baseline"]
    notes = [
        f"development set: {data['reports']} reports of {data['collaborations']} collaborations, written by people; "
        f"{data['refused']} refused at import; {data['clusters']} clusters proposed in {data['seconds']:.1f} s",
        _figures("matcher (threshold 0.5, fixed in code)", data["matcher"]),
        _figures(f"baseline TF-IDF + partner overlap (threshold {base['threshold']:.2f}, best on the labels)", base),
        "calibration (clusters by score; right = exactly one true collaboration's imported reports): "
        + "; ".join(
            f"{b['band']}: {b['right']} of {b['clusters']} right"
            + (f" ({b['right'] / b['clusters']:.0%})" if b["clusters"] else "")
            for b in data["calibration"]
        ),
        f"scale test on generated text (not a quality figure): {scaled['items']:,} reports, "
        f"{scaled['existing']:,} existing records, matched in {scaled['match_seconds']:.1f} s, "
        f"{scaled['comparisons']:,} pairs compared, F1 {scaled['f1']:.3f}",
        "F1 is shown as its shortfall from 1 (in per mille), because the table only knows 'under the target'",
    ]
    return Result(
        "consolidation",
        [
            Measure("development set: 1 - F1", (1 - data["matcher"]["f1"]) * 1000, "‰", (1 - TARGET_F1) * 1000),
            Measure(f"{SCALED_ITEMS:,} reports matched", scaled["match_seconds"], "s", TARGET_SECONDS),
            Measure(f"peak memory ({SCALED_ITEMS:,} reports)", peak / MIB, "MiB", TARGET_MIB),
        ],
        notes,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.consolidation", description=__doc__)
    parser.add_argument("--scaled", type=int, metavar="N", help="generate and match N reports; print figures as JSON")
    args = parser.parse_args(argv)
    if args.scaled:
        print(json.dumps(scaled_run(args.scaled)))
        return 0
    result = consolidation()
    for note in result.notes:
        print(note)
    for m in result.measures:
        print(f"{m.name}: {m.value:,.2f} {m.unit} (target under {m.target:,g}) {'PASS' if m.passed else 'FAIL'}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
