"""One Settings class reads every REDPROP_* variable: units, errors naming the variable, `redprop config`, README."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_api.cli import main
from search_api.settings import Settings, SettingsError, markdown_table

ROOT = Path(__file__).resolve().parent.parent
ENV_READ = re.compile(r"os\.environ|getenv\(")
VARIABLE = re.compile(r"\bREDPROP_[A-Z_]+\b")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("REDPROP_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(("variable", "value", "field", "expected"), [
    ("REDPROP_MAX_UPLOAD_BYTES", "50MB", "max_upload_bytes", 50_000_000),
    ("REDPROP_MAX_UPLOAD_BYTES", "50MiB", "max_upload_bytes", 50 * 2**20),
    ("REDPROP_MAX_UPLOAD_BYTES", "1048576", "max_upload_bytes", 2**20),
    ("REDPROP_PARSE_MEMORY_BYTES", "1 GiB", "parse_memory_bytes", 2**30),
    ("REDPROP_PARSE_TIMEOUT", "30s", "parse_timeout", 30.0),
    ("REDPROP_PARSE_TIMEOUT", "2m", "parse_timeout", 120.0),
    ("REDPROP_PARSE_TIMEOUT", "250ms", "parse_timeout", 0.25),
    ("REDPROP_WRITE_LOCK_WAIT", "5", "write_lock_wait", 5.0),
    ("REDPROP_SESSION_MAX_AGE", "8h", "session_max_age", 8 * 3600.0),
    ("REDPROP_INGEST_WORKERS", "3", "ingest_workers", 3),
    ("REDPROP_TOKEN", "abc", "write_token", "abc"),
    ("REDPROP_HOME", "/data/redprop", "home", Path("/data/redprop")),
    ("REDPROP_LOG_LEVEL", "info", "log_level", "INFO"),
    ("REDPROP_RATE_LIMIT", "5/second", "rate_limit", "5/second"),
])
def test_values_with_units_are_read(monkeypatch, variable, value, field, expected):
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), field) == expected


@pytest.mark.parametrize("field", ["rate_limit", "login_rate_limit"])
def test_default_rates_parse(field):
    """Settings take the default rates without asking the limits library (an import each command costs)."""
    import limits

    assert limits.parse(Settings.model_fields[field].default)


def test_empty_variables_mean_the_default(monkeypatch):
    monkeypatch.setenv("REDPROP_TOKEN", "")
    monkeypatch.setenv("REDPROP_MAX_UPLOAD_FILES", "")
    assert Settings().write_token is None and Settings().max_upload_files == 20


@pytest.mark.parametrize(("variable", "value", "hint"), [
    ("REDPROP_MAX_UPLOAD_BYTES", "50XB", "50MB"),
    ("REDPROP_MAX_UPLOAD_BYTES", "-5", "50MB"),
    ("REDPROP_PARSE_TIMEOUT", "soon", "30s"),
    ("REDPROP_PARSE_TIMEOUT", "30 parsecs", "30s"),
    ("REDPROP_MAX_UPLOAD_FILES", "many", "整数"),
    ("REDPROP_MAX_UPLOAD_FILES", "0", "不小于 1"),
    ("REDPROP_RATE_LIMIT", "lots", "60/minute"),
    ("REDPROP_LOG_LEVEL", "loud", "WARNING"),
])
def test_a_bad_value_names_its_variable(monkeypatch, variable, value, hint):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert f"{variable}={value}" in str(raised.value) and hint in str(raised.value)


def test_the_cli_stops_on_a_bad_value_with_the_variable_named(monkeypatch):
    monkeypatch.setenv("REDPROP_MAX_UPLOAD_BYTES", "fifty")
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 2 and "REDPROP_MAX_UPLOAD_BYTES=fifty" in result.output
    assert "Traceback" not in result.output


def test_redprop_config_prints_effective_values_and_hides_tokens(monkeypatch):
    monkeypatch.setenv("REDPROP_MAX_UPLOAD_BYTES", "10MiB")
    monkeypatch.setenv("REDPROP_READ_TOKEN", "very-secret")
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0, result.output
    assert "REDPROP_MAX_UPLOAD_BYTES=10MiB  (默认 50MiB)" in result.output
    assert "REDPROP_READ_TOKEN=(已设置)" in result.output and "very-secret" not in result.output
    assert "REDPROP_PARSE_TIMEOUT=60s\n" in result.output


def test_the_readme_table_is_generated_from_the_class():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README is out of date: paste the output of `redprop config --markdown`"
    assert CliRunner().invoke(main, ["config", "--markdown"]).output == markdown_table()


def test_every_variable_in_the_tree_is_a_setting_and_only_settings_reads_the_environment():
    documented = {row.split("`")[1] for row in markdown_table().splitlines()[2:]}
    readers, mentioned = [], set()
    for folder in ("ingest", "index", "search_api", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            mentioned |= set(VARIABLE.findall(text))
            if ENV_READ.search(text) and "REDPROP_" in text and path.name != "settings.py":
                readers.append(path.relative_to(ROOT))
    assert mentioned <= documented, mentioned - documented
    # bench/run.py passes REDPROP_HOME on to the processes it starts; ingest/fetch.py still falls back to two
    # variables of its own when a direct caller passes no values (the CLI and the API pass the settings').
    assert sorted(readers) == [Path("bench/run.py"), Path("ingest/fetch.py")]
