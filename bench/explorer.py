"""The explorer against Datasette on one SQLite file, under load (issue 19, part 6): a scale test on generated data.

One installation is built with `bluelight demo --scale N` (100,000 by default; BENCH_SCALE or
`--scale` lowers it) and kept under var/bench/explorer-N/, so later runs reuse it (each run still
migrates it, so new indexes arrive, and collects the static files). The explorer is served as
deployed: gunicorn, 2 sync workers, DEBUG off, with its own control socket switched off (gunicorn
23+ otherwise opens ~/.gunicorn/gunicorn.ctl, which a second gunicorn of the same user replaces).
Datasette serves a copy of the same file, with full-text search enabled as a Datasette user
would (`sqlite-utils enable-fts ... title description --create-triggers`) and `suggest_facets`
off. Both show 25 rows a page (Datasette's `_size=25`) and only published, unmerged records, so
each pair of URLs returns the same records.

Each workload runs on the explorer, then on Datasette (alternately, so a change in the shared
machine's load touches both), with CLIENTS threads (8) each holding one HTTP/1.1 connection
(kept alive where the server allows: gunicorn's sync workers close it after each response) for
SECONDS (30) after one untimed pass over the workload's URLs. Latency is from sending the request
to reading the last byte; an error is any status but 200 or a failed connection.

The JSON results go to var/bench/explorer.json. Environment: BENCH_SCALE, BENCH_EXPLORER_SECONDS,
BENCH_EXPLORER_CLIENTS, BENCH_EXPLORER_WORKLOADS (names, comma-separated). By hand, with the same
options as flags: `.venv/bin/python -m bench.explorer --scale 3000 --seconds 5 --workloads list,search`.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench import PROJECT_DIR, Measure, Result, benchmark

SCALE = 100_000
SECONDS = 30
CLIENTS = 8
TARGET_P95_MS = 150  # and at or below Datasette's p95, on every workload
WORKERS = 2
PAGE_SIZE = 25  # the explorer's (explorer/selectors.py); Datasette is asked for the same
DETAIL_IDS = 500  # published records the detail workload cycles through, the same on both
SEED = 2026
REQUEST_TIMEOUT = 60  # seconds; a slower answer counts as an error
BENCH_DIR = PROJECT_DIR / "var" / "bench"
RESULTS = BENCH_DIR / "explorer.json"
TABLE = "collaborations_collaboration"
DATABASE = "bluelight"  # Datasette's name for the copy, from its file name
# The explorer lists published, unmerged records; Datasette is asked for the same rows.
PUBLISHED = {"publication": "published", "merged_into_id__isnull": "1", "_size": str(PAGE_SIZE)}


@dataclass
class Workload:
    name: str
    description: str
    explorer: str  # a path; "{id}" is filled in with the detail records in turn
    datasette: str


def _datasette(params: dict | None = None, suffix: str = "", facets: tuple[str, ...] = ()) -> str:
    query = urlencode({**PUBLISHED, **(params or {})}) + "".join(f"&_facet={f}" for f in facets)
    return f"/{DATABASE}/{TABLE}{suffix}?{query}"


WORKLOADS = [
    Workload("list", "list page 1", "/collaborations/", _datasette()),
    Workload("filter", "one filter (status)", "/collaborations/?status=operational",
             _datasette({"status": "operational"})),
    Workload(
        "filters",
        "two filters (status, service)",
        "/collaborations/?status=operational&service=fire",
        _datasette({"status": "operational", "services__contains": "fire"}),
    ),
    Workload("search", "text search 'station'", "/collaborations/?q=station", _datasette({"_search": "station"})),
    # The explorer's list shows its facet counts on every page; Datasette computes the ones asked for.
    Workload(
        "facets",
        "facet counts, one filter (service)",
        "/collaborations/?service=police",
        _datasette({"services__contains": "police"}, facets=("status", "scope", "services", "primary_theme_id")),
    ),
    Workload("detail", "detail page", "/collaborations/{id}/", f"/{DATABASE}/{TABLE}/{{id}}"),
    Workload("json", "JSON list", "/collaborations.json", _datasette(suffix=".json")),
]  # fmt: skip


# Statistics and the table: plain functions, tested in bench/tests/test_explorer_bench.py -------


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of `values`, interpolated linearly between the closest ranks
    (numpy's default, so a figure can be checked there); NaN for no values."""
    if not values:
        return math.nan
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Stats:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    statuses: dict[str, int] = field(default_factory=dict)
    available: bool = True

    @classmethod
    def unavailable(cls, reason: str) -> "Stats":
        return cls(0, 0, 0.0, math.nan, math.nan, math.nan, 0.0, {reason: 1}, available=False)


