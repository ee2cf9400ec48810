"""Polling end to end: real HTTP on loopback, real SQLite, real extraction."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer, Response
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source, source_health
from babelwire.store import Store, queries
from babelwire.store.models import Article, ErrorRecord, QueueItem, Revision
from tests.newsfixtures import PARAGRAPHS, NewsSite, article_html


@pytest.fixture
def env(home: Path, server: LoopbackServer, database_url: str):
    """Settings, a store on SQLite or PostgreSQL (the test runs on both), and a news site."""
    settings = load_settings(home)
    assert settings.database_url == database_url
    store = Store(settings.database_url)
    yield settings, store, NewsSite(server)
    store.close()


def _count(store: Store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_poll_stores_each_article_once_with_a_revision(env):
    settings, store, site = env
    site.add("otan-russie", "Divergences persistantes entre l'OTAN et la Russie")
    site.add("ukraine", "L'Ukraine au cœur des discussions", PARAGRAPHS[2:] + PARAGRAPHS[:2])
    add_source(store, settings, site.feed_url, "feed", name="Le Journal")

    summary = poll(store, settings)

    assert (summary.sources, summary.new, summary.failed) == (1, 2, 0)
    articles = queries.latest_articles(store, target=None, limit=None, by="seen")
    assert {a.title for a in articles} == {
        "Divergences persistantes entre l'OTAN et la Russie", "L'Ukraine au cœur des discussions"}
    assert all(a.revisions == 1 and a.article_language == "fr" and a.source == "Le Journal" for a in articles)
    detail = queries.article_record(store, articles[0].id)
    document = detail.revisions[0].document
    assert document.blocks[0].type == "paragraph"
    assert "Aller au contenu" not in document.text and "Tous droits réservés" not in document.text
    assert document.blocks[0].text != document.title
    with store.session() as session:  # listed by the publication time the page gives
        listed = session.scalars(select(Article.listed_at)).all()
    assert listed == [datetime(2022, 1, 12, 17, 30, tzinfo=UTC)] * 2


def test_second_poll_uses_conditional_requests_and_changes_nothing(env):
    settings, store, site = env
    url = site.add("otan-russie", "Divergences persistantes entre l'OTAN et la Russie")
    add_source(store, settings, site.feed_url, "feed")
    poll(store, settings)

    summary = poll(store, settings, all_sources=True)

    assert summary.sources_not_modified == 1
    assert summary.not_modified == 1 and summary.new == 0 and summary.updated == 0
    path = url.split(site.server.base_url)[1]
    last = site.server.requests_to(path)[-1]
    assert last.headers.get("If-None-Match")
    assert site.server.requests_to(f"{site.prefix}/feed.xml")[-1].headers.get("If-None-Match")
    assert _count(store, Revision) == 1


def test_changed_article_gets_a_new_revision_and_keeps_the_old(env):
    settings, store, site = env
    site.add("otan-russie", "Divergences persistantes", [*PARAGRAPHS[:2], "Détails à suivre…"])
    add_source(store, settings, site.feed_url, "feed")
    poll(store, settings)
    site.add("otan-russie", "Divergences persistantes", PARAGRAPHS, in_feed=False)

    summary = poll(store, settings, all_sources=True)

    assert summary.updated == 1
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    detail = queries.article_record(store, article.id)
    assert [r.number for r in detail.revisions] == [1, 2]
    assert "Détails à suivre" in detail.revisions[0].document.text
    assert "Détails à suivre" not in detail.revisions[1].document.text
    assert detail.revisions[0].content_hash != detail.revisions[1].content_hash


def test_articles_older_than_the_refresh_window_are_not_refetched(env, monkeypatch):
    settings, store, site = env
    url = site.add("otan-russie", "Divergences persistantes")
    add_source(store, settings, site.feed_url, "feed")
    poll(store, settings)
    path = url.split(site.server.base_url)[1]
    before = len(site.server.requests_to(path))
    settings.poll.refresh_window = "0s"

    poll(store, settings, all_sources=True)

    assert len(site.server.requests_to(path)) == before


def test_same_article_through_two_feeds_and_urls_is_stored_once(env, server):
    settings, store, site = env
    url = site.add("otan-russie", "Divergences persistantes entre l'OTAN et la Russie")
    other = NewsSite(server, prefix="/other")
    other.feed_items = [(url + "?utm_source=rss", "Divergences"), (url, "Divergences")]
    add_source(store, settings, site.feed_url, "feed", name="one")
    add_source(store, settings, other.feed_url, "feed", name="two")

    poll(store, settings)

    assert _count(store, Article) == 1
    assert _count(store, Revision) == 1
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    assert url + "?utm_source=rss" in queries.article_record(store, article.id).urls


def test_failures_are_recorded_and_do_not_stop_other_sources(env, server):
    settings, store, site = env
    site.add("bon", "Un article qui fonctionne")
    site.feed_items.insert(0, (server.url("/site/disparu.html"), "Disparu"))
    broken = server.route("/broken/feed.xml", Response(b"oops", 500, {"Content-Type": "text/plain"}))
    add_source(store, settings, site.feed_url, "feed", name="good")
    add_source(store, settings, broken, "feed", name="broken")

    summary = poll(store, settings)

    assert summary.new == 1 and summary.failed == 1 and summary.sources_failed == 1
    health = {h.name: h for h in source_health(store)}
    assert health["broken"].consecutive_failures == 1
    assert "500" in health["broken"].last_error
    assert health["good"].consecutive_failures == 0 and health["good"].article_errors == 1
    with store.session() as session:
        reasons = session.scalars(select(ErrorRecord.reason)).all()
        item = session.scalar(select(QueueItem))
    assert any("404" in r for r in reasons)
    assert item.gave_up_at is not None  # a 404 is not retried on every poll


def test_page_source_is_watched_for_updates(env, server):
    settings, store, _site = env
    url = server.route("/page.html", Response(article_html("Une page suivie", PARAGRAPHS)))
    add_source(store, settings, url, "page")
    poll(store, settings)
    server.route("/page.html", Response(article_html("Une page suivie", [*PARAGRAPHS, "Mise à jour : fin."])))

    poll(store, settings, all_sources=True)

    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    assert article.revisions == 2
