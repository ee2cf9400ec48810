"""Quality flags with their evidence, from a poll with a real engine (Apertium fr→en, which pivots
through Spanish) to ``article show`` and ``article show --json``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.loopback import LoopbackServer
from tests.newsfixtures import PARAGRAPHS, NewsSite

runner = CliRunner()
pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists()
    or not Path("/usr/share/apertium/modes/spa-eng.mode").exists(),
    reason="Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_article_show_gives_each_stored_flag_its_evidence(home: Path, server: LoopbackServer,
                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    site = NewsSite(server)
    site.add("geneve", "À Genève, Moscou et Washington se quittent sans avancée", [
        "Les négociateurs américains et russes ont achevé lundi à Genève une longue journée de discussions "
        "sur la sécurité en Europe sans percée notable.",
        PARAGRAPHS[4],
    ])
    run("source", "add", site.feed_url, "--lang", "fr")
    run("poll")
    [article] = json.loads(run("article", "list", "--json"))

    shown = json.loads(run("article", "show", str(article["id"]), "--json"))
    [translation] = shown["revisions"][0]["translations"]
    flags, document = translation["flags"], translation["document"]
    assert set(flags) == {"title", "blocks", "evidence"}
    evidence = flags["evidence"]
    assert list(evidence["title"]) == flags["title"]
    assert [list(e) for e in evidence["blocks"]] == flags["blocks"]
    assert len(evidence["blocks"]) == len(document["blocks"])
    # Apertium's Spanish "Ginebra" for Genève is named wherever it shows
    texts = [document["title"]] + [b["text"] for b in document["blocks"]]
    found = [evidence["title"]] + evidence["blocks"]
    leaky = [i for i, text in enumerate(texts) if "Ginebra" in text]
    assert leaky, texts
    for i in leaky:
        assert "Ginebra" in found[i]["untranslated_words"]

    printed = run("article", "show", str(article["id"]))
    assert "check: left untranslated:" in printed and "Ginebra" in printed.split("check: left untranslated:", 1)[1]