def summarise(latencies: list[float], statuses: list[str], seconds: float) -> Stats:
    """Latencies in seconds and each request's status ("200", "404", "timeout"...) into Stats (ms, per second)."""
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    ms = [s * 1000 for s in latencies]
    return Stats(
        requests=len(latencies),
        errors=sum(n for status, n in counts.items() if status != "200"),
        seconds=seconds,
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        rps=len(latencies) / seconds if seconds > 0 else 0.0,
        statuses=counts,
    )


def ratio(explorer: Stats, datasette: Stats) -> float:
    """Explorer p95 over Datasette p95: under 1 means the explorer was faster."""
    if not (explorer.available and datasette.available) or not datasette.p95_ms > 0:
        return math.nan
    return explorer.p95_ms / datasette.p95_ms


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _side(stats: Stats) -> list[str]:
    if not stats.available:
        return ["not available", "", "", "", ""]
    return [_ms(stats.p50_ms), _ms(stats.p95_ms), _ms(stats.p99_ms), f"{stats.rps:,.1f}", str(stats.errors)]


def comparison_table(rows: list[tuple[str, Stats, Stats]]) -> str:
    """A plain-text table: per workload, p50/p95/p99 (ms), requests a second and errors for each
    server, and the p95 ratio (explorer / Datasette)."""
    head = ["workload", "explorer p50", "p95", "p99", "req/s", "errors", "Datasette p50", "p95", "p99", "req/s",
            "errors", "p95 ratio"]  # fmt: skip
    lines = [head]
    for name, explorer, datasette in rows:
        r = ratio(explorer, datasette)
        lines.append([name, *_side(explorer), *_side(datasette), "-" if math.isnan(r) else f"{r:.2f}"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]

    def fmt(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(lines[0]), "  ".join("-" * w for w in widths), *(fmt(line) for line in lines[1:])])


# The load generator ------------------------------------------------------------------------------


def _get(connection: http.client.HTTPConnection, path: str) -> str:
    try:
        connection.request("GET", path, headers={"Accept": "*/*"})  # the path alone chooses HTML or JSON
        response = connection.getresponse()
        response.read()
        if response.will_close:
            connection.close()  # the next request opens a new connection
        return str(response.status)
    except TimeoutError:
        connection.close()
        return "timeout"
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        return type(exc).__name__


def load(port: int, paths: list[str], *, seconds: float, clients: int) -> Stats:
    """`clients` threads each request the paths in turn (each starting at its own offset) for `seconds`."""
    latencies: list[float] = []
    statuses: list[str] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine: list[tuple[float, str]] = []
        i = offset
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            status = _get(connection, paths[i % len(paths)])
            mine.append((time.perf_counter() - sent, status))
            i += clients
        connection.close()
        with lock:
            for latency, status in mine:
                latencies.append(latency)
                statuses.append(status)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarise(latencies, statuses, time.perf_counter() - started)


