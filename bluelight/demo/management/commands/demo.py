"""`bluelight demo`: load the demo world, and optionally synthetic collaborations for scale tests."""

import json

from django.core.management.base import BaseCommand, CommandError

from bluelight.demo.services import DemoError, demo_load, demo_login_lines, demo_scale_load
from bluelight.demo.world import DEMO_SEED


def _whole_number(text: str, option: str, problems: list[str]) -> int:
    try:
        value = int(text)
    except ValueError:
        problems.append(f"{option} must be a whole number, not {text!r}.")
        return 0
    if value < 0:
        problems.append(f"{option} must be 0 or more, not {value}.")
    return value


class Command(BaseCommand):
    help = (
        "Load the demo world: about 150 collaborations across the register and taxonomy from 2014 to "
        "today, evidence items and demo users of each role (demo passwords, never for real use). Safe to "
        "run again: nothing is duplicated. With --scale N, also make sure N synthetic collaborations exist."
    )

    def add_arguments(self, parser):
        # Numbers are read as text and checked here, so bad input exits 1 with every problem listed.
        parser.add_argument(
            "--scale",
            metavar="N",
            default="0",
            help="Also make sure N synthetic collaborations exist, for load and speed tests (default 0).",
        )
        parser.add_argument(
            "--seed",
            metavar="S",
            default=str(DEMO_SEED),
            help=f"Seed of the demo generator: the same seed gives the same world (default {DEMO_SEED}).",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON and nothing else.")

    def handle(self, *args, **options):
        problems: list[str] = []
        scale = _whole_number(options["scale"], "--scale", problems)
        seed = _whole_number(options["seed"], "--seed", problems)
        if problems:
            raise CommandError("\n".join(problems))
        try:
            summary = demo_load(seed=seed)
            if scale:
                summary.scale = demo_scale_load(n=scale, seed=seed)
        except DemoError as exc:
            raise CommandError("\n".join(exc.problems)) from exc

        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
            return
        self.stdout.write(str(summary))
        for line in demo_login_lines(usernames=summary.users_created):
            self.stdout.write(line)
