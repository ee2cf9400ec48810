"""The README's several-machines recipe, with production settings: a fetch worker SIGKILLed mid-run
is noticed by the scheduler, and its unfinished work is done by the surviving workers within a
minute — not after the broker's visibility timeout (1 h) — and stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.celery_app import configure
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.models import Article, QueueItem, Revision
from tests.newsfixtures import NewsSite, slow_news_site
from tests.scale.conftest import Workers

ARTICLES = 100
KILL_AFTER = 21  # articles stored when the fetch worker is killed, as in the bug report
RECOVERY_BUDGET = 60.0  # seconds from the kill until every article is stored
#: Settings the test must not shorten: recovery has to work with the defaults a deployment uses.
PRODUCTION = ("BABELWIRE_BROKER_VISIBILITY_TIMEOUT", "BABELWIRE_BROKER_LEASE_TIMEOUT",
              "BABELWIRE_BROKER_HEARTBEAT_INTERVAL", "BABELWIRE_BROKER_SWEEP_INTERVAL", "BABELWIRE_POLL_TICK")


def _counts(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return (session.scalar(select(func.count(Article.id))), session.scalar(select(func.count(Revision.id))),
                session.scalar(select(func.count(QueueItem.id))))


def _site(server: LoopbackServer) -> NewsSite:
    return slow_news_site(server, ARTICLES, delay=0.3)


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.timeout(170)
def test_a_killed_fetch_worker_is_noticed_and_its_work_done_within_a_minute(
    home: Path, server: LoopbackServer, pg_url: str, broker_url: str, workers: Workers,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
):
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", pg_url)
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BABELWIRE_FETCH_HOST_CONCURRENCY", "8")  # one loopback host serves every page
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")  # the translate worker runs, with nothing to do
    site = _site(server)
    settings = load_settings(home)
    configure(settings)  # for the workers' ping
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed")

    # The recipe: two fetch workers, one translate worker, exactly one scheduler (default tick, 60 s:
    # its first tick, at start, sends the due source).
    victim = workers.start("fetch,extract", concurrency=4)
    workers.start("fetch,extract", concurrency=4)
    workers.start("translate", concurrency=1)
    workers.wait_ready(3)
    workers.start_scheduler(tick="60s")

    deadline = time.monotonic() + 60
    while _counts(store)[1] < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.05)
    broker = redis.Redis.from_url(broker_url)
    in_flight = broker.hlen("unacked")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = time.monotonic()
    at_kill = _counts(store)
    assert KILL_AFTER <= at_kill[1] < ARTICLES and in_flight > 0, \
        f"the kill must land mid-run with messages in flight: {at_kill}, {in_flight} unacknowledged"

    while _counts(store) != (ARTICLES, ARTICLES, 0) and time.monotonic() - killed_at < RECOVERY_BUDGET:
        time.sleep(0.25)
    recovered_after = time.monotonic() - killed_at
    counts = _counts(store)
    print(f"\nkilled at {at_kill[0]} articles stored; all {ARTICLES} stored {recovered_after:.1f}s after the kill")
    assert counts == (ARTICLES, ARTICLES, 0), (
        f"{RECOVERY_BUDGET:.0f}s after the kill: {counts[0]} articles, {counts[1]} revisions, {counts[2]} queued; "
        f"fetch queue {broker.llen('fetch')}, unacknowledged {broker.hlen('unacked')}; logs in {tmp_path}")

    # Exactly once, by the store: one article per page, one revision each.
    with store.session() as session:
        urls = list(session.scalars(select(Article.url)))
        assert sorted(urls) == sorted(site.server.url(path) for path in site.articles)
        assert session.scalar(select(func.count(func.distinct(Revision.article_id)))) == ARTICLES
        assert session.scalar(select(func.max(Revision.number))) == 1

    # `babelwire status` names the stopped worker and what was done about its work, within the same
    # minute. The surviving worker may finish everything before the lease runs out (when the victim
    # held only work it had already stored): the scheduler notices the death a little later.
    while True:
        shown = subprocess.run([sys.executable, "-m", "babelwire", "status", "--json"], env=dict(os.environ),
                               capture_output=True, text=True, timeout=60)
        assert shown.returncode == 0, shown.stderr
        status = json.loads(shown.stdout)
        stopped = [w for w in status["stopped_workers"] if w["worker"].endswith(f"-{victim.pid}@{w['host']}")]
        if stopped or time.monotonic() - killed_at > RECOVERY_BUDGET:
            break
        time.sleep(1)
    assert len(stopped) == 1, (status["stopped_workers"], f"{time.monotonic() - killed_at:.0f}s after the kill")
    event = stopped[0]
    assert event["noticed_at"] and event["last_heartbeat"] <= event["noticed_at"]
    assert sum(event["put_back"].values()) + sum(event["resent"].values()) >= 1, event
    assert len([w for w in status["heartbeats"] if w["alive"]]) == 2  # the surviving fetch and translate workers
    shown = subprocess.run([sys.executable, "-m", "babelwire", "status"], env=dict(os.environ),
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and f"-{victim.pid}@" in shown.stdout, shown.stdout + shown.stderr
    store.close()
