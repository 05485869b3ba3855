"""`python -m bench [NAME ...]`: run the benchmarks (all by default) and print a PASS/FAIL table."""

import argparse
import importlib
import pkgutil
import sys

import bench
from bench import BENCHMARKS, Result


def _discover() -> None:
    """Import every module of the package, so each `@benchmark` registers itself."""
    for module in pkgutil.iter_modules(bench.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"bench.{module.name}")


def _format(value: float, unit: str) -> str:
    return f"{value:,.1f} {unit}" if unit == "s" else f"{value:,.0f} {unit}"


def _table(results: list[Result]) -> str:
    rows = [("benchmark", "measure", "value", "target", "result")]
    for result in results:
        for m in result.measures:
            rows.append(
                (result.benchmark, m.name, _format(m.value, m.unit), f"under {m.target:,g} {m.unit}",
                 "PASS" if m.passed else "FAIL")
            )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    _discover()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for b in BENCHMARKS.values():
            print(f"{b.name:<14} {b.description}")
        return 0
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    results = []
    for name in args.names or list(BENCHMARKS):
        print(f"Running {name}: {BENCHMARKS[name].description} ...", flush=True)
        result = BENCHMARKS[name].run()
        for note in result.notes:
            print(f"  {note}")
        results.append(result)
    print()
    print(_table(results))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
