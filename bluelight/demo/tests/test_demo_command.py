"""`bluelight demo [--scale N] [--seed S] [--json]`."""

import json
from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelight.collaborations.models import Collaboration
from bluelight.demo import services
from bluelight.demo.management.commands import demo
from bluelight.demo.management.commands.demo import Command


@pytest.fixture
def small_world(register, monkeypatch):
    """The command over a 12-record demo world: demo_load's own tests cover the full 150."""
    monkeypatch.setattr(demo, "demo_load", partial(services.demo_load, count=12))


def run(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_command_json_output_parses(small_world):
    data = json.loads(run("--json", "--scale", "20"))
    assert data["collaborations"] == 12 and data["published"] + data["draft"] == 12 and data["evidence"] > 0
    assert data["scale"]["created"] == 20
    assert {login["username"] for login in data["logins"]} == set(data["users_created"]) and data["logins"]
    assert Collaboration.objects.count() == 32
    again = json.loads(run("--json", "--scale", "20"))
    assert again["already_loaded"] and again["scale"]["created"] == 0 and again["logins"] == []


def test_demo_command_prints_one_line_and_the_demo_logins(small_world):
    lines = run().splitlines()
    assert lines[0].startswith("Demo world loaded (seed 2014): 12 collaborations")
    assert any("editor.surrey" in line and "demo-password-1" in line for line in lines)
    assert run().splitlines() == ["Demo world already loaded: no demo collaborations created. Demo users created: 0."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "-5"], "--scale must be 0 or more, not -5."),
        (["--scale", "lots"], "--scale must be a whole number, not 'lots'."),
        (["--seed", "x"], "--seed must be a whole number, not 'x'."),
    ],
)
def test_demo_command_rejects_bad_input_with_exit_1(db, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        run(*args)
    assert caught.value.returncode == 1
    assert not Collaboration.objects.exists()


def test_every_option_of_the_demo_command_has_help():
    parser = Command().create_parser("bluelight", "demo")
    own = [a for a in parser._actions if a.dest in ("scale", "seed", "json")]
    assert Command.help and len(own) == 3 and all(a.help for a in own)
