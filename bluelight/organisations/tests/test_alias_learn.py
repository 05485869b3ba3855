"""Aliases analysts settle: for everyone, or scoped to one reporter; kept when the register reloads."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from bluelight.organisations.models import Alias
from bluelight.organisations.resolution import Resolver
from bluelight.organisations.services import alias_learn, register_load


def run(*args):
    out = StringIO()
    try:
        call_command("orgs", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_a_learned_alias_resolves_for_everyone(org):
    alias_learn(organisation=org("cleveland_fire_brigade"), name="CFB")
    assert Resolver.from_db().resolve("CFB").match == org("cleveland_fire_brigade")


def test_a_short_name_learned_for_one_reporter_holds_only_in_its_returns(org):
    alias_learn(organisation=org("hampshire_frs"), name="HFRS", reporter=org("wiltshire_frs"))
    resolver = Resolver.from_db()
    result = resolver.resolve("HFRS", day=__import__("datetime").date(2013, 1, 1), reporter=org("wiltshire_frs"))
    assert result.match == org("hampshire_frs") and result.reason == "learned"
    assert resolver.resolve("HFRS", reporter=org("kent_police")).status == "ambiguous"
    assert resolver.resolve("HFRS").status == "ambiguous"


def test_a_name_that_means_another_organisation_is_refused_for_everyone(org):
    with pytest.raises(ValidationError) as exc:
        alias_learn(organisation=org("hampshire_frs"), name="HFRS")
    assert "--for" in exc.value.message_dict["name"][0]
    assert "Hertfordshire Fire and Rescue Service" in exc.value.message_dict["name"][0]


def test_settling_a_reporters_name_again_moves_it(org):
    alias_learn(organisation=org("hertfordshire_frs"), name="HFRS", reporter=org("wiltshire_frs"))
    alias_learn(organisation=org("hampshire_frs"), name="hfrs", reporter=org("wiltshire_frs"))
    [alias] = Alias.objects.filter(reporter=org("wiltshire_frs"))
    assert alias.organisation == org("hampshire_frs")


def test_learned_aliases_are_kept_when_the_register_is_reloaded(org):
    alias_learn(organisation=org("cleveland_fire_brigade"), name="CFB")
    alias_learn(organisation=org("hampshire_frs"), name="HFRS", reporter=org("wiltshire_frs"))
    register_load()
    assert org("cleveland_fire_brigade").aliases.filter(name="CFB", from_register=False).exists()
    assert Alias.objects.filter(reporter=org("wiltshire_frs"), name="HFRS").exists()
    assert org("hampshire_frs").aliases.filter(name="Hants Fire", from_register=True).exists()


def test_alias_command_learns_a_scoped_alias_and_resolve_for_uses_it(org):
    code, out = run("alias", "HFRS", "--org", "hampshire_frs", "--for", "Wiltshire Fire and Rescue Service", "--json")
    assert code == 0
    assert json.loads(out)["alias"] == {"name": "HFRS", "organisation": "hampshire_frs", "for": "wiltshire_frs"}
    code, out = run("resolve", "HFRS", "--for", "wiltshire_frs", "--date", "2013-01-01", "--json")
    assert code == 0 and json.loads(out)["match"]["id"] == "hampshire_frs"


def test_alias_command_refuses_an_ambiguous_global_alias_with_json_errors(org):
    code, out = run("alias", "HFRS", "--org", "hampshire_frs", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["alias"] is None and "--for" in data["errors"]["name"][0]
