"""Bad input through the whole poll: every failure is recorded with its reason, nothing stops the
others, and the good articles are stored. Real HTTP on loopback, real SQLite."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer, Response
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source, source_health
from babelwire.store import Store, queries
from babelwire.store.models import ErrorRecord
from tests.newsfixtures import PARAGRAPHS, article_html, rss

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def env(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BABELWIRE_FETCH_RETRIES", "1")
    monkeypatch.setenv("BABELWIRE_FETCH_READ_TIMEOUT", "1")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    settings = load_settings(home)
    store = Store(settings.database_url)
    yield settings, store
    store.close()


def _reasons(store: Store) -> dict[str, str]:
    with store.session() as session:
        return {r.url: r.reason for r in session.scalars(select(ErrorRecord)) if r.url}


def test_a_feed_of_broken_articles(env, server: LoopbackServer):
    settings, store = env
    latin1 = article_html("Un été à Bruxelles", PARAGRAPHS).decode().replace('<meta charset="utf-8">', "")
    pages = {
        "/good.html": Response(article_html("Un article correct", PARAGRAPHS), headers=HTML),
        # Declared UTF-8, really windows-1252: must still be read correctly.
        "/latin1.html": Response(latin1.encode("cp1252"), headers=HTML),
        "/gzip.html": Response(gzip.compress(article_html("Article compressé", PARAGRAPHS[1:])),
                               headers={**HTML, "Content-Encoding": "gzip"}),
        "/empty.html": Response(b"", headers=HTML),
        "/binary.html": Response(b"PK\x03\x04\x14\x00\x00\x00" + os.urandom(4096), headers=HTML),
        "/huge.html": Response(b"<html><body>" + b"<p>bla</p>" * (2 * 1024 * 1024) + b"</body></html>",
                               headers=HTML),
        "/error.html": Response(b"boom", 500, {"Content-Type": "text/plain"}),
        "/slow.html": Response(article_html("Trop lent", PARAGRAPHS), headers=HTML, delay=3),
        "/loop.html": Response(b"", 302, {"Location": "/loop.html"}),
        "/image.html": Response(b"\x89PNG\r\n\x1a\n" + b"x" * 100, headers={"Content-Type": "image/png"}),
    }
    for path, response in pages.items():
        server.route(path, response)
    items = [(server.url(p), p) for p in pages] + [(server.url("/good.html"), "doublon")]
    feed = server.route("/feed.xml", Response(rss(items), headers={"Content-Type": "application/rss+xml"}))
    add_source(store, settings, feed, "feed", name="cassé")

    summary = poll(store, settings)

    stored = {a.title for a in queries.latest_articles(store, target=None, limit=None, by="seen")}
    assert stored == {"Un article correct", "Un été à Bruxelles", "Article compressé"}
    assert summary.failed == len(pages) - 3
    reasons = _reasons(store)
    expected = {
        "/empty.html": "empty", "/binary.html": "binary", "/huge.html": "larger than",
        "/error.html": "500", "/slow.html": "timed out", "/loop.html": "redirect",
        "/image.html": "image/png",
    }
    for path, word in expected.items():
        assert word in reasons[server.url(path)].lower(), (path, reasons[server.url(path)])
    latin = next(a for a in queries.latest_articles(store, target=None, limit=None, by="seen")
                 if a.title == "Un été à Bruxelles")
    assert "été" in queries.article_record(store, latin.id).revisions[0].document.title
    (health,) = source_health(store)
    assert health.consecutive_failures == 0 and health.article_errors == len(expected)


def test_broken_sources_are_recorded_and_others_still_polled(env, server: LoopbackServer):
    settings, store = env
    good = server.route("/good.html", Response(article_html("Un article correct", PARAGRAPHS), headers=HTML))
    feeds = {
        "malformed": Response(b"<rss><channel><item><title>x</title>", headers={"Content-Type": "application/rss+xml"}),
        "garbage": Response(b"\x00\x01\x02 not a feed", headers={"Content-Type": "application/rss+xml"}),
        "missing": Response(b"gone", 404, {"Content-Type": "text/plain"}),
        "duplicates": Response(
            rss([(good, "Un"), (good, "Deux")]).replace(b"<guid>" + good.encode(), b"<guid>same-guid"),
            headers={"Content-Type": "application/rss+xml"}),
    }
    for name, response in feeds.items():
        add_source(store, settings, server.route(f"/{name}.xml", response), "feed", name=name)

    summary = poll(store, settings)

    assert summary.new == 1 and summary.sources_failed == 3
    health = {h.name: h for h in source_health(store)}
    assert health["duplicates"].consecutive_failures == 0 and health["duplicates"].articles == 1
    assert "404" in health["missing"].last_error
    for name in ("malformed", "garbage"):
        assert health[name].consecutive_failures == 1 and health[name].last_error

    poll(store, settings, all_sources=True)
    assert {h.name: h.consecutive_failures for h in source_health(store)}["missing"] == 2


def test_redirect_to_loopback_is_refused_with_the_guard_on(home: Path, server: LoopbackServer, monkeypatch):
    monkeypatch.setenv("BABELWIRE_FETCH_ALLOW_PRIVATE", "0")
    monkeypatch.setenv("BABELWIRE_FETCH_ALLOW_HOSTS", "localhost")
    settings = load_settings(home)
    store = Store(settings.database_url)
    port = server.base_url.rsplit(":", 1)[1]
    server.route("/secret.html", Response(article_html("Secret", PARAGRAPHS), headers=HTML))
    server.route("/redirect.html", Response(b"", 302, {"Location": f"http://127.0.0.1:{port}/secret.html"}))
    feed = server.route("/feed.xml", Response(rss([(f"http://localhost:{port}/redirect.html", "x")]),
                                              headers={"Content-Type": "application/rss+xml"}))
    add_source(store, settings, feed.replace("127.0.0.1", "localhost"), "feed")

    summary = poll(store, settings)

    assert summary.failed == 1 and queries.latest_articles(store, target=None, limit=None, by="seen") == []
    assert server.requests_to("/secret.html") == []
    assert "127.0.0.1" in next(iter(_reasons(store).values()))
    store.close()
