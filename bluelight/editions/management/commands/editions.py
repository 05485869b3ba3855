"""`bluelight editions publish|baseline|list|compare`: immutable snapshots and comparison with the baseline."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bluelight.core.cli import date_option
from bluelight.editions.lookup import find_edition
from bluelight.editions.models import Edition
from bluelight.editions.selectors import edition_compare
from bluelight.editions.services import edition_publish, edition_set_baseline
from bluelight.returns.lookup import find_round


class Command(BaseCommand):
    help = "Publish immutable editions of the published collaborations, choose the baseline, compare editions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{publish,baseline,list,compare}")
        publish = sub.add_parser("publish", help="Freeze the published collaborations as they stand now.")
        publish.add_argument("name", help="The edition's name, e.g. '2014 overview'.")
        publish.add_argument("--date", required=True, help="The date the edition describes, YYYY-MM-DD.")
        publish.add_argument("--baseline", action="store_true", help="Make it the baseline (only if none exists).")
        publish.add_argument("--round", help="The collection round it reports (id or name), for response rates.")
        publish.add_argument("--json", action="store_true", help="Print only JSON.")
        baseline = sub.add_parser("baseline", help="Make an existing edition the baseline.")
        baseline.add_argument("edition", help="The edition's id or name.")
        sub.add_parser("list", help="List editions.").add_argument(
            "--json", action="store_true", help="Print only JSON."
        )
        compare = sub.add_parser("compare", help="Compare an edition with the baseline (or another edition).")
        compare.add_argument("edition", help="The edition's id or name.")
        compare.add_argument("--with", dest="other", help="Compare with this edition instead of the baseline.")
        compare.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        return {"publish": self._publish, "baseline": self._baseline, "list": self._list, "compare": self._compare}[
            options["action"]
        ](options)

    def _publish(self, options):
        as_of = date_option("--date", options["date"])
        try:
            edition = edition_publish(
                name=options["name"],
                as_of=as_of,
                baseline=options["baseline"],
                round_=find_round(options["round"]) if options["round"] else None,
            )
        except ValidationError as exc:
            raise CommandError("\n".join(f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms)) from None
        data = {
            "id": edition.pk,
            "name": edition.name,
            "as_of": str(edition.as_of),
            "baseline": edition.is_baseline,
            "collaborations": edition.collaborations,
        }
        if options["json"]:
            self.stdout.write(json.dumps(data))
        else:
            self.stdout.write(
                f"Published {edition.name}: {edition.collaborations} collaborations as of {edition.as_of}"
                + (" (the baseline)." if edition.is_baseline else ".")
            )

    def _baseline(self, options):
        edition = edition_set_baseline(edition=find_edition(options["edition"]))
        self.stdout.write(f"{edition.name} is now the baseline.")

    def _list(self, options):
        data = [
            {
                "id": e.pk,
                "name": e.name,
                "as_of": str(e.as_of),
                "baseline": e.is_baseline,
                "collaborations": e.collaborations,
            }
            for e in Edition.objects.all()
        ]
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        for row in data:
            self.stdout.write(
                f"{row['id']:>4}  {row['name']}  as of {row['as_of']}  {row['collaborations']} "
                f"collaborations{'  (baseline)' if row['baseline'] else ''}"
            )

    def _compare(self, options):
        edition = find_edition(options["edition"])
        if options["other"]:
            other = find_edition(options["other"])
        else:
            other = Edition.objects.filter(is_baseline=True).first()
            if other is None:
                raise CommandError("No baseline edition: name one with --with, or set one with `editions baseline`.")
        comparison = edition_compare(edition=edition, baseline=other)
        data = comparison.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(
            f"{edition.name} compared with {other.name}: {data['new']} new, {data['continuing']} "
            f"continuing, {data['ended']} ended, {len(data['changed_status'])} changed status."
        )
