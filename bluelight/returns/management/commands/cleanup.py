"""`bluelight cleanup`: remove uploaded return files nobody will confirm now (safe to run from cron)."""

import json

from django.core.management.base import BaseCommand

from bluelight.returns.runs import import_runs_files_delete
from bluelight.returns.uploads import preview_lifetime, upload_previews_delete_expired


class Command(BaseCommand):
    help = (
        "Remove uploaded return files nobody can confirm any more: previews older than RETURNS_PREVIEW_HOURS "
        "(24 hours) and the files of finished background imports. Uploading a file also does this, so running "
        "it from cron is optional, and safe at any time: files a worker is about to read are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        runs = import_runs_files_delete()
        previews = upload_previews_delete_expired()
        hours = preview_lifetime().total_seconds() / 3600
        if options["json"]:
            self.stdout.write(
                json.dumps({"expired_previews": previews, "finished_import_files": runs, "preview_hours": hours})
            )
            return
        self.stdout.write(
            f"Removed {previews} uploaded file(s) older than {hours:g} hours "
            f"and {runs} file(s) of finished background imports."
        )
