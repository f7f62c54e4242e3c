"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fracturecare.envconfig import data_dir, env_bool, env_int, env_list

CLI = str(Path(sys.executable).with_name("fracturecare"))


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("1", True), ("Off", False), ("no", False), ("", True)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("FC_TEST_FLAG", raw)
    assert env_bool("FC_TEST_FLAG", True) is value


def test_env_bool_rejects_anything_else_naming_the_variable(monkeypatch):
    monkeypatch.setenv("FC_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FC_TEST_FLAG"):
        env_bool("FC_TEST_FLAG", False)


def test_env_int_checks_type_and_bound(monkeypatch):
    monkeypatch.setenv("FC_TEST_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="FC_TEST_INT='ten' is not an integer"):
        env_int("FC_TEST_INT", 1)
    monkeypatch.setenv("FC_TEST_INT", "5")
    with pytest.raises(ImproperlyConfigured, match="at least 60"):
        env_int("FC_TEST_INT", 1, minimum=60)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("FC_TEST_LIST", "a.example, b.example,,")
    assert env_list("FC_TEST_LIST", []) == ["a.example", "b.example"]


def test_the_data_dir_defaults_to_var_in_the_repository(monkeypatch):
    monkeypatch.delenv("FRACTURECARE_DATA_DIR", raising=False)
    assert data_dir() == Path(__file__).resolve().parents[1] / "var"
    monkeypatch.setenv("FRACTURECARE_DATA_DIR", "/tmp/fc-elsewhere")
    assert data_dir() == Path("/tmp/fc-elsewhere")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FRACTURECARE_DEBUG", "sometimes", "FRACTURECARE_DEBUG"),
        ("FRACTURECARE_TIME_ZONE", "Mars/Olympus", "FRACTURECARE_TIME_ZONE"),
        ("FRACTURECARE_IDLE_LOGOUT_SECONDS", "5", "FRACTURECARE_IDLE_LOGOUT_SECONDS"),
        ("FRACTURECARE_SECRET_KEY", "short", "FRACTURECARE_SECRET_KEY"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL"),
    ],
)
def test_a_bad_setting_stops_the_app_with_its_name(tmp_path, variable, value, message):
    env = {**os.environ, "FRACTURECARE_DATA_DIR": str(tmp_path), variable: value}
    proc = subprocess.run([CLI, "manage", "check"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert message in proc.stderr


def _deploy_env(tmp_path, base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FRACTURECARE_DATA_DIR": str(tmp_path),
        "FRACTURECARE_DEBUG": "false",
        "FRACTURECARE_SECRET_KEY": "k" * 20 + "-deploy-check-" + "x" * 30,
        "FRACTURECARE_ALLOWED_HOSTS": "clinic.example.org",
        "FRACTURECARE_BASE_URL": base_url,
    }


def test_the_production_profile_passes_the_deploy_check(tmp_path):
    env = _deploy_env(tmp_path, "https://clinic.example.org")
    proc = subprocess.run([CLI, "manage", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_an_http_base_url_fails_the_deploy_check_naming_https(tmp_path):
    env = _deploy_env(tmp_path, "http://clinic.example.org")
    proc = subprocess.run([CLI, "manage", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "SECURE_HSTS_SECONDS" in proc.stderr and "SECURE_SSL_REDIRECT" in proc.stderr


def test_an_https_base_url_turns_on_https_only_transport(tmp_path):
    env = _deploy_env(tmp_path, "https://clinic.example.org")
    code = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)")
    proc = subprocess.run([CLI, "manage", "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1].split() == ["True", "True", "True", "True"], proc.stderr
