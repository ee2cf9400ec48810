"""The default engine end to end: a French article polled from a feed is translated by the real
CTranslate2 path (a tiny random Marian model: the words are nonsense, the mechanics are real),
and the CLI manages models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store, queries
from tests.newsfixtures import PARAGRAPHS, NewsSite

runner = CliRunner()


def test_poll_translates_with_an_installed_ct2_model_by_default(home: Path, server: LoopbackServer,
                                                                tiny_marian: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_MODEL", str(tiny_marian))
    settings = load_settings(home)
    assert settings.translate.engine == "auto"  # which takes an installed model before anything else
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes", PARAGRAPHS[:3])
    add_source(store, settings, site.feed_url, "feed")

    summary = poll(store, settings)

    assert summary.translation.translated == 1, summary.errors
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    revision = queries.article_record(store, article.id).revisions[0]
    (translation,) = revision.translations
    assert translation.engine == "ct2" and translation.engine_id.startswith("ct2:")
    assert translation.model and translation.target == "en"
    assert len(translation.document.blocks) == len(revision.document.blocks)
    assert len(translation.flags["blocks"]) == len(revision.document.blocks)
    store.close()


def test_models_import_then_list_and_translate(home: Path, tiny_marian_hf: Path):
    result = runner.invoke(app, ["models", "import", str(tiny_marian_hf), "--from", "fr", "--to", "en",
                                 "--name", "tiny-fr-en"])
    assert result.exit_code == 0, result.output
    models = json.loads(runner.invoke(app, ["models", "list", "--json"]).stdout)
    assert [(m["name"], m["pairs"]) for m in models] == [("tiny-fr-en", [["fr", "en"]])]
    # With a model installed for the pair, `translate` finds it without --model.
    result = runner.invoke(app, ["translate", "--from", "fr", "--to", "en", "--json"],
                           input="Le président a parlé.\n\nLes ministres ont répondu.")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"].startswith("ct2:tiny-fr-en") and len(data["blocks"]) == 2


def test_pull_without_network_says_what_to_run(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    result = runner.invoke(app, ["models", "pull", "fr", "en"])
    assert result.exit_code == 1
    assert "babelwire models pull fr en" in result.output and "models import" in result.output
