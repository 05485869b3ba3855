"""Benchmarks of the overview report (issue 12): the demo editions, and a 100,000-record edition.

Each runs in two child processes on a fresh database: the first sets up the editions (timed, but
not part of the target), the second produces the report with `report_produce` (HTML, PDF and
xlsx in English, HTML and PDF in Welsh, in one call to the files a run writes, as the worker does)
and reports its own peak resident memory, so that the data loading never counts in the report's peak.

The parts of the report are timed from `report_produce`'s progress steps: the figures (reading the
entries, counting, comparing with the baseline) up to "Drawing the charts", the charts, the HTML
layout, "Typesetting the PDF", the same three again in Welsh (one part) and "Writing the spreadsheet
annex". HTML + PDF is everything before the spreadsheet starts, both languages (the figures are
shared, as in one run of the worker); the resident memory and its high-water mark are read at every
step, so the part that sets the peak is named.

The report child can also be run by hand on a database that has the editions:
`BENCH_REPORT_JOB=report BENCH_REPORT_EDITION=... BENCH_REPORT_BASELINE=... BENCH_REPORT_PROFILE=out.prof
.venv/bin/python -c "from bench.overview_report import child; child()"` (the profile is cProfile's).
"""

import datetime
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench import MIB, FreshDatabase, Measure, Result, benchmark, child_json

DEMO_TARGET_SECONDS = 10  # HTML + PDF of the demo edition, on 2 cores
SCALE_RECORDS = 100_000
SCALE_TARGET_SECONDS = 120  # HTML, PDF and xlsx of the 100,000-record edition
SCALE_TARGET_MIB = 2048
SCALE_BASELINE = "2014 overview (benchmark scale)"
SCALE_EDITION = "2026 overview (benchmark scale)"
SCALE_BASELINE_DATE = datetime.date(2014, 9, 30)
BASELINE_SHARE = 0.6  # of the records, in the baseline
SET_BACK_SHARE = 0.3  # of the baseline's records, shown as planned then
FEWER_PARTNERS_SHARE = 0.15  # of the baseline's records, one partner fewer then
SEED = 2026

# report_produce's progress steps, by the percent it gives each (the step names are translated); 72 is the
# Welsh report's charts, the first step of the second language (render._marks).
MARKS = {58: "charts", 65: "html", 70: "pdf", 72: "welsh", 88: "xlsx", 100: "done"}


def _django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluelight.settings")
    # Measure as deployed: with DEBUG on, Django also formats and keeps every SQL statement.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    django.setup()


