"""`bluelight rounds open|list|progress`: collection rounds from the command line."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bluelight.core.cli import date_option
from bluelight.returns import selectors, services
from bluelight.returns.lookup import find_organisation, find_round


class Command(BaseCommand):
    help = "Open collection rounds, list them, and show who has answered."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{open,list,progress}")
        opener = sub.add_parser("open", help="Open a round and ask every organisation in scope.")
        opener.add_argument("name", help="The round's name, e.g. 'Summer 2026 call for examples'.")
        opener.add_argument("--opens", required=True, help="Opening date, YYYY-MM-DD.")
        opener.add_argument("--closes", required=True, help="Closing date (the deadline), YYYY-MM-DD.")
        opener.add_argument(
            "--type",
            action="append",
            default=[],
            dest="types",
            help="Organisation type to ask (repeatable; default: forces, fire and rescue services, ambulance trusts).",
        )
        opener.add_argument("--region", action="append", default=[], dest="regions", help="Region to ask (repeatable).")
        opener.add_argument(
            "--country", action="append", default=[], dest="countries", help="England or Wales (repeatable)."
        )
        opener.add_argument(
            "--org",
            action="append",
            default=[],
            dest="orgs",
            help="An organisation to add by name or id (repeatable).",
        )
        opener.add_argument("--guidance", default="", help="Guidance text sent with the request.")
        opener.add_argument("--json", action="store_true", help="Print only JSON.")
        sub.add_parser("list", help="List rounds with their dates and response rates.").add_argument(
            "--json", action="store_true", help="Print only JSON."
        )
        progress = sub.add_parser("progress", help="Show each organisation's state in a round.")
        progress.add_argument("--round", required=True, help="Round id or name.")
        progress.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        return {"open": self._open, "list": self._list, "progress": self._progress}[options["action"]](options)

    def _open(self, options):
        organisations = [find_organisation(name) for name in options["orgs"]]
        try:
            round_ = services.round_open(
                name=options["name"],
                opens_on=date_option("--opens", options["opens"]),
                closes_on=date_option("--closes", options["closes"]),
                guidance=options["guidance"],
                types=options["types"],
                countries=options["countries"],
                regions=options["regions"],
                organisations=organisations,
            )
        except ValidationError as exc:
            raise CommandError("\n".join(f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms)) from None
        asked = round_.requests.count()
        if options["json"]:
            self.stdout.write(json.dumps({"id": round_.pk, "name": round_.name, "organisations_asked": asked}))
        else:
            self.stdout.write(
                f"Opened {round_.name} (id {round_.pk}): {asked} organisations asked, closes {round_.closes_on}."
            )

    def _list(self, options):
        from bluelight.returns.models import Round

        data = []
        for round_ in Round.objects.all():
            progress = selectors.round_progress(round_=round_)
            data.append(
                {
                    "id": round_.pk,
                    "name": round_.name,
                    "opens": str(round_.opens_on),
                    "closes": str(round_.closes_on),
                    "state": round_.state,
                    "asked": progress.overall.total,
                    "answered": progress.overall.answered,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        for row in data:
            self.stdout.write(
                f"{row['id']:>4}  {row['name']}  {row['opens']} to {row['closes']}  {row['state']}  "
                f"{row['answered']}/{row['asked']} answered"
            )

    def _progress(self, options):
        progress = selectors.round_progress(round_=find_round(options["round"]))
        if options["json"]:
            self.stdout.write(json.dumps(progress.as_json()))
            return
        o = progress.overall
        self.stdout.write(
            f"{progress.round.name}: {o.answered} of {o.total} answered ({o.percent_answered}%), "
            f"{progress.days_to_deadline} days to the deadline."
        )
        for row in progress.rows:
            self.stdout.write(f"  {row.state:12} {row.items:>3} items  {row.organisation.name}")
