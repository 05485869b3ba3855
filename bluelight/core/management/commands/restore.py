"""`bluelight restore FILE`: put a backup back into an empty installation."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelight.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `bluelight backup` into this installation, which must be empty (no "
        "database rows beyond what `migrate` writes, no report or upload files). The whole archive is "
        "checked first; an archive from an older version is migrated forward, one from a newer version is "
        "refused. Stop the site while restoring."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive written by `bluelight backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace an installation that is not empty. What it held is moved to VAR_DIR/replaced-<time>/.",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON and nothing else.")

    def handle(self, *args, **options):
        try:
            summary = backup_restore(path=Path(options["file"]), force=options["force"])
        except BackupError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        if summary.replaced:
            self.stderr.write(f"Warning: --force replaced this installation; what it held is in {summary.replaced}.")
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
            return
        self.stdout.write(str(summary))
        for line in summary.instructions:
            self.stdout.write(line)
