"""`bluelight reference`: load the organisation register and the default theme taxonomy."""

import json

from django.core.management.base import BaseCommand

from bluelight.collaborations.services import taxonomy_load
from bluelight.organisations.services import register_load


class Command(BaseCommand):
    help = (
        "Load the organisation register and the default theme taxonomy shipped with the project. "
        "Safe to run again: register rows are updated in place and themes admins edited are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        register = register_load()
        created, existing = taxonomy_load()
        if options["json"]:
            self.stdout.write(
                json.dumps({"register": register.__dict__, "themes": {"created": created, "existing": existing}})
            )
        else:
            self.stdout.write(f"Register: {register}. Themes: {created} created, {existing} already there.")
