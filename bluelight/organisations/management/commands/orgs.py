"""`bluelight orgs resolve|add|alias`: name resolution, partners outside the register, aliases analysts settle."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bluelight.core.cli import date_option
from bluelight.organisations.models import Organisation, OrganisationType
from bluelight.organisations.resolution import resolve
from bluelight.organisations.services import alias_learn, organisation_add


class Command(BaseCommand):
    help = (
        "Resolve an organisation name against the register, add a partner that is not in it, "
        "or teach it what a name means (for everyone, or in one reporter's returns)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{resolve,add,alias}")
        res = sub.add_parser("resolve", help="Find the register organisation a name, alias or code stands for.")
        res.add_argument("name", help="A name, alias, abbreviation or official code, e.g. 'Hants Fire'.")
        res.add_argument("--date", help="Resolve as at this date (YYYY-MM-DD): merged bodies give way to successors.")
        res.add_argument(
            "--for",
            dest="reporter",
            help="Resolve as in this organisation's returns (its area settles short names; its learned aliases apply).",
        )
        res.add_argument("--json", action="store_true", help="Print only JSON.")
        add = sub.add_parser("add", help="Add a partner outside the register (council, NHS body, charity, ...).")
        add.add_argument("name", help="The organisation's full name.")
        add.add_argument("--type", required=True, help=f"One of: {', '.join(OrganisationType.values)}.")
        add.add_argument("--region", default="", help="Its region, e.g. 'South East'.")
        add.add_argument("--country", default="England", help="England or Wales (default England).")
        add.add_argument("--alias", action="append", default=[], help="Another name it goes by (repeatable).")
        add.add_argument("--json", action="store_true", help="Print only JSON.")
        alias = sub.add_parser(
            "alias", help="Record that a name means an organisation, as an analyst settled it; later imports use it."
        )
        alias.add_argument("name", help="The name as returns write it, e.g. 'HFRS'.")
        alias.add_argument("--org", required=True, help="The organisation it means: identifier, name or code.")
        alias.add_argument(
            "--for",
            dest="reporter",
            help="Only in this organisation's returns (needed for a short name that means other bodies elsewhere).",
        )
        alias.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        actions = {"resolve": self._resolve, "add": self._add, "alias": self._alias}
        return actions[options["action"]](options)

    @staticmethod
    def _organisation(text: str, option: str) -> Organisation:
        """An organisation by identifier, else by name or code; anything else is a problem for `option`."""
        text = " ".join(text.split())
        # The exact name first: a merged service's own name means it, not what it became.
        found = Organisation.objects.filter(slug=text).first() or Organisation.objects.filter(name__iexact=text).first()
        if found is not None:
            return found
        result = resolve(text)
        if result.match is None:
            raise ValidationError({option: [result.message]})
        return result.match

    def _fail(self, options, exc: ValidationError, key: str):
        if options["json"]:
            self.stdout.write(json.dumps({key: None, "errors": exc.message_dict}))
            raise SystemExit(1) from None
        problems = [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
        raise CommandError("\n".join(problems)) from None

    def _resolve(self, options):
        day = date_option("--date", options["date"]) if options["date"] else None
        try:
            reporter = self._organisation(options["reporter"], "for") if options["reporter"] else None
        except ValidationError as exc:
            return self._fail(options, exc, "match")
        result = resolve(options["name"], day=day, reporter=reporter)
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
            return self._fail(options, exc, "created")
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

    def _alias(self, options):
        try:
            organisation = self._organisation(options["org"], "org")
            reporter = self._organisation(options["reporter"], "for") if options["reporter"] else None
            alias = alias_learn(organisation=organisation, name=options["name"], reporter=reporter)
        except ValidationError as exc:
            return self._fail(options, exc, "alias")
        data = {
            "name": alias.name,
            "organisation": organisation.slug,
            "for": reporter.slug if reporter else None,
        }
        if options["json"]:
            self.stdout.write(json.dumps({"alias": data, "errors": {}}))
        else:
            where = f"in returns from {reporter.name}" if reporter else "for everyone"
            self.stdout.write(f"{alias.name} now means {organisation.name} {where}.")
