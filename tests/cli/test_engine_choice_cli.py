"""Language codes checked where they are typed; engines that are there (or say what to install)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.languages import check_language, language_name
from babelwire.loopback import LoopbackServer
from babelwire.translate.engines.apertium import ApertiumEngine
from tests.newsfixtures import NewsSite

runner = CliRunner()


@pytest.mark.parametrize("args", [
    ["source", "add", "http://127.0.0.1:9/feed.xml", "--lang", "xx-invalid-42"],
    ["source", "add", "http://127.0.0.1:9/feed.xml", "--to", "zz,qq"],
    ["translate", "--from", "fr", "--to", "klingon"],
    ["article", "list", "--lang", "123"],
    ["story", "list", "--lang", "frr-"],
])
def test_unknown_language_codes_are_usage_errors_listing_the_known_ones(home: Path, args: list[str]):
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 2, result.output
    assert "unknown language code" in result.output
    # The list names the known codes: a user sees what to type instead.
    assert " fr," in result.output and " en," in result.output


def test_language_codes_are_normalised():
    assert check_language("pt_br") == "pt-BR"
    assert check_language("FR") == "fr"
    assert check_language("zh-hant") == "zh-Hant"
    assert language_name("fr-CA") == "French"
    with pytest.raises(ValueError, match="supported: "):
        check_language("xx")


def test_unknown_engine_is_a_usage_error(home: Path):
    result = runner.invoke(app, ["source", "add", "http://127.0.0.1:9/feed.xml", "--engine", "nonsense"])
    assert result.exit_code == 2 and "unknown translation engine" in result.output


def test_source_add_warns_at_once_when_nothing_translates_its_language(home: Path, server: LoopbackServer,
                                                                       monkeypatch):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_TO", "ja")  # no model, no Apertium pair, no HTTP engine for fr→ja
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    result = runner.invoke(app, ["source", "add", site.feed_url, "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "added source 1" in result.stdout
    assert "stored untranslated" in result.stderr and "babelwire models pull fr ja" in result.stderr


def test_source_add_is_quiet_when_an_engine_covers_the_language(home: Path, server: LoopbackServer):
    if not ApertiumEngine(source="fr", target="en").supports("fr", "en"):
        pytest.skip("Apertium fr→en is not installed (apt-get install apertium-fr-es apertium-eng-spa)")
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    result = runner.invoke(app, ["source", "add", site.feed_url, "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_init_says_which_engine_translates_and_what_comes_next(home: Path):
    result = runner.invoke(app, ["init", "--from", "fr", "--no-pull-model"])
    assert result.exit_code == 0, result.output
    assert "babelwire models pull fr en" in result.stdout
    if ApertiumEngine(source="fr", target="en").supports("fr", "en"):
        assert "translating with apertium until then" in result.stdout
    assert "babelwire source add URL" in result.stdout
