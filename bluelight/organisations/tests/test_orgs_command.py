"""`bluelight orgs resolve` and `bluelight orgs add`."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelight.organisations.models import Organisation


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("orgs", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_resolve_json_prints_only_the_contract_json(register):
    code, out = run("resolve", "Hants Fire", "--date", "2019-06-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["match"]["id"] == "hampshire_frs"


def test_resolve_ambiguous_name_exits_1_with_alternatives(register):
    code, out = run("resolve", "HFRS", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["match"] is None and len(data["alternatives"]) >= 3


def test_resolve_refuses_a_bad_date_with_the_format(register):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("orgs", "resolve", "Kent Police", "--date", "01/04/2016")


def test_add_creates_a_partner_outside_the_register(register):
    code, out = run(
        "add",
        "Epsom and Ewell Borough Council",
        "--type",
        "council",
        "--region",
        "South East",
        "--alias",
        "EEBC",
        "--json",
    )
    assert code == 0
    created = json.loads(out)["created"]
    org = Organisation.objects.get(slug=created["id"])
    assert org.in_register is False and org.type == "council"
    assert [a.name for a in org.aliases.all()] == ["EEBC"]
    assert run("resolve", "EEBC", "--json")[0] == 0


def test_add_refuses_a_name_that_resolves_to_an_existing_organisation(register):
    before = Organisation.objects.count()
    with pytest.raises(CommandError, match="already in the register as Kent Fire and Rescue Service"):
        call_command("orgs", "add", "Kent Fire & Rescue Service", "--type", "other")
    assert Organisation.objects.count() == before


def test_add_refuses_an_unknown_type_naming_the_choices(register):
    code, out = run("add", "Surrey Search and Rescue", "--type", "volunteers", "--json")
    assert code == 1
    assert "Choose a type" in json.loads(out)["errors"]["type"][0]
    assert not Organisation.objects.filter(name="Surrey Search and Rescue").exists()
