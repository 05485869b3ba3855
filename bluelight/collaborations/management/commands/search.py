"""`bluelight search rebuild`: build the full-text index again, after a restore or a bulk load."""

import json
import time

from django.core.management.base import BaseCommand

from bluelight.collaborations.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of collaborations from the records: run it after restoring "
        "a backup or loading rows in bulk, which bypass the services that keep the index current."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{rebuild}")
        rebuild = sub.add_parser("rebuild", help="Index every collaboration again (not merged ones).")
        rebuild.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search_index_rebuild()
        seconds = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(json.dumps({"indexed": count, "seconds": seconds}))
        else:
            self.stdout.write(f"Search index rebuilt: {count} collaborations in {seconds} s.")