def warm_up(port: int, paths: list[str], limit: int = 10) -> str:
    """One untimed pass over up to `limit` of the paths; the first one's status (to tell a missing page)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    first = ""
    for path in paths[:limit]:
        status = _get(connection, path)
        first = first or status
    connection.close()
    return first


# The installation and the servers ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        BLUELIGHT_VAR_DIR=str(var_dir),
        DEBUG="false",  # as deployed: no SQL kept per request, hashed static files
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-" + os.urandom(16).hex()),
        SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback
        PYTHONUNBUFFERED="1",
    )
    return env


def _bluelight(env: dict[str, str], *args: str) -> str:
    process = subprocess.run(
        [sys.executable, "-m", "bluelight", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if process.returncode != 0:
        raise RuntimeError(f"bluelight {' '.join(args)} failed:\n{process.stderr or process.stdout}")
    return process.stdout


def installation(scale: int, say=print) -> tuple[Path, dict[str, str], dict]:
    """var/bench/explorer-SCALE/ with its database loaded (built once, migrated every time) and static files."""
    var_dir = BENCH_DIR / f"explorer-{scale}"
    env = _env(var_dir)
    ready = var_dir / "ready.json"
    if not ready.exists():
        say(f"building the installation in {var_dir} (bluelight demo --scale {scale:,}); kept for later runs")
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        started = time.perf_counter()
        _bluelight(env, "migrate", "--no-input", "-v", "0")
        _bluelight(env, "reference")
        summary = json.loads(_bluelight(env, "demo", "--scale", str(scale), "--json"))
        ready.write_text(json.dumps({"scale": scale, "seconds": time.perf_counter() - started, "demo": summary}))
    _bluelight(env, "migrate", "--no-input", "-v", "0")
    _bluelight(env, "collectstatic", "--no-input", "-v", "0")
    return var_dir, env, json.loads(ready.read_text())


def datasette_copy(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API, WAL and all), then FTS on title and description as
    the sqlite-utils documentation shows a Datasette user."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    subprocess.run(
        [str(sqlite_utils), "enable-fts", str(target), TABLE, "title", "description", "--create-triggers"],
        check=True,
        capture_output=True,
    )


def detail_ids(database: Path, n: int = DETAIL_IDS) -> list[int]:
    """`n` published, unmerged records, drawn with a fixed seed."""
    connection = sqlite3.connect(database)
    try:
        query = f"SELECT id FROM {TABLE} WHERE publication = 'published' AND merged_into_id IS NULL ORDER BY id"  # noqa: S608
        ids = [row[0] for row in connection.execute(query)]
    finally:
        connection.close()
    return random.Random(SEED).sample(ids, min(n, len(ids)))


class Server:
    """A child process serving HTTP on `port`, its output in `log`; stopped (its process group) on exit."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], port: int, log: Path, ready_path: str):
        self.name, self.args, self.env, self.port, self.log, self.ready_path = name, args, env, port, log, ready_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                self.args, cwd=PROJECT_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}); see {self.log}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            if _get(connection, self.ready_path) == "200":
                return self
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"{self.name} did not answer {self.ready_path} within 2 minutes; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # Our own child and its workers (it leads its own session): terminate that group only.
        os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()