def _memory() -> tuple[float, float]:
    """This process's resident memory now and its high-water mark so far, in MiB (Linux; else the peak twice)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = _peak_mib()
        return peak, peak
    values = {}
    for line in status.splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB
    return values["VmRSS"], values["VmHWM"]


def _peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak / 1024  # Linux reports KiB


# The set-up jobs ---------------------------------------------------------------------------------


def _demo_setup() -> dict:
    """The 150-record demo world and its two editions, as `bluelight demo` loads them."""
    from bluelight.demo.editions import DEMO_BASELINE, DEMO_EDITION
    from bluelight.demo.services import demo_load
    from bluelight.editions.models import Edition

    started = time.perf_counter()
    summary = demo_load()
    seconds = time.perf_counter() - started
    editions = {e.name: e.collaborations for e in Edition.objects.filter(name__in=[DEMO_BASELINE, DEMO_EDITION])}
    if set(editions) != {DEMO_BASELINE, DEMO_EDITION}:
        raise RuntimeError(f"demo_load published {sorted(editions)}, not the two demo editions")
    return {
        "load_seconds": seconds,
        "collaborations": summary.collaborations,
        "edition": DEMO_EDITION,
        "baseline": DEMO_BASELINE,
        "edition_records": editions[DEMO_EDITION],
        "baseline_records": editions[DEMO_BASELINE],
    }


def _baseline_entries(rng: random.Random, counts: dict):
    """~60% of the published records as they stood in 2014: some still planned, some with a partner fewer."""
    from bluelight.editions.services import entry_data, published_records

    for record in published_records().iterator(chunk_size=2000):
        if rng.random() >= BASELINE_SHARE:
            continue
        data = entry_data(record)
        if data["status"] != "planned" and rng.random() < SET_BACK_SHARE:
            data["status"] = "planned"
            data["end"] = ""
            # Before it ran, only estimates existed.
            data["benefits"] = [b for b in data["benefits"] if b["basis"] == "estimated"]
            counts["set_back"] += 1
        partners = data["partners"]
        if len(partners) > 2 and rng.random() < FEWER_PARTNERS_SHARE:
            dropped = next(i for i in range(len(partners) - 1, -1, -1) if not partners[i]["lead"])
            data["partners"] = partners[:dropped] + partners[dropped + 1 :]
            data["regions"] = sorted({p["region"] for p in data["partners"] if p["region"]})
            data["countries"] = sorted({p["country"] for p in data["partners"]})
            counts["fewer_partners"] += 1
        counts["entries"] += 1
        yield record, data


def _scale_setup() -> dict:
    """`n` synthetic records, a baseline edition of ~60% of them as they stood then, and the full edition."""
    from bluelight.demo.services import demo_scale_load
    from bluelight.demo.world import DEMO_TODAY
    from bluelight.editions.services import edition_create, edition_publish

    n = int(os.environ.get("BENCH_SCALE", str(SCALE_RECORDS)))
    started = time.perf_counter()
    summary = demo_scale_load(n=n)
    loaded = time.perf_counter()
    counts = {"entries": 0, "set_back": 0, "fewer_partners": 0}
    baseline = edition_create(
        name=SCALE_BASELINE,
        as_of=SCALE_BASELINE_DATE,
        entries=_baseline_entries(random.Random(SEED), counts),
        baseline=True,
        methodology={},
    )
    baselined = time.perf_counter()
    edition = edition_publish(name=SCALE_EDITION, as_of=DEMO_TODAY)
    published = time.perf_counter()
    return {
        "created": summary.created,
        "load_seconds": loaded - started,
        "baseline_seconds": baselined - loaded,
        "publish_seconds": published - baselined,
        "edition": edition.name,
        "baseline": baseline.name,
        "edition_records": edition.collaborations,
        "baseline_records": baseline.collaborations,
        "set_back": counts["set_back"],
        "fewer_partners": counts["fewer_partners"],
        "setup_peak_mb": _peak_mib(),
    }


# The report job ----------------------------------------------------------------------------------


def _report(edition_name: str, baseline_name: str, profile: str = "") -> dict:
    """Produce the full report (HTML, PDF, xlsx; HTML and PDF in Welsh) in one `report_produce` call, as a run
    does, timing and sizing each part."""
    from django.utils import translation

    from bluelight.editions.models import Edition
    from bluelight.editions.report.language import DEFAULT_LANGUAGE
    from bluelight.editions.report.render import report_produce
    from bluelight.editions.report.runs import report_targets

    edition = Edition.objects.get(name=edition_name)
    baseline = Edition.objects.get(name=baseline_name)
    rss_before, _hwm = _memory()
    steps = []  # (seconds since start, percent, step, rss MiB, high-water MiB), once per step

    def progress(percent: int, step: str) -> None:
        if not steps or steps[-1][2] != step:
            steps.append((time.perf_counter() - started, percent, step, *_memory()))

    with tempfile.TemporaryDirectory(prefix="bluelight-bench-report-") as tmp:
        targets, translations = report_targets(Path(tmp))
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        with translation.override(DEFAULT_LANGUAGE):
            overview = report_produce(
                edition=edition,
                compare_with=baseline,
                targets=targets,
                translations=translations,
                progress=progress,
            )
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        sizes = {kind: path.stat().st_size for kind, path in targets.items()}
        sizes |= {f"{language}.{kind}": path.stat().st_size for language, paths in translations.items()
                  for kind, path in paths.items()}  # fmt: skip
    marks = {}
    for at, percent, _step, _rss, _hwm in steps:
        if percent in MARKS and MARKS[percent] not in marks:
            marks[MARKS[percent]] = at
    missing = [name for name in MARKS.values() if name not in marks]
    if missing:
        raise RuntimeError(f"report_produce never reported the steps {missing}: {[s[2] for s in steps]}")
    parts = {
        "figures": marks["charts"],
        "charts": marks["html"] - marks["charts"],
        "html": marks["pdf"] - marks["html"],
        "pdf": marks["welsh"] - marks["pdf"],
        "welsh": marks["xlsx"] - marks["welsh"],
        "xlsx": seconds - marks["xlsx"],
    }
    # Which part raised the high-water mark: memory at the end of each part.
    ends = {"figures": "charts", "charts": "html", "html": "pdf", "pdf": "welsh", "welsh": "xlsx", "xlsx": None}
    hwm = {}
    for part, end in ends.items():
        if end is None:
            hwm[part] = _memory()[1]
        else:
            hwm[part] = next(s[4] for s in steps if s[1] in MARKS and MARKS[s[1]] == end)
    comparison = overview.comparison
    return {
        "seconds": seconds,
        "html_pdf_seconds": marks["xlsx"],
        "parts": parts,
        "steps": [[round(s[0], 2), s[1], s[2], round(s[3]), round(s[4])] for s in steps],
        "peak_mb": max(_peak_mib(), _memory()[1]),
        "rss_before_mb": rss_before,
        "hwm_after_part_mb": hwm,
        "sizes": sizes,
        "collaborations": overview.collaborations,
        "new": len(comparison.new) if comparison else None,
        "continuing": len(comparison.continuing) if comparison else None,
        "ended": len(comparison.ended) if comparison else None,
        "ended_before": len(getattr(comparison, "ended_before", [])) if comparison else None,
        "changed_status": len(comparison.changed_status) if comparison else None,
        "new_partners": len(comparison.new_partners) if comparison else None,
    }


def child() -> None:
    """One job in a child process (BENCH_REPORT_JOB: demo_setup, scale_setup or report); prints JSON."""
    _django_setup()
    job = os.environ.get("BENCH_REPORT_JOB", "")
    if job == "demo_setup":
        figures = _demo_setup()
    elif job == "scale_setup":
        figures = _scale_setup()
    elif job == "report":
        figures = _report(
            os.environ["BENCH_REPORT_EDITION"],
            os.environ["BENCH_REPORT_BASELINE"],
            os.environ.get("BENCH_REPORT_PROFILE", ""),
        )
    else:
        raise SystemExit(f"BENCH_REPORT_JOB must be demo_setup, scale_setup or report, not {job!r}")
    print(json.dumps(figures))


def _job(database: FreshDatabase, job: str, label: str, **env: str) -> dict:
    database.env["BENCH_REPORT_JOB"] = job
    for key, value in env.items():
        database.env[f"BENCH_REPORT_{key.upper()}"] = value
    return child_json("bench.overview_report", database, label)


def _parts_note(report: dict) -> str:
    p = report["parts"]
    return (
        f"report parts: figures (read, count, compare) {p['figures']:.1f} s, charts {p['charts']:.1f} s, "
        f"HTML layout {p['html']:.1f} s, PDF {p['pdf']:.1f} s, the same in Welsh {p['welsh']:.1f} s, "
        f"xlsx {p['xlsx']:.1f} s; total {report['seconds']:.1f} s, of which HTML + PDF (both languages) "
        f"{report['html_pdf_seconds']:.1f} s"
    )


def _memory_note(report: dict) -> str:
    h = report["hwm_after_part_mb"]
    return (
        f"report process memory: {report['rss_before_mb']:.0f} MiB before (Django), high-water mark after "
        + ", ".join(f"{part} {mib:.0f}" for part, mib in h.items())
        + f" MiB; peak {report['peak_mb']:.0f} MiB"
    )


def _comparison_note(report: dict) -> str:
    s = report["sizes"]
    return (
        f"{report['collaborations']:,} collaborations: {report['new']:,} new, {report['continuing']:,} continuing, "
        f"{report['ended']:,} ended since ({report['ended_before']:,} had ended before), "
        f"{report['changed_status']:,} changed status, {report['new_partners']:,} gained partners; "
        f"files: HTML {s['html'] / 1024:,.0f} KiB, PDF {s['pdf'] / 1024:,.0f} KiB, xlsx {s['xlsx'] / 1024:,.0f} KiB; "
        f"in Welsh HTML {s['cy.html'] / 1024:,.0f} KiB, PDF {s['cy.pdf'] / 1024:,.0f} KiB"
    )


@benchmark(
    "report_demo",
    "overview report of the demo edition (150 records) vs the 2014 demo baseline: HTML + PDF under 10 s",
)
def report_demo() -> Result:
    with FreshDatabase("report_demo") as database:
        setup = _job(database, "demo_setup", "report_demo set-up")
        report = _job(database, "report", "report_demo", edition=setup["edition"], baseline=setup["baseline"])
        where = database.description
    return Result(
        "report_demo",
        [
            Measure("HTML + PDF", report["html_pdf_seconds"], "s", DEMO_TARGET_SECONDS),
        ],
        [
            where,
            f"set-up (not timed in the target): demo_load {setup['load_seconds']:.1f} s, {setup['collaborations']} "
            f"collaborations; editions {setup['edition']} ({setup['edition_records']} records) and "
            f"{setup['baseline']} ({setup['baseline_records']} records)",
            _parts_note(report),
            f"xlsx on its own (no target): {report['parts']['xlsx']:.1f} s writing the annex, after the shared "
            f"figures ({report['parts']['figures']:.1f} s)",
            _comparison_note(report),
            _memory_note(report),
        ],
    )


@benchmark(
    "report_scale",
    "overview report (HTML, PDF, xlsx) of a 100,000-record edition vs a baseline: under 2 minutes and 2 GiB",
)
def report_scale() -> Result:
    with FreshDatabase("report_scale") as database:
        setup = _job(database, "scale_setup", "report_scale set-up")
        report = _job(database, "report", "report_scale", edition=setup["edition"], baseline=setup["baseline"])
        where = database.description
    return Result(
        "report_scale",
        [
            Measure("report wall time", report["seconds"], "s", SCALE_TARGET_SECONDS),
            Measure("report peak memory", report["peak_mb"], "MiB", SCALE_TARGET_MIB),
        ],
        [
            where,
            f"set-up (not timed in the target): demo_scale_load {setup['load_seconds']:.1f} s "
            f"({setup['created']:,} records), baseline edition {setup['baseline_seconds']:.1f} s "
            f"({setup['baseline_records']:,} entries, {setup['set_back']:,} set back to planned, "
            f"{setup['fewer_partners']:,} with a partner fewer), edition_publish {setup['publish_seconds']:.1f} s "
            f"({setup['edition_records']:,} entries); set-up peak {setup['setup_peak_mb']:.0f} MiB",
            _parts_note(report),
            _comparison_note(report),
            _memory_note(report),
        ],
    )
