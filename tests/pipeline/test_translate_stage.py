"""Polling translates new revisions: Apertium (Debian) as the real engine here, memory reuse,
per-source overrides, and failures recorded without stopping the poll."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source, edit_source
from babelwire.store import Store
from babelwire.store.articles import get_article, list_articles
from babelwire.store.models import ErrorRecord
from tests.newsfixtures import PARAGRAPHS, NewsSite

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists(),
    reason="Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


@pytest.fixture
def env(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, database_url: str):
    """Settings, a store on SQLite or PostgreSQL (the test runs on both), and a news site."""
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    settings = load_settings(home)
    assert settings.database_url == database_url
    store = Store(settings.database_url)
    yield settings, store, NewsSite(server)
    store.close()


@needs_apertium
def test_poll_translates_new_articles_keeping_structure(env):
    settings, store, site = env
    site.add("otan", "Divergences persistantes entre l'OTAN et la Russie")
    add_source(store, settings, site.feed_url, "feed")

    summary = poll(store, settings)

    assert summary.translation.translated == 1 and summary.translation.failed == 0
    (article,) = list_articles(store)
    revision = get_article(store, article["id"])["revisions"][0]
    (translation,) = revision["translations"]
    assert translation["target"] == "en" and translation["engine"] == "apertium"
    assert translation["model"] and translation["sentences"] > 0
    original, english = revision["document"], translation["document"]
    assert [b["type"] for b in english["blocks"]] == [b["type"] for b in original["blocks"]]
    assert english["language"] == "en"
    assert english["title"] and english["title"] != original["title"]
    assert "2008" in english["text"] and "12" in english["text"]
    assert "“" in english["text"] and "«" not in english["text"]
    assert set(translation["flags"]) == {"title", "blocks"}
    assert len(translation["flags"]["blocks"]) == len(english["blocks"])


@needs_apertium
def test_updated_article_retranslates_only_changed_sentences(env):
    settings, store, site = env
    site.add("otan", "Divergences persistantes", PARAGRAPHS[:3])
    add_source(store, settings, site.feed_url, "feed")
    poll(store, settings)
    site.add("otan", "Divergences persistantes", [*PARAGRAPHS[:3], "Les discussions reprendront la semaine prochaine."],
             in_feed=False)

    summary = poll(store, settings, all_sources=True)

    (article,) = list_articles(store)
    first, second = get_article(store, article["id"])["revisions"]
    assert summary.translation.translated == 1
    new = second["translations"][0]
    assert new["sentences"] - new["from_memory"] == 1  # only the added sentence went to the engine
    assert "next week" in new["document"]["text"] or "week" in new["document"]["text"]
    assert first["translations"][0]["from_memory"] == 0


@needs_apertium
def test_source_overrides_targets_and_can_turn_translation_off(env):
    settings, store, site = env
    site.add("otan", "Divergences persistantes")
    source = add_source(store, settings, site.feed_url, "feed", translate_to=["es"])
    poll(store, settings)
    (article,) = list_articles(store)
    (translation,) = get_article(store, article["id"])["revisions"][0]["translations"]
    assert translation["target"] == "es"

    edit_source(store, str(source.id), translate=False)
    site.add("ukraine", "L'Ukraine au cœur des discussions")
    poll(store, settings, all_sources=True)
    newest = list_articles(store)[0]
    assert get_article(store, newest["id"])["revisions"][0]["translations"] == []


def test_missing_model_is_recorded_and_poll_goes_on(home: Path, server: LoopbackServer, monkeypatch):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "ct2")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    add_source(store, settings, site.feed_url, "feed")

    summary = poll(store, settings)

    assert summary.new == 1 and summary.translation.failed == 1
    with store.session() as session:
        (error,) = session.scalars(select(ErrorRecord).where(ErrorRecord.stage == "translate")).all()
    assert "babelwire models pull fr en" in error.reason
    store.close()
