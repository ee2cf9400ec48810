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
