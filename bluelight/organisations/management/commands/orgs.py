"""`bluelight orgs resolve|add`: name resolution and partners outside the register."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bluelight.core.cli import date_option
from bluelight.organisations.models import OrganisationType
from bluelight.organisations.resolution import resolve
from bluelight.organisations.services import organisation_add


class Command(BaseCommand):
    help = "Resolve an organisation name against the register, or add a partner that is not in it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{resolve,add}")
        res = sub.add_parser("resolve", help="Find the register organisation a name, alias or code stands for.")
        res.add_argument("name", help="A name, alias, abbreviation or official code, e.g. 'Hants Fire'.")
        res.add_argument("--date", help="Resolve as at this date (YYYY-MM-DD): merged bodies give way to successors.")
        res.add_argument("--json", action="store_true", help="Print only JSON.")
        add = sub.add_parser("add", help="Add a partner outside the register (council, NHS body, charity, ...).")
        add.add_argument("name", help="The organisation's full name.")
        add.add_argument("--type", required=True, help=f"One of: {', '.join(OrganisationType.values)}.")
        add.add_argument("--region", default="", help="Its region, e.g. 'South East'.")
        add.add_argument("--country", default="England", help="England or Wales (default England).")
        add.add_argument("--alias", action="append", default=[], help="Another name it goes by (repeatable).")
        add.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        if options["action"] == "resolve":
            return self._resolve(options)
        return self._add(options)

    def _resolve(self, options):
        day = date_option("--date", options["date"]) if options["date"] else None
        result = resolve(options["name"], day=day)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self.stdout.write(result.message)
            if result.match is not None:
                self.stdout.write(
                    f"  id: {result.match.slug}  code: {result.match.official_code or '-'}  score: {result.score}"
                )
        if result.match is None:
            raise SystemExit(1)

    def _add(self, options):
        try:
            org = organisation_add(
                name=options["name"],
                type=options["type"],
                region=options["region"],
                country=options["country"],
                aliases=options["alias"],
            )
        except ValidationError as exc:
            problems = [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
            if options["json"]:
                self.stdout.write(json.dumps({"created": None, "errors": exc.message_dict}))
                raise SystemExit(1) from None
            raise CommandError("\n".join(problems)) from None
        data = {
            "id": org.slug,
            "name": org.name,
            "type": org.type,
            "region": org.region,
            "aliases": [a.name for a in org.aliases.all()],
        }
        if options["json"]:
            self.stdout.write(json.dumps({"created": data, "errors": {}}))
        else:
            self.stdout.write(f"Added {org.name} (id {org.slug}, {org.get_type_display()}).")
