"""Benchmark of `return_import`: a 10,000-row return file validated and staged in one go.

`bench_returns_import()` runs on the current database (migrated, register loaded) and leaves it
as it was (the import runs inside a transaction that is rolled back). `main()` runs it on a
temporary SQLite database: `.venv/bin/python -c "from bench.returns_import import main; main()"`.
`python -m bench returns_import` runs it in a child process on a fresh database, like the others.
"""

import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

from bench import FreshDatabase, Measure, Result, benchmark, child_json

ROWS = 10_000
TARGET_SECONDS = 20
TARGET_MB = 500
SEED = 2026

_WORDS = [
    "joint", "station", "shared", "control", "room", "co-responding", "estates", "fleet", "workshop",
    "training", "drones", "mental", "health", "triage", "rural", "vehicle", "prevention", "safeguarding",
    "procurement", "back", "office", "headquarters", "response", "missing", "people", "forced", "entry",
    "falls", "telecare",
]  # fmt: skip


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # Linux reports KiB


def _partner_names(organisation, day) -> list[list[str]]:
    """For each register organisation other than the reporter: the ways to type it that resolve to it."""
    from bluelight.organisations.models import Organisation
    from bluelight.organisations.resolution import Resolver

    resolver = Resolver.from_db()
    spellings = []
    for org in Organisation.objects.valid_on(day).prefetch_related("aliases").exclude(pk=organisation.pk):
        ways = [org.name, *(a.name for a in org.aliases.all())]
        if org.official_code:
            ways.append(org.official_code)
        good = [w for w in ways if resolver.resolve(w, day=day, context=[organisation]).match == org]
        if good:
            spellings.append(good)
    return spellings


def _money(rng: random.Random) -> str | float:
    amount = rng.choice([5, 12, 40, 75, 120, 250, 1200]) * 1000
    return rng.choice(
        [str(amount), f"{amount:,}", f"£{amount:,}", f"£{amount:,}.50", f"{amount // 1000}k", float(amount)]
    )


def workbook_write(path: Path, *, organisation, day, rows: int = ROWS, seed: int = SEED) -> None:
    """A realistic return: partners by name, alias or code, money in every accepted format."""
    import openpyxl

    from bluelight.collaborations.models import Status, Theme
    from bluelight.returns.sheet import COLUMNS

    rng = random.Random(seed)
    partners = _partner_names(organisation, day)
    themes = [(t.code, t.name) for t in Theme.objects.all()]
    statuses = [*Status.values, "In development", "Operational"]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Return")
    sheet.append(list(COLUMNS))
    for n in range(1, rows + 1):
        chosen = [rng.choice(ways) for ways in rng.sample(partners, rng.randint(1, 4))]
        if rng.random() < 0.3:
            chosen.insert(0, organisation.name)
        start = rng.randint(2008, 2026)
        savings = rng.random() < 0.5
        code, name = rng.choice(themes)
        words = " ".join(rng.choice(_WORDS) for _ in range(40))
        values = {
            "reference": f"R{n:05d}",
            "title": f"{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)} {n}",
            "description": words.capitalize() + ".",
            "partners": "; ".join(chosen),
            "lead_organisation": rng.choice(["", chosen[0]]),
            "theme": rng.choice([code, code, name, ""]),
            "status": rng.choice(statuses),
            "start_date": rng.choice([str(start), f"{start}-{rng.randint(1, 12):02d}"]),
            "end_date": rng.choice(["", "", str(start + rng.randint(0, 5))]),
            "scope": rng.choice(["local", "regional", "national", ""]),
            "one_off_cost_gbp": _money(rng) if rng.random() < 0.4 else None,
            "one_off_savings_gbp": _money(rng) if savings and rng.random() < 0.5 else None,
            "annual_savings_gbp": _money(rng) if savings else None,
            "savings_basis": rng.choice(["estimated", "realised", "independently_evaluated"]) if savings else None,
            "price_year": rng.choice([None, start, 2024]) if savings else None,
            "benefits": "Fewer duplicated journeys; better use of stations." if rng.random() < 0.5 else None,
            "evidence_url": f"https://example.org/evaluations/{n}" if rng.random() < 0.2 else None,
            "contact_name": "Pat Example",
            "contact_email": f"contact{n}@example.org",
            "external_funding_gbp": _money(rng) if rng.random() < 0.1 else None,
            "outcomes": "Response times down by two minutes" if rng.random() < 0.2 else None,
            "lessons": "Aligning rotas took longer than planned" if rng.random() < 0.2 else None,
        }
        sheet.append([values.get(c) for c in COLUMNS])  # optional columns it does not fill: blank
    book.save(path)


