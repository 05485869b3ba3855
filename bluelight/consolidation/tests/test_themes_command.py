"""`bluelight themes train` and `bluelight themes suggest FILE.csv`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelight.collaborations.models import Theme
from bluelight.consolidation.management.commands.themes import Command

CSV = (
    "title,description,reference\n"
    "Firefighters attend cardiac arrests,With defibrillators alongside ambulance,A1\n"
    ",,\n"
    "\n"
    'Shared headquarters,"Police and fire move into one headquarters building, sharing costs",A4\n'
)


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def write(tmp_path, content: str | bytes, name: str = "reports.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def run(*args) -> str:
    out = StringIO()
    call_command("themes", *args, stdout=out)
    return out.getvalue()


def exit_code_and_errors(*args, capsys) -> tuple[int, str]:
    """Run as from the shell, where a CommandError becomes exit status 1 and a message on stderr."""
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["bluelight", "themes", *args])
    return exited.value.code, capsys.readouterr().err


def test_suggest_json_prints_only_the_contract_json(register, tmp_path):
    data = json.loads(run("suggest", write(tmp_path, "\ufeff" + CSV), "--json"))
    assert [row["row"] for row in data] == [1, 4]
    for row in data:
        assert set(row) == {"row", "suggestions"}
        assert len(row["suggestions"]) == 3
        for suggestion in row["suggestions"]:
            assert set(suggestion) == {"theme", "score"}
            assert isinstance(suggestion["theme"], str) and 0 <= suggestion["score"] <= 1
        scores = [s["score"] for s in row["suggestions"]]
        assert scores == sorted(scores, reverse=True)
    assert "fr_cardiac_arrest" in [s["theme"] for s in data[0]["suggestions"]]
    assert data[1]["suggestions"][0]["theme"] == "es_shared_hq"


def test_blank_rows_are_skipped_but_rows_keep_their_data_row_numbers(register, tmp_path):
    content = "title,description\n\n,\nJoint vehicle workshop,Police and fire vehicles serviced together\n"
    assert [row["row"] for row in json.loads(run("suggest", write(tmp_path, content), "--json"))] == [3]


def test_a_row_with_other_cells_but_no_title_or_description_gets_no_suggestions(register, tmp_path):
    content = "reference,title,description\nA1,,\n"
    assert json.loads(run("suggest", write(tmp_path, content), "--json")) == [{"row": 1, "suggestions": []}]


def test_top_sets_how_many_themes_are_suggested(register, tmp_path):
    data = json.loads(run("suggest", write(tmp_path, CSV), "--json", "--top", "5"))
    assert [len(row["suggestions"]) for row in data] == [5, 5]


def test_without_json_it_prints_a_table_of_theme_names_codes_and_scores(register, tmp_path):
    out = run("suggest", write(tmp_path, CSV))
    lines = out.splitlines()
    assert lines[0].split() == ["row", "best", "theme", "and", "score", "then"]
    assert lines[1].lstrip().startswith("1  ") and "(fr_" in lines[1]
    assert lines[2].lstrip().startswith("4  Shared headquarters (es_shared_hq) 0.")
    assert "2 rows. Model: taxonomy fallback" in out


def test_a_file_without_a_title_column_exits_1_naming_the_fix(register, tmp_path, capsys):
    path = write(tmp_path, "name,description\nJoint station,Police in a fire station\n")
    code, errors = exit_code_and_errors("suggest", path, "--json", capsys=capsys)
    assert code == 1
    assert "no 'title' column (columns found: 'name', 'description')" in errors
    assert "the first row must name the columns title and description" in errors


def test_a_file_that_is_not_utf8_exits_1_naming_the_fix(register, tmp_path):
    path = write(tmp_path, "title,description\nCaf\xe9 de la caserne,Fire station caf\xe9\n".encode("cp1252"))
    with pytest.raises(CommandError, match=r"not UTF-8 text .*CSV UTF-8"):
        run("suggest", path, "--json")


def test_every_problem_is_listed_at_once(register, tmp_path):
    with pytest.raises(CommandError) as raised:
        run("suggest", str(tmp_path / "missing.csv"), "--top", "none")
    message = str(raised.value)
    assert "--top must be a whole number, not 'none'" in message
    assert "missing.csv: no such file" in message


def test_with_no_taxonomy_both_commands_exit_1_naming_the_fix(register, tmp_path):
    Theme.objects.filter(parent__isnull=False).delete()
    Theme.objects.all().delete()
    for args in (["train"], ["suggest", write(tmp_path, CSV), "--json"]):
        with pytest.raises(CommandError, match="taxonomy is empty: load it with `bluelight setup`"):
            run(*args)


def test_train_json_reports_records_themes_mode_and_scores(register, tmp_path, var_dir):
    data = json.loads(run("train", "--json"))
    assert data["mode"] == "taxonomy fallback" and data["records"] == 0 and data["themes"] == 0
    assert {"accuracy", "macro_f1", "top3_accuracy", "evaluation", "caveat", "trained_at"} <= set(data)
    assert data["accuracy"] is None  # nothing coded: nothing to score against
    assert (var_dir / "models" / "themes.joblib").exists()


def test_train_prints_the_report_in_a_few_lines(register):
    out = run("train", "--min-records", "5")
    assert "Mode: taxonomy fallback. Records: 0 coded, 0 themes used" in out
    assert "Accuracy n/a, macro-F1 n/a, top-3 accuracy n/a" in out


def test_train_refuses_a_minimum_that_is_not_a_positive_number(register):
    with pytest.raises(CommandError, match="--min-records must be 1 or more, not 0"):
        run("train", "--min-records", "0")
