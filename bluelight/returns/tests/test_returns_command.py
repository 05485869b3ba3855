"""`bluelight returns template` and `bluelight returns import`, called as a user would, output parsed."""

import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from bluelight.returns.models import ReturnItem
from bluelight.returns.tests.conftest import good_row, xlsx_bytes


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("returns", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "surrey.xlsx"
    path.write_bytes(xlsx_bytes([good_row(), good_row(reference="A2", title="Shared drones")]))
    return path


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "surrey.xlsx"
    path.write_bytes(xlsx_bytes([good_row(title=""), good_row(reference="A2", annual_savings_gbp="10-20k")]))
    return path


def test_import_json_prints_only_json_and_stages_the_items(good_file, summer):
    code, out, _err = run("import", str(good_file), "--round", "Summer 2026", "--org", "surrey_police", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["created"] == 2 and data["to_create"] == ["A1", "A2"]
    assert ReturnItem.objects.count() == 2


def test_import_with_errors_exits_1_listing_every_problem_as_json(bad_file, summer):
    code, out, _err = run("import", str(bad_file), "--round", "Summer 2026", "--org", "surrey_police", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert [(e["row"], e["column"]) for e in data["errors"]] == [(2, "title"), (3, "annual_savings_gbp")]
    assert set(data["errors"][0]) == {"row", "column", "value", "message"}
    assert ReturnItem.objects.count() == 0


def test_import_with_errors_prints_row_column_message_and_value(bad_file, summer):
    code, out, err = run("import", str(bad_file), "--round", str(summer.pk), "--org", "Surrey Police")
    assert code == 1 and out == ""
    assert "row 3, column annual_savings_gbp: give one figure" in err
    assert "(value: 10-20k)" in err
    assert "nothing was imported" in err


def test_dry_run_writes_nothing(good_file, summer):
    code, out, _err = run("import", str(good_file), "--round", "summer 2026", "--org", "surrey_police", "--dry-run")
    assert code == 0 and "Dry run, nothing written" in out and "2 new" in out
    assert ReturnItem.objects.count() == 0


def test_org_may_be_given_by_id_or_by_a_name_resolved_against_the_register(good_file, summer, surrey_police):
    code, out, _err = run(
        "import", str(good_file), "--round", "Summer 2026", "--org", str(surrey_police.pk), "--dry-run", "--json"
    )
    assert code == 0 and json.loads(out)["organisation"]["id"] == "surrey_police"
    code, out, _err = run(
        "import", str(good_file), "--round", "Summer 2026", "--org", "Surrey Constabulary", "--dry-run", "--json"
    )
    assert code == 0 and json.loads(out)["organisation"]["id"] == "surrey_police"


def test_an_ambiguous_org_exits_1_with_the_candidates(good_file, summer):
    code, out, _err = run("import", str(good_file), "--round", "Summer 2026", "--org", "HFRS", "--json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert error["column"] == "--org" and "could be several organisations" in error["message"]


def test_an_unknown_round_exits_1(good_file, summer):
    code, _out, err = run("import", str(good_file), "--round", "Winter 1999", "--org", "surrey_police")
    assert code == 1 and "no round has this id or name (rounds: Summer 2026)" in err


def test_a_missing_file_exits_1(tmp_path, summer):
    code, out, _err = run(
        "import", str(tmp_path / "nope.xlsx"), "--round", "Summer 2026", "--org", "surrey_police", "--json"
    )
    assert code == 1 and "cannot read the file" in json.loads(out)["errors"][0]["message"]


def test_template_writes_an_xlsx_that_imports_back(tmp_path, summer):
    path = tmp_path / "template.xlsx"
    code, out, _err = run("template", "--round", "Summer 2026", "--org", "surrey_police", "-o", str(path), "--json")
    assert code == 0 and json.loads(out)["file"] == str(path)
    book = openpyxl.load_workbook(path)
    book["Return"].append(list(good_row().values()))
    book.save(path)
    code, out, _err = run("import", str(path), "--round", "Summer 2026", "--org", "surrey_police", "--json")
    assert code == 0, out
    assert json.loads(out)["created"] == 1


def test_every_option_has_help():
    from django.core.management import load_command_class

    command = load_command_class("bluelight.returns", "returns")
    parser = command.create_parser("bluelight", "returns")
    subparsers = next(a for a in parser._actions if a.dest == "action")
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"returns {name} {action.dest} needs help"


def test_a_merged_service_named_exactly_reports_as_itself_not_as_its_successor(good_file, summer):
    """Isle of Wight FRS and Hampshire FRS both merged into one service in 2021; each still imports
    its own earlier return under its own name."""
    code, out, _err = run(
        "import", str(good_file), "--round", "Summer 2026", "--org", "Isle of Wight Fire and Rescue Service",
        "--dry-run", "--json",
    )  # fmt: skip
    assert json.loads(out)["organisation"]["id"] == "isle_of_wight_frs"
