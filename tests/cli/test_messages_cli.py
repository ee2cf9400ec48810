"""What the command prints: readable at 80 columns, user text never read as Rich markup, usage
errors exit 2 and bad input ends in one line instead of a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.loopback import LoopbackServer
from tests.newsfixtures import NewsSite

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def babelwire(*args: str, home: Path, stdin: bytes = b"", columns: int = 80,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command in its own process, at a given terminal width (``env``: more variables)."""
    env = {**os.environ, "BABELWIRE_HOME": str(home), "COLUMNS": str(columns), "PYTHONPATH": str(ROOT),
           "BABELWIRE_FETCH_ALLOW_PRIVATE": "1", "BABELWIRE_FETCH_HOST_DELAY": "0", **(env or {})}
    return subprocess.run([sys.executable, "-m", "babelwire", *args], input=stdin, capture_output=True,
                          env=env, timeout=120, check=False)


def test_help_keeps_bracketed_text(home: Path):
    out = babelwire("--help", home=home).stdout.decode()
    assert "[env: BABELWIRE_HOME]" in " ".join(out.split()).replace("[env: ", "[env: ")
    serve = " ".join(babelwire("serve", "--help", home=home).stdout.decode().split())
    assert "[default: [web] host]" in serve


def test_config_show_at_80_columns_keeps_sections_and_whole_variable_names(home: Path):
    result = babelwire("config", "show", home=home)
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "[fetch]" in out and "[translate]" in out
    assert "BABELWIRE_FETCH_USER_AGENT" in out and "BABELWIRE_TRANSLATE_LIBRETRANSLATE_API_KEY" in out
    assert max(len(line) for line in out.splitlines() if "BABELWIRE_" in line and ":" in line) > 0


def test_source_names_with_brackets_print_as_written_and_whole_at_80_columns(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    name = "[bold]Le Journal[/bold] du [Soir] international de la semaine"
    added = babelwire("source", "add", site.feed_url, "--lang", "fr", "--name", name, "--no-translate", home=home)
    assert added.returncode == 0, added.stderr.decode()
    assert name in added.stdout.decode()
    listing = babelwire("source", "list", home=home).stdout.decode()
    assert name in listing  # one line, not folded letter by letter in a narrow column
    assert all(len(line) <= 80 for line in listing.splitlines() if name not in line)


def test_article_list_shows_the_translated_title_and_the_original(home: Path, server: LoopbackServer):
    from babelwire.translate.engines.apertium import ApertiumEngine

    if not ApertiumEngine(source="fr", target="en").supports("fr", "en"):
        pytest.skip("Apertium fr→en is not installed (apt-get install apertium-fr-es apertium-eng-spa)")
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    assert babelwire("source", "add", site.feed_url, "--lang", "fr", home=home).returncode == 0
    assert babelwire("poll", home=home).returncode == 0
    (article,) = json.loads(babelwire("article", "list", "--json", home=home).stdout)
    assert article["title"] == "Divergences persistantes"
    assert article["translated_title"] and article["translated_title"] != article["title"]
    listing = babelwire("article", "list", home=home, columns=100).stdout.decode()
    assert article["translated_title"].split()[0] in listing and "Divergences" in listing
    # At 80 columns, one paragraph per article: each title whole on its own line, the translation first.
    lines = [line.strip() for line in babelwire("article", "list", home=home).stdout.decode().splitlines()]
    assert lines.index(article["translated_title"]) + 1 == lines.index("Divergences persistantes")


@pytest.mark.parametrize("every", ["banana", "-5m", "0s", "soon", "30s"])
def test_bad_poll_intervals_are_usage_errors(home: Path, every: str):
    result = runner.invoke(app, ["source", "add", "http://127.0.0.1:9/feed.xml", "--every", every])
    assert result.exit_code == 2, result.output


def test_binary_input_to_translate_is_one_line_not_a_traceback(home: Path):
    result = babelwire("translate", "--from", "fr", "--to", "en", home=home, stdin=bytes(range(256)) * 4)
    err = result.stderr.decode()
    assert result.returncode == 2 and "not UTF-8 text" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["article", "show"], ["story", "show"]])
def test_ids_beyond_the_database_range_are_not_found(home: Path, command: list[str]):
    result = babelwire(*command, "99999999999999999999999", home=home)
    err = result.stderr.decode()
    assert result.returncode == 2 and "no " in err and "Traceback" not in err


def test_init_ends_with_the_next_commands(home: Path):
    result = runner.invoke(app, ["init", "--no-pull-model"])
    assert result.exit_code == 0 and "babelwire source add URL" in result.stdout
