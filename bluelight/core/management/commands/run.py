"""`bluelight run`: serve the Observatory locally (use gunicorn in production; see README)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the Observatory on 127.0.0.1:8000 for local use (production: gunicorn bluelight.wsgi)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--reload", action="store_true", help="Restart when code changes (development).")

    def handle(self, *args, **options):
        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"The Observatory is at {address}  (records: {address}admin/)")
        try:
            from bluelight.demo.services import demo_login_lines

            for line in demo_login_lines():
                self.stdout.write(line)
        except ImportError:
            pass
        self.stdout.write("Press Ctrl+C to stop.")
        call_command(
            "runserver",
            f"{options['host']}:{options['port']}",
            use_reloader=options["reload"],
            skip_checks=False,
        )
