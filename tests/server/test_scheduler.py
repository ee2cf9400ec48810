"""The poll schedule behind `babelwire run`: polls due sources, survives failing polls, stops."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select, text

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.scheduler import PollScheduler
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.models import Article, ErrorRecord, QueueItem
from tests.newsfixtures import NewsSite


def _wait(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _articles(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count(Article.id))) or 0


def test_scheduler_polls_due_sources_and_new_articles_appear(home: Path, server: LoopbackServer, monkeypatch):
    monkeypatch.setenv("BABELWIRE_POLL_TICK", "0.2")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("sommet", "Sommet à Bruxelles")
    add_source(store, settings, site.feed_url, "feed", every="0.5s")
    scheduler = PollScheduler(store, settings).start()
    try:
        assert _wait(lambda: _articles(store) == 1)
        site.add("suite", "La suite du sommet")  # the source is due again after 0.5 s
        assert _wait(lambda: _articles(store) == 2)
        assert _wait(lambda: scheduler.polls >= 2)
    finally:
        assert scheduler.stop(timeout=10)
    assert not scheduler.running
    store.close()


def test_a_failing_poll_is_recorded_and_the_schedule_goes_on(home: Path, server: LoopbackServer, monkeypatch):
    monkeypatch.setenv("BABELWIRE_POLL_TICK", "0.1")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("sommet", "Sommet à Bruxelles")
    add_source(store, settings, site.feed_url, "feed")
    with store.engine.begin() as conn:  # a broken database: every poll now fails
        conn.execute(text("DROP TABLE fetch_queue"))
    scheduler = PollScheduler(store, settings).start()
    try:
        assert _wait(lambda: scheduler.failures >= 2)
        assert scheduler.running
    finally:
        assert scheduler.stop(timeout=10)
    with store.session() as session:
        reasons = session.scalars(select(ErrorRecord.reason).where(ErrorRecord.stage == "poll")).all()
    assert reasons and all("fetch_queue" in r for r in reasons)
    store.close()


def test_stop_interrupts_a_long_poll_between_items(home: Path, server: LoopbackServer, monkeypatch):
    monkeypatch.setenv("BABELWIRE_POLL_TICK", "60s")
    monkeypatch.setenv("BABELWIRE_POLL_WORKERS", "1")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    for i in range(40):
        site.add(f"article-{i}", f"Article numéro {i}")
    slow = site.server.routes[f"{site.prefix}/article-0.html"]

    def slow_page(request):
        time.sleep(0.3)
        return slow(request)

    for i in range(40):
        site.server.route(f"{site.prefix}/article-{i}.html", slow_page)
    add_source(store, settings, site.feed_url, "feed")
    scheduler = PollScheduler(store, settings).start()
    assert _wait(lambda: _articles(store) >= 1)
    before = _articles(store)
    started = time.monotonic()
    assert scheduler.stop(timeout=10)
    assert time.monotonic() - started < 3  # not the ~12 s the whole poll would take
    stored = _articles(store)
    # One worker: the page in hand when the stop came is finished, and nothing after it is started.
    assert before <= stored <= before + 1 < 40
    # Nothing was recorded as failed: the remaining URLs simply wait in the queue for next time.
    with store.session() as session:
        assert session.scalar(select(func.count(ErrorRecord.id))) == 0
        waiting = session.scalars(select(QueueItem)).all()
    assert len(waiting) == 40 - stored and all(item.attempts == 0 for item in waiting)
    store.close()
