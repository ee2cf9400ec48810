"""Settings: defaults, babelwire.toml, BABELWIRE_<SECTION>_<KEY> overrides, clear errors."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.config import (
    Settings,
    default_config_text,
    describe_settings,
    format_duration,
    load_settings,
    parse_duration,
)
from babelwire.errors import ConfigError


def test_defaults_without_a_config_file(tmp_path: Path):
    settings = load_settings(tmp_path, environ={})
    assert settings.fetch.max_bytes == 10 * 1024 * 1024
    assert settings.fetch.max_redirects == 5 and settings.fetch.allow_private is False
    assert settings.database_url == f"sqlite:///{tmp_path / 'babelwire.db'}"
    assert settings.translate.to == ["en"]
    assert settings.poll.every == timedelta(minutes=30) and settings.poll.tick == timedelta(seconds=60)
    assert settings.poll.refresh_window == timedelta(hours=48) and settings.stories.window == timedelta(hours=72)
    assert settings.broker.heartbeat_interval == timedelta(seconds=5)
    assert settings.broker.visibility_timeout == timedelta(hours=1)


def test_file_then_environment_override(tmp_path: Path):
    (tmp_path / "babelwire.toml").write_text('[fetch]\nhost_delay = 2.5\nallow_private = false\n'
                                             '[translate]\nto = ["en", "de"]\n')
    settings = load_settings(tmp_path, environ={"BABELWIRE_FETCH_ALLOW_PRIVATE": "1",
                                                "BABELWIRE_TRANSLATE_TO": "en,es"})
    assert settings.fetch.host_delay == 2.5
    assert settings.fetch.allow_private is True
    assert settings.translate.to == ["en", "es"]


def test_database_url_from_environment(tmp_path: Path):
    url = "postgresql+psycopg://u@db/babelwire"
    assert load_settings(tmp_path, environ={"BABELWIRE_DATABASE_URL": url}).database_url == url


def test_home_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BABELWIRE_HOME", str(tmp_path / "h"))
    assert load_settings().home == tmp_path / "h"


@pytest.mark.parametrize("text", ['[fetch]\nnope = 1\n', '[nosection]\na = 1\n', '[fetch]\nretries = "x"\n',
                                  "not toml ["])
def test_bad_files_are_config_errors(tmp_path: Path, text: str):
    (tmp_path / "babelwire.toml").write_text(text)
    with pytest.raises(ConfigError):
        load_settings(tmp_path, environ={})


def test_bad_environment_value_names_the_variable(tmp_path: Path):
    with pytest.raises(ConfigError, match="BABELWIRE_FETCH_RETRIES"):
        load_settings(tmp_path, environ={"BABELWIRE_FETCH_RETRIES": "many"})


def test_durations():
    assert parse_duration("15m") == 900 and parse_duration("2h") == 7200 and parse_duration(30) == 30
    assert format_duration(900) == "15m" and format_duration(86400) == "1d" and format_duration(45) == "45s"
    assert format_duration(timedelta(minutes=15)) == "15m" and parse_duration(timedelta(hours=1)) == 3600
    with pytest.raises(ConfigError):
        parse_duration("soon")


def test_durations_in_the_file_and_the_environment_are_timedeltas(tmp_path: Path):
    (tmp_path / "babelwire.toml").write_text('[poll]\nevery = "2h"\ntick = 90\nrefresh_window = "1d"\n'
                                             '[stories]\nwindow = "36h"\n')
    settings = load_settings(tmp_path, environ={"BABELWIRE_POLL_REFRESH_WINDOW": "90m",
                                                "BABELWIRE_BROKER_LEASE_TIMEOUT": "120",
                                                "BABELWIRE_BROKER_SWEEP_INTERVAL": " 2 s "})
    assert settings.poll.every == timedelta(hours=2) and settings.poll.tick == timedelta(seconds=90)
    assert settings.poll.refresh_window == timedelta(minutes=90)  # the environment beats the file
    assert settings.stories.window == timedelta(hours=36)
    assert settings.broker.lease_timeout == timedelta(minutes=2)
    assert settings.broker.sweep_interval == timedelta(seconds=2)
    # Shown as written, not re-spelled: "36h" stays "36h" (not "1d12h"), "120" stays "120".
    assert format_duration(settings.stories.window) == "36h" and format_duration(settings.poll.tick) == "90s"
    assert format_duration(settings.broker.lease_timeout) == "120"


def test_a_duration_set_in_code_is_read_like_one_from_the_file(tmp_path: Path):
    settings = Settings(home=tmp_path)
    settings.poll.refresh_window = "0s"
    settings.stories.window = "2h"
    assert settings.poll.refresh_window == timedelta(0) and settings.stories.window == timedelta(hours=2)


def test_defaults_are_described_as_written(tmp_path: Path):
    rows = {env: default for _key, env, default, _doc in describe_settings()}
    assert rows["BABELWIRE_POLL_TICK"] == "'60s'" and rows["BABELWIRE_POLL_REFRESH_WINDOW"] == "'48h'"
    assert rows["BABELWIRE_STORIES_WINDOW"] == "'72h'" and rows["BABELWIRE_FETCH_READ_TIMEOUT"] == "20.0"
    text = default_config_text()
    assert '# every = "30m"' in text and '# window = "72h"' in text


def test_config_show_json_is_plain_json_with_durations_as_written(tmp_path: Path):
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "config", "show", "--json"],
                                env={"BABELWIRE_POLL_EVERY": "2h"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = {r["env"]: r for r in json.loads(result.stdout)}
    assert rows["BABELWIRE_POLL_EVERY"]["current"] == "2h" and rows["BABELWIRE_POLL_EVERY"]["default"] == "'30m'"
    assert rows["BABELWIRE_POLL_TICK"]["current"] == "60s"
    assert rows["BABELWIRE_FETCH_READ_TIMEOUT"]["current"] == 20.0
    assert rows["BABELWIRE_TRANSLATE_TO"]["current"] == ["en"]


def test_config_show_marks_only_changed_durations(tmp_path: Path):
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "config", "show"],
                                env={"BABELWIRE_POLL_EVERY": "2h", "COLUMNS": "200"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "every = '2h'   (default '30m')" in result.stdout
    assert "tick = '60s'\n" in result.stdout and "window = '72h'\n" in result.stdout


def test_generated_config_file_loads_and_documents_every_setting(tmp_path: Path):
    text = default_config_text()
    (tmp_path / "babelwire.toml").write_text(text)
    load_settings(tmp_path, environ={})
    for key, env, _default, doc in describe_settings():
        assert doc, f"{key} has no description"
        assert key.split("] ")[1] in text and env.startswith("BABELWIRE_")


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("BABELWIRE_FETCH_READ_TIMEOUT", "-1", "greater than 0"),
    ("BABELWIRE_FETCH_READ_TIMEOUT", "0", "greater than 0"),
    ("BABELWIRE_FETCH_MAX_BYTES", "-5", "at least 1024"),
    ("BABELWIRE_POLL_MAX_ENTRIES", "-1", "at least 1"),
    ("BABELWIRE_WEB_PORT", "-5", "between 0 and 65535"),
    ("BABELWIRE_WEB_PORT", "99999", "between 0 and 65535"),
    ("BABELWIRE_DATABASE_URL", "nonsense://x", "must be a sqlite, postgresql or postgres URL"),
    ("BABELWIRE_TRANSLATE_ENGINE", "nonsense", "must be one of auto"),
    ("BABELWIRE_TRANSLATE_TO", "zz,qq", "unknown language code"),
    ("BABELWIRE_STORIES_REPRESENTATION", "bogus", "must be one of tfidf"),
    ("BABELWIRE_POLL_EVERY", "5s", "at least 1m"),
    ("BABELWIRE_WEB_BASE_URL", "javascript:alert(1)", "http or https URL"),
])
def test_settings_are_validated_when_loaded_naming_the_variable(tmp_path, variable, value, says):
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={variable: value})
    assert info.value.reason.startswith(f"{variable}: ") and says in info.value.reason


def test_a_bad_value_in_the_file_names_the_file(tmp_path):
    (tmp_path / "babelwire.toml").write_text("[fetch]\nretries = -3\n")
    with pytest.raises(ConfigError, match=r"babelwire.toml: setting \[fetch\] retries = -3 must be between"):
        load_settings(tmp_path, environ={})


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("BABELWIRE_FETCH_READ_TIMEOUT", "-1", "setting [fetch] read_timeout = -1.0 must be greater than 0"),
    ("BABELWIRE_POLL_EVERY", "soon", "setting [poll] every = 'soon' not a duration"),
    ("BABELWIRE_POLL_TICK", "0.05", "setting [poll] tick = '0.05' must be at least 0.1s"),
    ("BABELWIRE_TRANSLATE_DEVICE", "tpu", "setting [translate] device = 'tpu' must be one of auto, cpu, cuda"),
    ("BABELWIRE_TRANSLATE_TO", "en,zz", "setting [translate] to = ['en', 'zz'] unknown language code(s) 'zz'"),
    ("BABELWIRE_FETCH_ALLOW_PRIVATE", "maybe", "setting [fetch] allow_private = 'maybe' is not valid"),
])
def test_validation_messages_name_the_setting_and_the_value_as_read(tmp_path, variable, value, says):
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={variable: value})
    assert info.value.reason.startswith(f"{variable}: {says}")


def test_environment_flags_and_lists_are_read_as_before(tmp_path: Path):
    settings = load_settings(tmp_path, environ={"BABELWIRE_FETCH_ALLOW_PRIVATE": " yes ",
                                                "BABELWIRE_FETCH_RESPECT_ROBOTS": "",
                                                "BABELWIRE_FETCH_ALLOW_HOSTS": "a.example, b.example,",
                                                "BABELWIRE_WEB_PORT": " 9000 "})
    assert settings.fetch.allow_private is True and settings.fetch.respect_robots is False
    assert settings.fetch.allow_hosts == ["a.example", "b.example"] and settings.web.port == 9000


def test_lease_timeout_must_cover_two_heartbeats(tmp_path: Path):
    (tmp_path / "babelwire.toml").write_text('[broker]\nheartbeat_interval = "20s"\n')
    with pytest.raises(ConfigError, match=r"babelwire.toml: setting \[broker\] lease_timeout = '30s' must be at "
                                          r"least twice heartbeat_interval \('20s'\)"):
        load_settings(tmp_path, environ={})
    with pytest.raises(ConfigError, match=r"^BABELWIRE_BROKER_LEASE_TIMEOUT: "):
        load_settings(tmp_path, environ={"BABELWIRE_BROKER_LEASE_TIMEOUT": "39s"})
    assert load_settings(tmp_path, environ={"BABELWIRE_BROKER_LEASE_TIMEOUT": "40s"}).broker.lease_timeout == \
        timedelta(seconds=40)


def test_a_home_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        load_settings(tmp_path / "file", environ={})
