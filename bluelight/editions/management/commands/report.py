"""`bluelight report EDITION -o overview.html|overview.pdf|overview.xlsx [--compare-with EDITION] [--language cy]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bluelight.editions.lookup import find_edition
from bluelight.editions.report.language import DEFAULT_LANGUAGE, REPORT_LANGUAGES
from bluelight.editions.report.render import KINDS, report_produce


class ProgressBar:
    """A one-line bar on a terminal; one line per step when the output is a file or a pipe."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_step = None

    def __call__(self, percent: int, step: str) -> None:
        percent = max(0, min(100, percent))
        if self.tty:
            filled = self.width * percent // 100
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {step[:50]:<50}")
            if percent >= 100:
                self.stream.write("\n")
            self.stream.flush()
        elif step != self.last_step:
            self.stream.write(f"{percent:3d}% {step}\n")
            self.stream.flush()
        self.last_step = step


class Command(BaseCommand):
    help = (
        "Write the overview report of an edition as HTML, PDF or a spreadsheet annex (by the file's extension), "
        "compared with the baseline or another edition."
    )

    def add_arguments(self, parser):
        parser.add_argument("edition", help="The edition's id, name or identifier.")
        parser.add_argument(
            "-o",
            "--output",
            action="append",
            required=True,
            help="File to write: overview.html, overview.pdf or overview.xlsx (repeat for several).",
        )
        parser.add_argument(
            "--compare-with",
            help="Edition to show growth against (default: the baseline, unless this edition is the baseline).",
        )
        parser.add_argument("--no-compare", action="store_true", help="Leave out the growth section.")
        parser.add_argument(
            "--language",
            choices=REPORT_LANGUAGES,
            default=DEFAULT_LANGUAGE,
            help=f"The language of the report's headings, labels and notes (default: {DEFAULT_LANGUAGE}); "
            "text from the records stays as it was written.",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        edition = find_edition(options["edition"])
        targets = {}
        for name in options["output"]:
            path = Path(name)
            kind = path.suffix.lower().lstrip(".")
            if kind not in KINDS:
                raise CommandError(f"-o {name}: the file must end in .html, .pdf or .xlsx.")
            if kind in targets:
                raise CommandError(f"-o {name}: {targets[kind]} is already the .{kind} file; give one file per format.")
            if not path.parent.is_dir():
                raise CommandError(f"-o {name}: the folder {path.parent} does not exist.")
            targets[kind] = path
        compare_with = None
        if options["compare_with"]:
            compare_with = find_edition(options["compare_with"])
        elif not options["no_compare"]:
            compare_with = type(edition).objects.filter(is_baseline=True).exclude(pk=edition.pk).first()
        if compare_with is not None and compare_with.pk == edition.pk:
            raise CommandError("--compare-with: an edition compared with itself shows no growth; choose another.")
        stream = getattr(self.stderr, "_out", sys.stderr)  # the raw stream: the bar rewrites its own line
        progress = (lambda percent, step: None) if options["quiet"] else ProgressBar(stream)
        with translation.override(options["language"]):
            report_produce(edition=edition, compare_with=compare_with, targets=targets, progress=progress)
        for path in targets.values():
            self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes)")
