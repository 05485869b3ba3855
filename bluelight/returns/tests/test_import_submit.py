"""`bluelight returns import FILE --submit`: an analyst stages a return that came by e-mail and submits it."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from bluelight.returns.models import ItemPartner, Return, ReturnItem, ReturnState
from bluelight.returns.tests.conftest import good_row, xlsx_bytes
from bluelight.returns.tests.test_returns_command import run

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
SURREY = ("--round", "Summer 2026", "--org", "surrey_police")


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "surrey.xlsx"
    path.write_bytes(xlsx_bytes([good_row(), good_row(reference="A2", title="Shared drones")]))
    return path


def test_import_with_submit_stages_the_rows_then_submits_the_return(good_file, summer):
    code, out, _err = run("import", str(good_file), *SURREY, "--submit", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["submitted"] is True and data["created"] == 2
    return_obj = Return.objects.get(pk=data["return"])
    assert return_obj.state == ReturnState.SUBMITTED and return_obj.submitted_at is not None
    assert return_obj.items.count() == 2


def test_import_with_submit_says_so_in_its_summary(good_file, summer):
    code, out, _err = run("import", str(good_file), *SURREY, "--submit")
    assert code == 0 and "The return is submitted." in out


def test_import_without_submit_leaves_the_return_a_draft(good_file, summer):
    data = json.loads(run("import", str(good_file), *SURREY, "--json")[1])
    assert data["submitted"] is False
    assert Return.objects.get(pk=data["return"]).state == ReturnState.DRAFT


def test_import_with_submit_and_dry_run_submits_nothing(good_file, summer):
    code, out, _err = run("import", str(good_file), *SURREY, "--submit", "--dry-run", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["dry_run"] is True and data["submitted"] is False
    assert not Return.objects.exists() and not ReturnItem.objects.exists()


def test_import_with_submit_of_a_return_sent_back_submits_it_again(good_file, summer):
    from bluelight.returns import services

    run("import", str(good_file), *SURREY, "--submit")
    return_obj = Return.objects.get()
    services.return_send_back(return_obj=return_obj, comment="Add the savings.")
    data = json.loads(run("import", str(good_file), *SURREY, "--submit", "--json")[1])
    assert data["submitted"] is True
    return_obj.refresh_from_db()
    assert return_obj.state == ReturnState.SUBMITTED


def test_import_with_submit_of_a_return_that_cannot_be_submitted_imports_nothing(good_file, summer, surrey_police):
    # An item already in the return (not in the file) names no partner besides the organisation.
    lonely = ReturnItem.objects.create(
        return_obj=Return.objects.create(round=summer, organisation=surrey_police), reference="OLD", title="Alone"
    )
    ItemPartner.objects.create(item=lonely, organisation=surrey_police)
    code, out, _err = run("import", str(good_file), *SURREY, "--submit", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["errors"][0]["column"] == "--submit"
    assert "nothing was imported" in data["errors"][0]["message"] and "OLD Alone" in data["errors"][0]["message"]
    assert list(ReturnItem.objects.values_list("reference", flat=True)) == ["OLD"]
    assert Return.objects.get().state == ReturnState.DRAFT


def test_import_submit_is_in_the_help_and_the_readme(capsys):
    with pytest.raises(SystemExit):
        call_command("returns", "import", "--help")  # argparse prints a subcommand's help itself
    assert "--submit" in capsys.readouterr().out
    line = next(line for line in README.splitlines() if "`bluelight returns import" in line)
    assert "[--submit]" in line
    assert "only submitted and accepted returns are consolidated" in README
