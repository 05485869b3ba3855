"""`bluelight setup`: everything `make run` needs before serving, safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate the database, load the register and taxonomy, build the search index, and load the demo data (once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data and demo users.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        call_command("reference", stdout=self.stdout)
        # After the migration that adds the index, or a database restored from elsewhere: build it here.
        call_command("search", "rebuild", stdout=self.stdout)
        if not options["no_demo"]:
            call_command("demo", stdout=self.stdout)
            from bluelight.demo.editions import demo_reports_request

            if asked := demo_reports_request():
                self.stdout.write(
                    f"Asked for {asked} demo overview reports: the worker produces them in the background."
                )
