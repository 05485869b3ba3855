"""`bluelight consolidate --round ROUND`: propose clusters of reports of the same collaboration."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from bluelight.consolidation import services
from bluelight.consolidation.models import Cluster
from bluelight.returns.lookup import find_round


class Command(BaseCommand):
    help = (
        "Match a round's staged return items with each other and with existing collaborations, and store "
        "the proposed clusters for review; with --apply-above, merge those scored at or above it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="The round's id or name.")
        parser.add_argument("--json", action="store_true", help="Print only JSON (every staged item in one cluster).")
        parser.add_argument(
            "--apply-above",
            type=float,
            metavar="SCORE",
            help="Merge, without review, every proposed cluster whose score is at least SCORE (0 to 1).",
        )

    def handle(self, *args, **options):
        round_ = find_round(options["round"])
        threshold = options["apply_above"]
        if threshold is not None and not 0 <= threshold <= 1:
            raise CommandError(f"--apply-above: {threshold} is not a score; give a number from 0 to 1, e.g. 0.9")
        services.consolidation_propose(round_=round_)
        merged, problems = 0, []
        if threshold is not None:
            merged, problems = services.clusters_merge_above(round_=round_, threshold=threshold)
        data = services.clusters_json(round_=round_)
        _add_confidence(data, round_)
        if options["json"]:
            if threshold is not None:
                data["merged"] = merged
                data["problems"] = problems
            self.stdout.write(json.dumps(data))
        else:
            multi = sum(1 for c in data["clusters"] if len(c["items"]) > 1)
            items = sum(len(c["items"]) for c in data["clusters"])
            self.stdout.write(
                f"{round_.name}: {items} items in {len(data['clusters'])} clusters ({multi} with several reports)"
                + (f"; merged {merged} at or above {threshold}." if threshold is not None else ".")
            )
            for problem in problems:
                self.stderr.write(f"Not merged: {problem}")
        if problems:
            raise SystemExit(1)


def _add_confidence(data: dict, round_) -> None:
    """Each cluster's score in words (Cluster.confidence_label), beside the score; nothing else changes."""
    clusters = Cluster.objects.filter(round=round_).annotate(report_count=Count("members")).order_by("pk")
    # clusters_json lists the round's clusters in the same order (by pk), one entry each.
    for entry, cluster in zip(data["clusters"], clusters, strict=True):
        entry["confidence"] = cluster.confidence_label
