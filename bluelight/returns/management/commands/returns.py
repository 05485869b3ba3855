"""`bluelight returns template|import`: an organisation's returns spreadsheet, and reading it back."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from bluelight.organisations.models import Organisation
from bluelight.organisations.resolution import Resolver
from bluelight.returns.imports import return_import
from bluelight.returns.models import Return, Round
from bluelight.returns.services import return_submit, template_build
from bluelight.returns.sheet import RowError, SheetRefused, size_check


class Problems(Exception):
    """Input the command cannot use; every problem is listed."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def round_find(text: str) -> Round:
    """A round by id or by name (any case)."""
    found = None
    if text.strip().isdigit():
        found = Round.objects.filter(pk=int(text)).first()
    found = found or Round.objects.filter(name__iexact=text.strip()).first()
    if found is None:
        names = ", ".join(Round.objects.values_list("name", flat=True)[:10]) or "none yet"
        raise Problems([RowError(None, "--round", text, f"no round has this id or name (rounds: {names})")])
    return found


def organisation_find(text: str, *, round: Round, resolver: Resolver) -> Organisation:
    """An organisation by id (number or identifier) or exact name, else through name resolution."""
    text = text.strip()
    found = None
    if text.isdigit():
        found = Organisation.objects.filter(pk=int(text)).first()
    found = found or Organisation.objects.filter(slug=text).first()
    # The exact name next, before resolution at the round's date: a service that has since merged
    # (Isle of Wight FRS into Hampshire and Isle of Wight FRS) still reports under its own name.
    found = found or Organisation.objects.filter(name__iexact=text).first()
    if found is not None:
        return found
    resolution = resolver.resolve(text, day=round.reference_date)
    if resolution.match is None:
        raise Problems([RowError(None, "--org", text, resolution.message)])
    return resolution.match


class Command(BaseCommand):
    help = (
        "Returns by spreadsheet: `template` writes an organisation's .xlsx for a round: its return as it "
        "stands, or before one is started, a template pre-filled with its known collaborations; `import` "
        "validates a filled-in file (.xlsx or CSV UTF-8) and stages it as the organisation's return, updating "
        "only the rows that differ and writing nothing if any row has a problem; with --submit it also submits "
        "the return (only submitted and accepted returns are consolidated)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        self._template_arguments(
            sub.add_parser("template", help="Write an organisation's return as it stands, or its template, as .xlsx.")
        )
        self._import_arguments(sub.add_parser("import", help="Validate a return file and stage its rows."))
        remind = sub.add_parser(
            "remind", help="Remind organisations that have not submitted (safe from cron: once a day at most)."
        )
        remind.add_argument("--round", required=True, help="The round's id or name, e.g. 'Summer 2026'.")
        remind.add_argument("--json", action="store_true", help="Print only JSON.")

    def handle(self, *args, **options):
        actions = {"template": self._template, "import": self._import, "remind": self._remind}
        try:
            return actions[options["action"]](options)
        except Problems as exc:
            self._fail(options, {"ok": False, "errors": [e.as_json() for e in exc.errors]}, exc.errors)

    def _fail(self, options, data: dict, errors: list[RowError]):
        if options.get("json"):
            self.stdout.write(json.dumps(data))
        else:
            for error in errors:
                self.stderr.write(str(error))
        raise SystemExit(1)

    @staticmethod
    def _round_and_org(parser) -> None:
        parser.add_argument("--round", required=True, help="The round's id or name, e.g. 'Summer 2026'.")
        parser.add_argument(
            "--org",
            required=True,
            help="The organisation: its id, its identifier (e.g. surrey_police) or its name "
            "(names go through name resolution).",
        )

    # template -------------------------------------------------------------------------------

    def _template_arguments(self, parser) -> None:
        self._round_and_org(parser)
        parser.add_argument("-o", "--output", required=True, help="Where to write the template, e.g. return.xlsx.")
        parser.add_argument("--json", action="store_true", help="Print only JSON.")

    def _template(self, options):
        round_ = round_find(options["round"])
        organisation = organisation_find(options["org"], round=round_, resolver=Resolver.from_db())
        content = template_build(round=round_, organisation=organisation)
        path = Path(options["output"])
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise Problems([RowError(None, "--output", str(path), f"cannot write the file: {exc.strerror}")]) from None
        if options["json"]:
            self.stdout.write(
                json.dumps({"ok": True, "file": str(path), "round": round_.name, "organisation": organisation.slug})
            )
        else:
            self.stdout.write(f"Wrote the returns template for {organisation.name}, {round_.name}, to {path}.")

    # import ---------------------------------------------------------------------------------

    def _import_arguments(self, parser) -> None:
        parser.add_argument("file", help="The filled-in return: an .xlsx workbook or a CSV UTF-8 file.")
        self._round_and_org(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and show what would change, writing nothing."
        )
        parser.add_argument(
            "--submit",
            action="store_true",
            help="Once the rows are staged, submit the return for the organisation (a return that arrived by "
            "e-mail), so that consolidation takes it in. If it cannot be submitted, nothing is imported. "
            "With --dry-run nothing is submitted.",
        )
        parser.add_argument("--json", action="store_true", help="Print only JSON.")

    def _import(self, options):
        round_ = round_find(options["round"])
        resolver = Resolver.from_db()
        organisation = organisation_find(options["org"], round=round_, resolver=resolver)
        path = Path(options["file"])
        try:
            size_check(path.stat().st_size, path.name)  # before reading a huge file into memory
            content = path.read_bytes()
        except SheetRefused as exc:
            raise Problems([RowError(None, "file", str(path), exc.message)]) from None
        except OSError as exc:
            raise Problems([RowError(None, "file", str(path), f"cannot read the file: {exc.strerror}")]) from None
        submit = options["submit"] and not options["dry_run"]
        with transaction.atomic():  # the import and the submission stand or fall together
            result = return_import(
                round=round_,
                organisation=organisation,
                content=content,
                filename=path.name,
                dry_run=options["dry_run"],
                resolver=resolver,
            )
            if result.ok and submit:
                try:
                    return_submit(return_obj=Return.objects.get(pk=result.return_id))
                except ValidationError as exc:
                    raise Problems(
                        [
                            RowError(
                                None, "--submit", "", f"the return cannot be submitted, so nothing was imported: {m}"
                            )
                            for m in exc.messages
                        ]
                    ) from None
        if not result.ok:
            if not options["json"]:
                self.stderr.write(result.summary())
            self._fail(options, result.as_json(), result.errors)
        submitted = result.ok and submit
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_json(), "submitted": submitted}))
        else:
            self.stdout.write(result.summary() + (" The return is submitted." if submitted else ""))

    # remind ---------------------------------------------------------------------------------

    def _remind(self, options):
        from bluelight.returns.lookup import find_round
        from bluelight.returns.services import round_remind

        summary = round_remind(round_=find_round(options["round"]))
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json()))
            return
        reminded = f": {', '.join(summary.reminded)}." if summary.reminded else "."
        self.stdout.write(f"Reminded {len(summary.reminded)} organisations ({summary.messages} e-mails){reminded}")
        self.stdout.write(
            f"{len(summary.already_today)} already reminded today; {len(summary.no_editor)} have no editor, so no "
            "e-mail reaches them (an administrator adds one: Manage records, Users, Add user; --json lists them)."
        )