def bench_returns_import(rows: int = ROWS) -> dict:
    """Time `return_import` (validate and stage) of a generated `rows`-row .xlsx; the database is left as it was."""
    import datetime

    from django.db import transaction

    from bluelight.organisations.models import Organisation
    from bluelight.returns.imports import return_import
    from bluelight.returns.models import ItemPartner, ReturnItem, Round

    organisation = (
        Organisation.objects.filter(slug="surrey_police").first()
        or Organisation.objects.filter(type="police_force").order_by("name").first()
    )
    opens = datetime.date(2026, 6, 1)
    with tempfile.TemporaryDirectory(prefix="bluelight-bench-returns-") as tmp:
        path = Path(tmp) / "return.xlsx"
        workbook_write(path, organisation=organisation, day=opens, rows=rows)
        content = path.read_bytes()
    with transaction.atomic():
        round_ = Round.objects.create(
            name=f"Benchmark round {time.time_ns()}", opens_on=opens, closes_on=opens + datetime.timedelta(days=90)
        )
        started = time.perf_counter()
        result = return_import(round=round_, organisation=organisation, content=content, filename=path.name)
        seconds = time.perf_counter() - started
        staged = ReturnItem.objects.filter(return_obj__round=round_).count()
        partners = ItemPartner.objects.filter(item__return_obj__round=round_).count()
        transaction.set_rollback(True)  # leave the database as we found it
    if not result.ok:
        problems = "\n".join(str(e) for e in result.errors[:20])
        raise RuntimeError(f"the generated return did not import ({len(result.errors)} problems):\n{problems}")
    return {
        "name": f"returns import {rows:,} rows",
        "seconds": round(seconds, 2),
        "peak_mb": round(_peak_mb(), 1),
        "target": f"under {TARGET_SECONDS} s and {TARGET_MB} MB",
        "rows": result.rows,
        "staged_items": staged,
        "staged_partners": partners,
        "file_mb": round(len(content) / (1024 * 1024), 2),
    }


def _django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluelight.settings")
    # Measure as deployed: with DEBUG on, Django also formats and keeps every SQL statement.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    django.setup()


def child() -> None:
    """Run in a child process against the database its environment names; print the figures as JSON."""
    _django_setup()
    print(json.dumps(bench_returns_import()))


def main() -> None:
    """Run the benchmark on a temporary SQLite database (migrated, register loaded) and print the figures."""
    tmp = tempfile.mkdtemp(prefix="bluelight-bench-returns-")
    try:
        os.environ["BLUELIGHT_VAR_DIR"] = tmp
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bluelight.sqlite3"
        _django_setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("reference", stdout=StringIO())
        print(json.dumps(bench_returns_import(), indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@benchmark("returns_import", "return_import of a 10,000-row .xlsx on a fresh database: under 20 s and 500 MB")
def returns_import() -> Result:
    with FreshDatabase("returns_import") as database:
        data = child_json("bench.returns_import", database, "returns import")
        where = database.description
    return Result(
        "returns_import",
        [
            Measure("wall time", data["seconds"], "s", TARGET_SECONDS),
            Measure("peak memory", data["peak_mb"], "MiB", TARGET_MB),
        ],
        [
            where,
            f"{data['rows']:,} rows, {data['staged_items']:,} items and {data['staged_partners']:,} partners "
            f"staged from a {data['file_mb']} MB .xlsx (the process's peak memory includes Django)",
        ],
    )
