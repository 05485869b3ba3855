"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys

import pytest

PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60 + "-a-long-random-production-key",
    "ALLOWED_HOSTS": "observatory.example.org",
}


def bluelight(*args, env=None):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bluelight", *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = bluelight(
        "check", "--deploy", "--fail-level", "WARNING", env={**PROD_ENV, "BLUELIGHT_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_in_production_is_refused_with_a_message(tmp_path):
    result = bluelight("check", env={"DEBUG": "false", "BLUELIGHT_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
    ],
)
def test_bad_setting_values_fail_loudly_naming_the_variable(tmp_path, name, value, message):
    result = bluelight("check", env={name: value, "BLUELIGHT_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert message in result.stderr
