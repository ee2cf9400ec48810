"""Celery runner on PostgreSQL + Redis: a worker SIGKILLed mid-task loses and duplicates nothing."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.celery_app import configure, enqueue_poll
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.models import Article, QueueItem, Revision
from tests.newsfixtures import NewsSite, slow_news_site
from tests.scale.conftest import Workers

ARTICLES = 100


def _counts(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return (session.scalar(select(func.count(Article.id))), session.scalar(select(func.count(Revision.id))),
                session.scalar(select(func.count(QueueItem.id))))


def _contents(store: Store) -> dict[str, tuple[str, str]]:
    with store.session() as session:
        return {url: (title, content_hash) for url, title, content_hash
                in session.execute(select(Article.url, Article.title, Article.content_hash))}


def _site(server: LoopbackServer) -> NewsSite:
    return slow_news_site(server, ARTICLES, delay=0.2)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_worker_killed_mid_task_loses_and_duplicates_nothing(
    home: Path, server: LoopbackServer, pg_url: str, broker_url: str, workers: Workers,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
):
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", pg_url)
    # Short, so the killed worker's messages come back within seconds (production: 1h).
    monkeypatch.setenv("BABELWIRE_BROKER_VISIBILITY_TIMEOUT", "6s")
    monkeypatch.setenv("BABELWIRE_FETCH_HOST_CONCURRENCY", "8")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    site = _site(server)
    settings = load_settings(home)
    configure(settings)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed")
    victim = workers.start(concurrency=4)
    workers.start(concurrency=4)
    workers.wait_ready(2)

    assert enqueue_poll(settings, store)["listings"] == 1
    deadline = time.monotonic() + 60
    while _counts(store)[1] < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    at_kill = _counts(store)
    unacked = redis.Redis.from_url(broker_url).hlen("unacked")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert 0 < at_kill[1] < ARTICLES and unacked > 0, "the kill must land mid-run, with messages in flight"
    # As in production, the scheduler runs: messages the dead worker held come back from Redis after
    # the visibility timeout, and one whose delivery the kill interrupted (taken off the queue, not
    # yet recorded as unacknowledged) is re-sent from the store's pending work once its lease expires.
    workers.start_scheduler()

    deadline = time.monotonic() + 90
    while _counts(store) != (ARTICLES, ARTICLES, 0) and time.monotonic() < deadline:
        time.sleep(0.25)
    client = redis.Redis.from_url(broker_url)
    broker = {"fetch": client.llen("fetch"), "unacked": client.hlen("unacked"), "keys": client.keys("*")[:20]}
    assert _counts(store) == (ARTICLES, ARTICLES, 0), f"broker {broker}, worker logs in {tmp_path}"
    with store.session() as session:
        assert session.scalar(select(func.count(func.distinct(Revision.article_id)))) == ARTICLES
        assert session.scalar(select(func.max(Revision.number))) == 1
    # A scheduler tick afterwards finds nothing left to send.
    workers.stop()
    assert enqueue_poll(settings, store) == {"listings": 0, "ingests": 0, "translations": 0, "groupings": 0,
                                            "notifications": 0}

    # The same site through the local runner (SQLite) gives the same articles, titles and hashes.
    local_settings = load_settings(home, environ={
        "BABELWIRE_FETCH_ALLOW_PRIVATE": "1", "BABELWIRE_FETCH_HOST_DELAY": "0",
        "BABELWIRE_FETCH_HOST_CONCURRENCY": "8", "BABELWIRE_POLL_WORKERS": "8",
        "BABELWIRE_TRANSLATE_ENABLED": "0", "BABELWIRE_DATABASE_URL": f"sqlite:///{tmp_path / 'local.db'}",
    })
    local = Store(local_settings.database_url)
    add_source(local, local_settings, site.feed_url, "feed")
    poll(local, local_settings)
    assert _contents(store) == _contents(local)
    local.close()
    store.close()
