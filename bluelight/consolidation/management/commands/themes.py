"""`bluelight themes train|suggest`: train the theme model, and suggest themes for a CSV of reports."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelight.consolidation.themes import ThemeModelError, ThemeSuggester, reports_csv_read, theme_model_train


def _positive(text: str, option: str, problems: list[str]) -> int:
    try:
        value = int(text)
    except ValueError:
        problems.append(f"{option} must be a whole number, not {text!r}.")
        return 0
    if value < 1:
        problems.append(f"{option} must be 1 or more, not {value}.")
    return value


class Command(BaseCommand):
    help = (
        "Theme suggestion. 'train' learns from the coded collaborations (or, with too few, from the "
        "taxonomy alone) and reports cross-validated accuracy; 'suggest' proposes themes for each row "
        "of a CSV file with columns title and description."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{train,suggest}")
        train = sub.add_parser("train", help="Train the theme model on the coded collaborations and save it.")
        train.add_argument(
            "--min-records",
            metavar="N",
            default="30",
            help="Coded records needed to learn from them; below this the taxonomy alone is used (default 30).",
        )
        train.add_argument("--json", action="store_true", help="Print the training report as JSON and nothing else.")
        suggest = sub.add_parser("suggest", help="Suggest themes for each row of a CSV file.")
        suggest.add_argument(
            "file", metavar="FILE.csv", help="UTF-8 CSV (with or without BOM), columns title and description."
        )
        suggest.add_argument("--top", metavar="N", default="3", help="How many themes to suggest per row (default 3).")
        suggest.add_argument("--json", action="store_true", help="Print only JSON: [{row, suggestions}, ...].")

    def handle(self, *args, **options):
        if options["action"] == "train":
            return self._train(options)
        return self._suggest(options)

    def _train(self, options):
        problems: list[str] = []
        min_records = _positive(options["min_records"], "--min-records", problems)
        if problems:
            raise CommandError("\n".join(problems))
        try:
            report = theme_model_train(min_records=min_records)
        except ThemeModelError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        self.stdout.write(f"Theme model saved to {ThemeSuggester.path()}.")
        for line in report.lines():
            self.stdout.write(line)

    def _suggest(self, options):
        problems: list[str] = []
        top = _positive(options["top"], "--top", problems)
        rows, file_problems = reports_csv_read(path=Path(options["file"]))
        problems += file_problems
        if problems:
            raise CommandError("\n".join(problems))
        try:
            suggester = ThemeSuggester.load()
        except ThemeModelError as exc:
            raise CommandError(str(exc)) from exc
        suggestions = suggester.suggest_many([(title, description) for _n, title, description in rows], top=top)
        if options["json"]:
            data = [
                {"row": number, "suggestions": [{"theme": s.theme_code, "score": s.score} for s in found]}
                for (number, _title, _description), found in zip(rows, suggestions, strict=True)
            ]
            self.stdout.write(json.dumps(data, indent=2))
            return

        def named(suggestion) -> str:
            name = suggester.names.get(suggestion.theme_code, suggestion.theme_code)
            return f"{name} ({suggestion.theme_code}) {suggestion.score:.2f}"

        self.stdout.write(f"{'row':>4}  {'best theme and score':<70}  then")
        for (number, _title, _description), found in zip(rows, suggestions, strict=True):
            if not found:
                self.stdout.write(f"{number:>4}  (no title or description: nothing to suggest from)")
                continue
            best, *rest = found
            self.stdout.write(f"{number:>4}  {named(best):<70}  {'; '.join(named(s) for s in rest[:2])}")
        report = suggester.report
        self.stdout.write(
            f"{len(rows)} rows. Model: {report.mode}, {report.records} coded records, "
            f"trained {report.trained_at or 'now'}; retrain with 'bluelight themes train'."
        )
        if report.caveat:
            self.stdout.write(report.caveat)
