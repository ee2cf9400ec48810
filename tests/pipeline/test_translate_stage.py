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
from babelwire.store import Store, queries
from babelwire.store.models import ErrorRecord
from babelwire.translate.engines.apertium import ApertiumEngine
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
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    revision = queries.article_record(store, article.id).revisions[0]
    (translation,) = revision.translations
    assert translation.target == "en" and translation.engine == "apertium"
    assert translation.model and translation.sentences > 0
    original, english = revision.document, translation.document
    assert [b.type for b in english.blocks] == [b.type for b in original.blocks]
    assert english.language == "en"
    assert english.title and english.title != original.title
    assert "2008" in english.text and "12" in english.text
    assert "“" in english.text and "«" not in english.text
    assert set(translation.flags) == {"title", "blocks", "evidence"}
    assert len(translation.flags["blocks"]) == len(english.blocks)
    evidence = translation.flags["evidence"]  # each flag's evidence, per block and for the title
    assert [list(e) for e in evidence["blocks"]] == translation.flags["blocks"]
    assert list(evidence["title"]) == translation.flags["title"]


@needs_apertium
def test_updated_article_retranslates_only_changed_sentences(env):
    settings, store, site = env
    site.add("otan", "Divergences persistantes", PARAGRAPHS[:3])
    add_source(store, settings, site.feed_url, "feed")
    poll(store, settings)
    site.add("otan", "Divergences persistantes", [*PARAGRAPHS[:3], "Les discussions reprendront la semaine prochaine."],
             in_feed=False)

    summary = poll(store, settings, all_sources=True)

    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    first, second = queries.article_record(store, article.id).revisions
    assert summary.translation.translated == 1
    new = second.translations[0]
    assert new.sentences - new.from_memory == 1  # only the added sentence went to the engine
    assert "next week" in new.document.text or "week" in new.document.text
    assert first.translations[0].from_memory == 0


@needs_apertium
def test_source_overrides_targets_and_can_turn_translation_off(env):
    settings, store, site = env
    site.add("otan", "Divergences persistantes")
    source = add_source(store, settings, site.feed_url, "feed", translate_to=["es"])
    poll(store, settings)
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    (translation,) = queries.article_record(store, article.id).revisions[0].translations
    assert translation.target == "es"

    edit_source(store, str(source.id), translate=False)
    site.add("ukraine", "L'Ukraine au cœur des discussions")
    poll(store, settings, all_sources=True)
    newest = queries.latest_articles(store, target=None, limit=None, by="seen")[0]
    assert queries.article_record(store, newest.id).revisions[0].translations == []


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
        errors = session.scalars(select(ErrorRecord).where(ErrorRecord.stage == "translate")).all()
    # One record for the article and one for its source (which its later articles show).
    assert sorted(e.article_id is None for e in errors) == [False, True]
    assert all("babelwire models pull fr en" in e.reason for e in errors)
    article = queries.article_record(store, queries.latest_articles(store, target=None, limit=None, by="seen")[0].id)
    assert "babelwire models pull fr en" in article.translate_error
    store.close()


def test_auto_engine_translates_with_apertium_without_a_model(home: Path, server: LoopbackServer, monkeypatch):
    if not ApertiumEngine(source="fr", target="en").supports("fr", "en"):
        pytest.skip("Apertium fr→en is not installed (apt-get install apertium-fr-es apertium-eng-spa)")
    monkeypatch.delenv("BABELWIRE_TRANSLATE_ENGINE", raising=False)
    settings = load_settings(home)
    assert settings.translate.engine == "auto"
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    add_source(store, settings, site.feed_url, "feed")

    summary = poll(store, settings)

    assert summary.translation.translated == 1
    article = queries.latest_articles(store, target=None, limit=None, by="seen")[0]
    (translation,) = queries.article_record(store, article.id).revisions[0].translations
    assert translation.engine == "apertium"
    assert translation.provenance["license"].startswith("GPL")
    store.close()


def test_auto_engine_without_any_engine_keeps_the_article_with_the_fix(home: Path, server: LoopbackServer,
                                                                       monkeypatch):
    monkeypatch.delenv("BABELWIRE_TRANSLATE_ENGINE", raising=False)
    monkeypatch.setenv("BABELWIRE_TRANSLATE_TO", "ja")  # no model, no Apertium pair, no HTTP engine
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    add_source(store, settings, site.feed_url, "feed", language="fr")

    summary = poll(store, settings)

    assert summary.new == 1 and summary.translation.failed == 1
    article = queries.article_record(store, queries.latest_articles(store, target=None, limit=None, by="seen")[0].id)
    assert article.revisions[0].translations == []
    assert "babelwire models pull fr ja" in article.translate_error
    store.close()


def test_poll_applies_the_glossary_and_keeps_names(home: Path, server: LoopbackServer, monkeypatch):
    from babelwire.store.glossary import add_term

    if not ApertiumEngine(source="fr", target="en").supports("fr", "en"):
        pytest.skip("Apertium fr→en is not installed (apt-get install apertium-fr-es apertium-eng-spa)")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("otan", "Le vice-ministre Alexandre Grouchko à Saint-Fortuné",
             ["Fortuné Dupont, maire de Saint-Fortuné, a reçu Alexandre Grouchko mercredi."])
    source = add_source(store, settings, site.feed_url, "feed", language="fr")
    add_term(store, "Grouchko", "Grushko", "fr", "en", source_id=source.id)

    poll(store, settings)

    article = queries.latest_articles(store, target=None, limit=None, by="seen")[0]
    (translation,) = queries.article_record(store, article.id).revisions[0].translations
    text = translation.document.title + " " + translation.document.blocks[0].text
    assert "Grushko" in text and "Grouchko" not in text
    assert "Saint-Fortuné" in text and "Lucky" not in text
    assert "+names@1" in translation.engine_id and "+glossary:" in translation.engine_id
    assert all("glossary" not in flags for flags in translation.flags["blocks"])
    store.close()
