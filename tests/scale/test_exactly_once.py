"""Exactly once is a property of the store, not of the broker: when a dead worker's work is given
back, the same task may run twice (a message put back while its first run still commits, a late
redelivery, a worker only cut off from Redis). Here the same queue item is ingested by eight
threads at once — on SQLite and on PostgreSQL — and a finished one again: one article, one
revision per distinct content, whatever the interleaving."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from babelwire.config import load_settings
from babelwire.fetch import Fetcher
from babelwire.loopback import LoopbackServer, Response
from babelwire.pipeline.ingest import ingest_item, list_source, pending_items, queue_refreshes
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.models import Article, ArticleURL, QueueItem, Revision
from tests.newsfixtures import PARAGRAPHS, NewsSite, article_html

RUNS = 8


def _serve(server: LoopbackServer, path: str, body: bytes) -> None:
    # Slow, so every run has fetched before any stores: they all race to write the same article.
    server.route(path, Response(body, headers={"Content-Type": "text/html; charset=utf-8"}, delay=0.3))


def _at_once(store: Store, fetcher: Fetcher, item_id: int, settings) -> list[str]:
    start = threading.Barrier(RUNS)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            statuses.append(ingest_item(store, fetcher, item_id, settings).status)
        except BaseException as exc:  # surfaced below: a duplicate run must never fail
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return statuses


def _rows(store: Store) -> tuple[int, int, int, int]:
    with store.session() as session:
        return (session.scalar(select(func.count(Article.id))), session.scalar(select(func.count(Revision.id))),
                session.scalar(select(func.max(Revision.number))), session.scalar(select(func.count(QueueItem.id))))


def test_the_same_item_ingested_by_many_workers_at_once_is_stored_once(
    home: Path, server: LoopbackServer, store: Store,
):
    settings = load_settings(home, environ={"BABELWIRE_FETCH_ALLOW_PRIVATE": "1", "BABELWIRE_FETCH_HOST_DELAY": "0",
                                            "BABELWIRE_FETCH_HOST_CONCURRENCY": str(RUNS),
                                            "BABELWIRE_FETCH_CONCURRENCY": str(RUNS)})
    site = NewsSite(server)
    url = site.add("sommet", "Sommet OTAN-Russie à Bruxelles")
    path = url.removeprefix(server.url(""))
    _serve(server, path, site.articles[path])
    source = add_source(store, settings, site.feed_url, "feed")
    fetcher = Fetcher(settings.fetch)
    try:
        assert list_source(store, fetcher, source.id, settings).ok
        [item] = pending_items(store)

        statuses = _at_once(store, fetcher, item, settings)
        assert set(statuses) <= {"new", "unchanged", "gone"} and "new" in statuses, statuses
        assert _rows(store) == (1, 1, 1, 0)
        # A late redelivery of a finished task finds nothing to do.
        assert ingest_item(store, fetcher, item, settings).status == "gone"
        assert _rows(store) == (1, 1, 1, 0)

        # An update, refreshed by many at once: one new revision, numbered 2.
        updated = article_html("Sommet OTAN-Russie à Bruxelles", ["Mise à jour : la réunion est terminée.",
                                                                   *PARAGRAPHS], url=url)
        _serve(server, path, updated)
        queue_refreshes(store, [source.id], settings)
        [refresh] = pending_items(store)
        statuses = _at_once(store, fetcher, refresh, settings)
        assert set(statuses) <= {"updated", "unchanged", "gone"} and "updated" in statuses, statuses
        assert _rows(store) == (1, 2, 2, 0)
        with store.session() as session:
            assert session.scalar(select(func.count(ArticleURL.url))) == 1
            assert session.scalar(select(func.count(func.distinct(Revision.content_hash)))) == 2
    finally:
        fetcher.close()
