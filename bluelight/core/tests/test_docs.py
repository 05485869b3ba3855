"""Docs that tests keep true: every command has help and a README entry; every setting is documented."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("bluelight."))


def test_project_has_commands():
    assert {"orgs", "demo", "setup", "run", "reference"} <= set(PROJECT_COMMANDS)


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_every_command_has_help_and_a_readme_entry(name):
    command = load_command_class(get_commands()[name], name)
    assert command.help and len(command.help) > 20, f"bluelight {name} needs a help text"
    assert f"bluelight {name}" in README, f"README.md should show `bluelight {name}`"
    parser = command.create_parser("bluelight", name)
    out = StringIO()
    parser.print_help(out)
    for action in parser._actions:
        if (
            action.dest
            not in (
                "help",
                "version",
                "verbosity",
                "settings",
                "pythonpath",
                "traceback",
                "no_color",
                "force_color",
                "skip_checks",
            )
            and action.option_strings
        ):
            assert action.help, f"bluelight {name} {action.option_strings[0]} needs help"


def test_every_environment_variable_read_by_settings_is_in_the_readme_table():
    settings_source = (ROOT / "bluelight" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    assert names, "settings should read the environment"
    missing = [n for n in sorted(names) if f"`{n}`" not in README]
    assert not missing, f"README settings table lacks: {missing}"


def test_readme_opens_with_the_two_commands():
    head = README[:1500]
    assert "make run" in head and "make test" in head
