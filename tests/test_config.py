"""Settings: defaults, babelwire.toml, BABELWIRE_<SECTION>_<KEY> overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from babelwire.config import (
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
    with pytest.raises(ConfigError):
        parse_duration("soon")


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
    ("BABELWIRE_DATABASE_URL", "nonsense://x", "sqlite or postgresql"),
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


def test_a_home_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        load_settings(tmp_path / "file", environ={})
