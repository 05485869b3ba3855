"""Benchmarks: named functions that time one job on a fresh database and compare it with a target.

Run them with `make bench` (all) or `.venv/bin/python -m bench NAME` (one). A benchmark is a
function decorated with `@benchmark(...)` in any module of this package; it gets a fresh,
migrated database with the register loaded (`FreshDatabase`), runs the job as a child process
(`child_run`) and returns `Measure`s against their targets.

Environment: BENCH_DATABASE_URL (optional) points at a PostgreSQL server: each benchmark then
creates its own database there and drops it afterwards; without it, a SQLite file in a
temporary directory is used. BENCH_SCALE (optional) overrides the 100,000 collaborations of
`demo_scale` and `report_scale`, for a quick smoke run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


@dataclass
class Measure:
    name: str
    value: float
    unit: str
    target: float

    @property
    def passed(self) -> bool:
        return self.value <= self.target


@dataclass
class Result:
    benchmark: str
    measures: list[Measure]
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(m.passed for m in self.measures)


@dataclass
class Benchmark:
    name: str
    description: str
    run: Callable[[], Result]


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, description: str):
    """Register a benchmark function under `name` (what `python -m bench NAME` takes)."""

    def register(run: Callable[[], Result]) -> Callable[[], Result]:
        BENCHMARKS[name] = Benchmark(name, description, run)
        return run

    return register


@dataclass
class ChildRun:
    seconds: float
    peak_rss_bytes: int
    stdout: str


def child_run(args: list[str], env: dict[str, str]) -> ChildRun:
    """Run `python -m bluelight ARGS` as a child process: its wall time and peak resident memory.

    The peak is the child's own ru_maxrss from os.wait4. resource.getrusage(RUSAGE_CHILDREN)
    reports the largest of all children waited for so far, so the set-up steps (migrate, the
    register load) would blur it; wait4 gives the same figure for this one child only.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            [sys.executable, "-m", "bluelight", *args], cwd=PROJECT_DIR, env=env, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"bluelight {' '.join(args)} failed ({process.returncode}):\n{stderr or stdout}")
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return ChildRun(seconds, peak, stdout)


class FreshDatabase:
    """A new, migrated database with the register and taxonomy loaded; removed on exit.

    `env` is the environment to run `bluelight` against it.
    """

    def __init__(self, label: str):
        self.label = label
        self.server_url = os.environ.get("BENCH_DATABASE_URL", "")
        self.tmp = Path(tempfile.mkdtemp(prefix=f"bluelight-bench-{label}-"))
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["BLUELIGHT_VAR_DIR"] = str(self.tmp)
        self.database = ""

    @property
    def description(self) -> str:
        if self.database:
            return f"PostgreSQL database {self.database} (created for this run)"
        return f"SQLite {self.tmp / 'bluelight.sqlite3'} (created for this run)"

    def __enter__(self) -> "FreshDatabase":
        if self.server_url:
            self.database = f"bluelight_bench_{self.label}_{os.getpid()}_{int(time.time())}"
            self._postgres(f'CREATE DATABASE "{self.database}"')
            parts = urlsplit(self.server_url)
            self.env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{self.database}"))
        child_run(["migrate", "--no-input", "-v", "0"], self.env)
        child_run(["reference"], self.env)
        return self

    def __exit__(self, *exc) -> None:
        if self.database:
            self._postgres(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _postgres(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(sql)


def child_json(module: str, database: "FreshDatabase", label: str) -> dict:
    """Run `module.child()` in a child process against `database`; its last line of output is JSON."""
    process = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", f"from {module} import child; child()"],
        cwd=PROJECT_DIR,
        env=database.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if process.returncode != 0:
        raise RuntimeError(f"the {label} benchmark failed:\n{process.stderr or process.stdout}")
    return json.loads(process.stdout.strip().splitlines()[-1])