def _gunicorn_args(port: int) -> list[str]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    args = [gunicorn, "bluelight.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    help_text = subprocess.run([gunicorn, "--help"], capture_output=True, text=True, check=False).stdout
    if "--no-control-socket" in help_text:
        args.append("--no-control-socket")
    return args


def _datasette_args(database: Path, port: int) -> list[str]:
    datasette = str(Path(sys.executable).with_name("datasette"))
    return [datasette, "serve", str(database), "--host", "127.0.0.1", "--port", str(port),
            "--setting", "suggest_facets", "off"]  # fmt: skip


# The run -----------------------------------------------------------------------------------------


def _paths(template: str, ids: list[int]) -> list[str]:
    return [template.format(id=i) for i in ids] if "{id}" in template else [template]


def run(*, scale: int, seconds: float, clients: int, names: list[str], say=print) -> dict:
    """Build or reuse the installation, serve both, run the workloads alternately; the results as a dict."""
    if os.environ.get("BENCH_DATABASE_URL"):
        say("BENCH_DATABASE_URL is ignored here: Datasette reads SQLite files only")
    workloads = [w for w in WORKLOADS if w.name in names]
    var_dir, env, ready = installation(scale, say)
    database = var_dir / "bluelight.sqlite3"
    copy = var_dir / "datasette" / f"{DATABASE}.db"
    started = time.perf_counter()
    datasette_copy(database, copy)
    say(f"Datasette's copy with FTS made in {time.perf_counter() - started:.1f} s")
    ids = detail_ids(database)
    explorer_port, datasette_port = _free_port(), _free_port()
    rows = []
    with (
        Server("gunicorn", _gunicorn_args(explorer_port), env, explorer_port,
               var_dir / "logs" / "gunicorn.log", "/healthz"),
        Server("datasette", _datasette_args(copy, datasette_port), env, datasette_port,
               var_dir / "logs" / "datasette.log", "/-/versions.json"),
    ):  # fmt: skip
        for workload in workloads:
            results = {}
            for side, port, template in (
                ("explorer", explorer_port, workload.explorer),
                ("datasette", datasette_port, workload.datasette),
            ):
                paths = _paths(template, ids)
                first = warm_up(port, paths)
                if first == "404":
                    results[side] = Stats.unavailable("404")
                    continue
                results[side] = load(port, paths, seconds=seconds, clients=clients)
            rows.append((workload, results["explorer"], results["datasette"]))
            e, d = results["explorer"], results["datasette"]
            say(f"{workload.name}: explorer p95 {_ms(e.p95_ms)} ms, Datasette p95 {_ms(d.p95_ms)} ms")
            for side, stats, log in (("explorer", e, "gunicorn.log"), ("Datasette", d, "datasette.log")):
                if stats.available and stats.errors:
                    wrong = ", ".join(f"{status} x{n}" for status, n in stats.statuses.items() if status != "200")
                    say(f"  {side}: {stats.errors} errors ({wrong}); see {var_dir / 'logs' / log}")
    return {
        "label": f"scale test on generated data: bluelight demo --scale {scale:,}",
        "measured": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "collaborations": ready["demo"]["collaborations"] + ready["demo"].get("scale", {}).get("created", 0),
        "seconds": seconds,
        "clients": clients,
        "gunicorn_workers": WORKERS,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "target_p95_ms": TARGET_P95_MS,
        "workloads": [
            {
                **asdict(workload),
                "explorer_stats": asdict(e),
                "datasette_stats": asdict(d),
                "p95_ratio": ratio(e, d),
            }
            for workload, e, d in rows
        ],
        "table": comparison_table([(w.name, e, d) for w, e, d in rows]),
    }


def _settings_from_environment() -> tuple[int, float, int, list[str]]:
    names = os.environ.get("BENCH_EXPLORER_WORKLOADS", "")
    return (
        int(os.environ.get("BENCH_SCALE", str(SCALE))),
        float(os.environ.get("BENCH_EXPLORER_SECONDS", str(SECONDS))),
        int(os.environ.get("BENCH_EXPLORER_CLIENTS", str(CLIENTS))),
        [n.strip() for n in names.split(",") if n.strip()] or [w.name for w in WORKLOADS],
    )


def _write(results: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(_no_nan(results), indent=2) + "\n")


def _no_nan(value):
    """NaN (a workload not available) as null, so any JSON reader takes the file."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nan(v) for v in value]
    return value


@benchmark(
    "explorer",
    "explorer vs Datasette on one 100,000-record SQLite file, 8 clients, 7 workloads: p95 under 150 ms and "
    "at or below Datasette's",
)
def explorer() -> Result:
    scale, seconds, clients, names = _settings_from_environment()
    results = run(scale=scale, seconds=seconds, clients=clients, names=names, say=lambda line: print(f"  {line}"))
    _write(results)
    measures = []
    notes = [
        f"{results['label']} ({results['collaborations']:,} collaborations); {clients} clients, {seconds:g} s "
        f"a workload and server; results in {RESULTS.relative_to(PROJECT_DIR)}",
        *results["table"].splitlines(),
    ]
    for row in results["workloads"]:
        e, d = row["explorer_stats"], row["datasette_stats"]
        if not e["available"]:
            notes.append(f"{row['name']}: {row['explorer']} is not available on the explorer")
            continue
        target = round(min(TARGET_P95_MS, d["p95_ms"]), 1) if d["available"] else TARGET_P95_MS
        measures.append(Measure(f"{row['name']} p95", e["p95_ms"], "ms", target))
        measures.append(Measure(f"{row['name']} errors", e["errors"], "", 0))
    return Result("explorer", measures, notes)


def main(argv: list[str] | None = None) -> int:
    scale, seconds, clients, names = _settings_from_environment()
    parser = argparse.ArgumentParser(prog="python -m bench.explorer", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=scale, help=f"synthetic collaborations (default {scale:,})")
    parser.add_argument("--seconds", type=float, default=seconds, help=f"per workload and server (default {seconds:g})")
    parser.add_argument("--clients", type=int, default=clients, help=f"concurrent clients (default {clients})")
    parser.add_argument(
        "--workloads", default=",".join(names), help=f"comma-separated, of {', '.join(w.name for w in WORKLOADS)}"
    )
    args = parser.parse_args(argv)
    chosen = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = sorted(set(chosen) - {w.name for w in WORKLOADS})
    if unknown:
        parser.error(f"unknown workload(s): {', '.join(unknown)}")
    results = run(scale=args.scale, seconds=args.seconds, clients=args.clients, names=chosen)
    _write(results)
    print()
    print(results["label"])
    print(results["table"])
    print(f"\nresults in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
