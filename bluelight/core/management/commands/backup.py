"""`bluelight backup FILE`: one archive of the database (SQLite), the report files and the uploads."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelight.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite, safe while the site runs), the overview report "
        "files and the uploads into one .tar.gz archive, with a manifest of checksums. On PostgreSQL the "
        "archive holds the files only and the command prints the pg_dump command for the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write, e.g. bluelight-2026-12-01.tar.gz.")
        parser.add_argument("--force", action="store_true", help="Replace FILE if it already exists.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON and nothing else.")

    def handle(self, *args, **options):
        try:
            summary = backup_create(path=Path(options["file"]), force=options["force"])
        except BackupError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
            return
        self.stdout.write(str(summary))
        for line in summary.skipped:
            self.stderr.write(f"Left out: {line}")
        for line in summary.instructions:
            self.stdout.write(line)
