"""`bluelight run`: serve the Observatory locally, with the background worker (production: see README)."""

import os
import signal
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from bluelight.core.worker import WorkerSupervisor


class Command(BaseCommand):
    help = "Serve the Observatory on 127.0.0.1:8000 for local use (production: gunicorn bluelight.wsgi)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--reload", action="store_true", help="Restart when code changes (development).")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the background worker (reports stay queued)."
        )

    def handle(self, *args, **options):
        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"The Observatory is at {address}  (records: {address}admin/)")
        try:
            from bluelight.demo.services import demo_login_lines

            for line in demo_login_lines():
                self.stdout.write(line)
        except ImportError:
            pass
        worker = None
        # The autoreloader runs this command again in a child (RUN_MAIN): one worker is enough.
        if not options["no_worker"] and os.environ.get("RUN_MAIN") != "true":
            worker = WorkerSupervisor(
                [sys.executable, "-m", "bluelight", "db_worker", "--no-reload"],
                say=lambda line: self.stderr.write(self.style.WARNING(line)),
            )
            worker.start()
            self.stdout.write(
                "Background worker started (reports, matching, large imports); it is restarted if it stops, "
                "and stops with the server."
            )
        self.stdout.write("Press Ctrl+C to stop.")
        # Stopped by a service manager (SIGTERM) rather than Ctrl+C: still stop the worker on the way out.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command(
                "runserver",
                f"{options['host']}:{options['port']}",
                use_reloader=options["reload"],
                skip_checks=False,
            )
        finally:
            if worker is not None:
                worker.stop()
