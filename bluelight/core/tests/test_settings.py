"""Settings come from the environment and fail loudly on bad values."""

import json
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
        ("TRUSTED_PROXY", "perhaps", "TRUSTED_PROXY must be true or false"),
        ("SESSION_IDLE_TIMEOUT", "2h", "SESSION_IDLE_TIMEOUT must be a whole number"),
    ],
)
def test_bad_setting_values_fail_loudly_naming_the_variable(tmp_path, name, value, message):
    result = bluelight("check", env={name: value, "BLUELIGHT_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert message in result.stderr


def settings_values(*names, env=None):
    code = "import json; from django.conf import settings as s; print(json.dumps([str(getattr(s, n)) for n in %r]))"
    result = bluelight("shell", "-c", code % (list(names),), env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_forwarded_proto_header_is_believed_only_behind_a_trusted_proxy(tmp_path):
    var = {"BLUELIGHT_VAR_DIR": str(tmp_path)}

    assert settings_values("SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY", env=var) == ["None", "False"]
    assert settings_values("SECURE_PROXY_SSL_HEADER", env={**var, "TRUSTED_PROXY": "true"}) == [
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    ]


def test_sign_in_lockout_and_session_lifetimes_come_from_the_environment(tmp_path):
    env = {
        "BLUELIGHT_VAR_DIR": str(tmp_path),
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_LOCKOUT_MINUTES": "30",
        "SESSION_IDLE_TIMEOUT": "900",
        "SESSION_ABSOLUTE_TIMEOUT": "3600",
    }

    values = settings_values(
        "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_TIMEOUT", env=env
    )

    assert values == ["3", "0:30:00", "900", "3600"]
    assert settings_values("AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", env={"BLUELIGHT_VAR_DIR": str(tmp_path)}) == [
        "5",
        "0:15:00",
    ]
