"""Hostile feeds, sitemaps and pages through the whole poll, on SQLite AND PostgreSQL (PostgreSQL
refuses a value longer than its varchar column, SQLite stores it: only both together show the
bounds hold). Every refusal is recorded with its reason; nothing stops the poll or other sources.
Real HTTP on loopback."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from babelwire.config import load_settings
from babelwire.fetch import Fetcher
from babelwire.loopback import LoopbackServer, Response, trickle
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import InvalidSourceError, add_source, edit_source, probe_url, source_health
from babelwire.store import Store, queries
from babelwire.store.limits import MAX_SOURCE_NAME, MAX_URL
from babelwire.store.models import Article, ArticleURL, ErrorRecord, QueueItem, Source
from tests.conftest import FIXTURES
from tests.newsfixtures import PARAGRAPHS, NewsSite, article_html, rss

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}
XML = {"Content-Type": "application/xml"}


@pytest.fixture
def env(home: Path, server: LoopbackServer, database_url: str, monkeypatch: pytest.MonkeyPatch):
    """Settings and a store on SQLite, then on PostgreSQL (skipped with a reason when absent, failed
    when BABELWIRE_REQUIRE_SERVICES=1: see tests/conftest.py)."""
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    monkeypatch.setenv("BABELWIRE_STORIES_ENABLED", "0")
    monkeypatch.setenv("BABELWIRE_FETCH_RETRIES", "1")
    settings = load_settings(home)
    assert settings.database_url == database_url
    store = Store(settings.database_url)
    yield settings, store
    store.close()


def _errors(store: Store) -> list[ErrorRecord]:
    with store.session() as session:
        rows = session.scalars(select(ErrorRecord).order_by(ErrorRecord.id)).all()
        session.expunge_all()
        return list(rows)


def _long_link(server: LoopbackServer, length: int = 3000) -> str:
    base = server.url("/articles/")
    return base + "x" * (length - len(base))


def test_a_link_longer_than_the_url_column_is_skipped_and_recorded(env, server: LoopbackServer) -> None:
    settings, store = env
    site = NewsSite(server)
    site.add("un", "Premier article sur la réunion")
    site.add("deux", "Deuxième article sur la réunion")
    site.feed_items.insert(1, (_long_link(server), "Un lien de 3000 caractères"))
    other = NewsSite(server, prefix="/autre")
    other.add("trois", "Un article d'une autre source")
    add_source(store, settings, site.feed_url, "feed", name="hostile")
    add_source(store, settings, other.feed_url, "feed", name="autre")

    summary = poll(store, settings)  # returns normally: no DataError on PostgreSQL

    assert summary.sources_failed == 0
    assert {a.title for a in queries.latest_articles(store, target=None, limit=None, by="seen")} == {
        "Premier article sur la réunion", "Deuxième article sur la réunion", "Un article d'une autre source"}
    (error,) = [e for e in _errors(store) if "longer than" in e.reason]
    assert error.reason == f"1 entry skipped: its link is longer than {MAX_URL} characters"
    assert error.stage == "listing"
    assert error.url is not None and len(error.url) <= MAX_URL and error.url.startswith(server.url("/articles/x"))
    health = {h.name: h for h in source_health(store)}
    assert health["hostile"].consecutive_failures == 0 and health["hostile"].last_error is None
    with store.session() as session:
        assert all(len(url) <= MAX_URL for url in session.scalars(select(QueueItem.url)))

    site.add("trois", "Troisième article sur la réunion")  # the feed changes: listed again in full
    again = poll(store, settings, all_sources=True)
    assert (again.sources_failed, again.new) == (0, 1)
    assert len([e for e in _errors(store) if "longer than" in e.reason]) == 2


def test_a_link_just_over_the_limit_after_normalisation_is_skipped(env, server: LoopbackServer) -> None:
    # "http://host?q" is 2048 characters; normalised to "http://host/?q" it is 2049.
    settings, store = env
    host = server.base_url
    link = host + "?q=" + "x" * (MAX_URL - len(host) - 3)
    assert len(link) == MAX_URL
    feed = server.route("/feed.xml", Response(rss([(link, "juste trop long")]), headers=RSS))
    add_source(store, settings, feed, "feed")

    summary = poll(store, settings)

    assert summary.sources_failed == 0
    assert any("longer than" in e.reason for e in _errors(store))


def test_javascript_and_data_links_are_counted_with_a_reason(env, server: LoopbackServer) -> None:
    settings, store = env
    site = NewsSite(server)
    site.add("vrai", "Le seul vrai article du flux")
    site.feed_items += [("javascript:alert(1)", "piège"), ("data:text/html,<p>x</p>", "données"),
                        ("mailto:redaction@example.org", "courriel")]
    add_source(store, settings, site.feed_url, "feed", name="pièges")

    poll(store, settings)

    titles = [a.title for a in queries.latest_articles(store, target=None, limit=None, by="seen")]
    assert titles == ["Le seul vrai article du flux"]
    (error,) = [e for e in _errors(store) if "skipped" in e.reason]
    assert error.reason == "3 entries skipped: links are not http(s) URLs"
    assert error.url == "javascript:alert(1)"


def test_a_feed_title_of_400_characters_makes_a_source(env, server: LoopbackServer) -> None:
    settings, store = env
    title = " ".join(["Informations"] * 40)[:400]
    assert len(title) == 400
    feed = server.route("/feed.xml", Response(rss([(server.url("/a.html"), "a")], title=title), headers=RSS))
    with Fetcher(settings.fetch) as fetcher:
        probe = probe_url(fetcher, feed, settings)
    assert probe.title == title

    source = add_source(store, settings, probe.url, probe.kind, name=probe.title)  # what `source add` does

    assert len(source.name) <= MAX_SOURCE_NAME and source.name.endswith("Informations…")
    edited = edit_source(store, str(source.id), name="Nouveau nom " * 40)
    assert edited is not None and len(edited.name) <= MAX_SOURCE_NAME and edited.name.endswith("nom…")
    with store.session() as session:
        assert session.scalar(select(Source.name)).endswith("nom…")


def test_source_fields_that_cannot_be_stored_are_refused_clearly(env, server: LoopbackServer) -> None:
    settings, store = env
    with pytest.raises(InvalidSourceError, match="language code longer than 16 characters"):
        add_source(store, settings, server.url("/feed.xml"), "feed", language="fr-" + "x" * 20)
    with pytest.raises(InvalidSourceError, match=f"URL longer than {MAX_URL} characters"):
        add_source(store, settings, _long_link(server), "feed")
    with store.session() as session:
        assert session.scalar(select(Source.id)) is None
    source = add_source(store, settings, server.url("/feed.xml"), "feed", language="fr")
    with pytest.raises(InvalidSourceError):
        edit_source(store, str(source.id), language="x" * 17)


def test_page_claims_too_long_for_their_columns(env, server: LoopbackServer) -> None:
    # A canonical URL of 3000 characters, a 5000-character title, a 2000-character author and
    # an ETag of 1000 characters: the article is stored all the same, bounded.
    settings, store = env
    canonical = _long_link(server)
    title = "Titre " * 1000
    page = article_html(title, PARAGRAPHS, url=canonical).replace(
        b'content="Pierre Benazet"', b'content="' + b"Auteur " * 300 + b'"')
    url = server.route("/page.html", Response(page, headers={**HTML, "ETag": '"' + "e" * 1000 + '"'}))
    add_source(store, settings, url, "page", language="fr")

    summary = poll(store, settings)

    assert (summary.new, summary.failed) == (1, 0)
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    assert len(article.title) <= 1000 and article.title.endswith("Titre…")
    detail = queries.article_record(store, article.id)
    document = detail.revisions[0].document
    assert document.author is None or len(document.author) <= 300
    with store.session() as session:
        row = session.scalar(select(Article))
        assert row.url == url and row.etag is None
        assert all(len(u) <= MAX_URL for u in session.scalars(select(ArticleURL.url)))


def test_hostile_sitemaps_say_why_they_give_nothing(env, server: LoopbackServer) -> None:
    settings, store = env
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    laughs = server.route("/laughs.xml", Response(
        f'<?xml version="1.0"?><!DOCTYPE urlset [{entities}]><urlset><url><loc>&a9;</loc></url>'
        f'<url><loc>{server.url("/x/&a9;")}</loc></url></urlset>'.encode(), headers=XML))
    itself = server.url("/index.xml")
    server.route("/index.xml", Response(
        f'<?xml version="1.0"?><sitemapindex><sitemap><loc>{itself}</loc></sitemap></sitemapindex>'.encode(),
        headers=XML))
    loop_a, loop_b = server.url("/a.xml"), server.url("/b.xml")
    server.route("/a.xml", Response(
        f"<sitemapindex><sitemap><loc>{loop_b}</loc></sitemap></sitemapindex>".encode(), headers=XML))
    server.route("/b.xml", Response(
        f"<sitemapindex><sitemap><loc>{loop_a}</loc></sitemap></sitemapindex>".encode(), headers=XML))
    for url, name in ((laughs, "laughs"), (itself, "itself"), (loop_a, "loop")):
        add_source(store, settings, url, "sitemap", name=name)

    summary = poll(store, settings)

    assert summary.sources_failed == 3 and summary.queued == 0
    health = {h.name: h for h in source_health(store)}
    assert "entity expansion attack" in health["laughs"].last_error
    assert "lists only itself or sitemaps already read" in health["itself"].last_error
    assert "lists only itself or sitemaps already read" in health["loop"].last_error
    assert len(server.requests_to("/index.xml")) == 1  # read once, not followed into itself
    assert {e.source_id for e in _errors(store) if e.stage == "listing"} == {1, 2, 3}


def test_an_index_with_a_broken_child_keeps_the_other_children(env, server: LoopbackServer) -> None:
    settings, store = env
    site = NewsSite(server)
    good = site.add("bon", "Un article listé par le bon sitemap", in_feed=False)
    server.route("/good.xml", Response(f"<urlset><url><loc>{good}</loc></url></urlset>".encode(), headers=XML))
    server.route("/broken.xml", Response(b"oops", 500, {"Content-Type": "text/plain"}))
    index = server.route("/index.xml", Response(
        f"<sitemapindex><sitemap><loc>{server.url('/broken.xml')}</loc></sitemap>"
        f"<sitemap><loc>{server.url('/good.xml')}</loc></sitemap></sitemapindex>".encode(), headers=XML))
    add_source(store, settings, index, "sitemap", name="index")

    summary = poll(store, settings)

    assert summary.sources_failed == 0 and summary.new == 1
    (error,) = [e for e in _errors(store) if e.stage == "listing"]
    assert error.reason.startswith("child sitemap skipped: HTTP 500") and error.url == server.url("/broken.xml")


def test_a_french_page_with_three_invalid_bytes_stays_utf8_and_french(env, server: LoopbackServer) -> None:
    settings, store = env
    page = (FIXTURES / "extract" / "fr_news.html").read_bytes()
    start = page.index("Les délégués".encode())
    broken = page[:start] + b"\x93" + page[start:start + 300] + b"\xe9 " + page[start + 300:start + 600] + b"\xff" \
        + page[start + 600:]
    url = server.route("/bonn.html", Response(broken, headers=HTML))
    add_source(store, settings, url, "page", language="fr")

    summary = poll(store, settings)

    assert summary.new == 1
    (article,) = queries.latest_articles(store, target=None, limit=None, by="seen")
    assert article.article_language == "fr"
    assert article.title == "Les négociations sur le climat reprennent à Bonn"
    text = queries.article_record(store, article.id).revisions[0].document.text
    assert "délégués de près de deux cents pays" in text and text.count("\ufffd") == 3


def _slow_pages(server: LoopbackServer) -> list[str]:
    body = article_html("Une page qui n'en finit pas", PARAGRAPHS)

    def stall() -> Iterator[bytes]:
        yield body[:200]
        time.sleep(60)
        yield body[200:]

    routes = {
        "/trickle-1.html": Response(headers=HTML, chunks=trickle(body, 0.05)),
        "/trickle-2.html": Response(headers=HTML, chunks=trickle(body, 0.2, size=50)),
        "/endless.html": Response(headers=HTML, chunks=trickle(b"<p>encore</p>", 0.01, size=13, forever=True)),
        "/stall.html": Response(headers=HTML, chunks=stall),
        "/slow-start.html": Response(body, headers=HTML, delay=30),
        "/lying-length.html": Response(headers={**HTML, "Content-Length": "100000"},
                                       chunks=trickle(body, 0.1, size=100)),
    }
    return [server.route(path, response) for path, response in routes.items()]


def test_a_poll_over_hostile_links_finishes_within_its_bound(env, server: LoopbackServer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BABELWIRE_FETCH_TOTAL_TIMEOUT", "1")
    monkeypatch.setenv("BABELWIRE_FETCH_READ_TIMEOUT", "10")
    settings, store = env
    settings = load_settings(settings.home)
    links = _slow_pages(server)
    site = NewsSite(server)
    site.add("normal", "Un article normal parmi les pièges")
    site.feed_items += [(link, "piège") for link in links]
    add_source(store, settings, site.feed_url, "feed", name="pièges lents")

    started = time.monotonic()
    summary = poll(store, settings)
    elapsed = time.monotonic() - started

    # (entries ÷ concurrency) × deadline: every URL here is on one host, so host_concurrency binds.
    parallel = min(settings.poll.workers, settings.fetch.host_concurrency, settings.fetch.concurrency)
    bound = math.ceil((len(links) + 1) / parallel) * settings.fetch.total_timeout + 1  # + the feed
    assert elapsed < bound + 10, (elapsed, bound)  # slack for robots.txt, extraction and the store
    assert (summary.new, summary.failed) == (1, len(links))
    reasons = {e.url: e.reason for e in _errors(store)}
    for link in links:
        assert reasons[link] == "took longer than 1 s", (link, reasons[link])


def test_nested_sitemap_indexes_are_followed_within_the_budget(env, server: LoopbackServer) -> None:
    settings, store = env
    site = NewsSite(server)
    article = site.add("niche", "Un article au fond de deux index", in_feed=False)
    server.route("/leaf.xml", Response(f"<urlset><url><loc>{article}</loc></url></urlset>".encode(), headers=XML))
    server.route("/inner.xml", Response(
        f"<sitemapindex><sitemap><loc>{server.url('/leaf.xml')}</loc></sitemap></sitemapindex>".encode(),
        headers=XML))
    outer = server.route("/outer.xml", Response(
        f"<sitemapindex><sitemap><loc>{server.url('/inner.xml')}</loc></sitemap></sitemapindex>".encode(),
        headers=XML))
    # A chain of ten indexes: the budget of child sitemaps ends before any URL.
    for depth in range(10):
        server.route(f"/chain{depth}.xml", Response(
            f"<sitemapindex><sitemap><loc>{server.url(f'/chain{depth + 1}.xml')}</loc></sitemap>"
            "</sitemapindex>".encode(), headers=XML))
    server.route("/chain10.xml", Response(f"<urlset><url><loc>{article}</loc></url></urlset>".encode(), headers=XML))
    add_source(store, settings, outer, "sitemap", name="nested")
    add_source(store, settings, server.url("/chain0.xml"), "sitemap", name="chain")

    summary = poll(store, settings)

    assert summary.new == 1
    health = {h.name: h for h in source_health(store)}
    assert health["nested"].last_error is None
    assert "no URLs in the 5 child sitemaps read" in health["chain"].last_error
    assert len(server.requests_to("/chain6.xml")) == 0


def test_queueing_counts_what_it_inserted_on_both_databases(store):
    """`_enqueue` reports how many URLs it queued (psycopg's executemany rowcount is -1)."""
    from babelwire.store.models import Source
    from babelwire.store.queue import enqueue as _enqueue

    with store.transaction() as session:
        source = Source(url="https://example.org/feed.xml", kind="feed", name="example", interval=900,
                        consecutive_failures=0)
        session.add(source)
        session.flush()
        rows = [{"url": f"https://example.org/{i}", "source_id": source.id} for i in range(3)]
        assert _enqueue(session, rows) == 3
        assert _enqueue(session, [*rows, {"url": "https://example.org/new", "source_id": source.id}]) == 1
