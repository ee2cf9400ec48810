"""A poll killed with SIGKILL at any moment loses nothing and duplicates nothing when run again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer, Response
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.models import Article, ArticleURL, QueueItem, Revision
from tests.newsfixtures import PARAGRAPHS, NewsSite

ARTICLES = 30


def _revisions(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count(Revision.id)))


def _start_poll(home: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "babelwire", "poll", "--all"], env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(home.parent))


@pytest.mark.slow
def test_poll_killed_mid_run_resumes_without_loss_or_duplicates(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    for i in range(ARTICLES):
        site.add(f"article-{i}", f"Article numéro {i} sur la réunion OTAN-Russie",
                 [f"Paragraphe propre à l'article {i}.", *PARAGRAPHS])
    # Slow articles down so that kills land while requests and writes are in flight.
    for path in list(site.articles):
        body = site.articles[path]
        server.route(path, Response(body, headers={"Content-Type": "text/html; charset=utf-8"}, delay=0.15))
    settings = load_settings(home)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed")

    kills = 0
    for threshold in (0, 4, 12, 20):
        process = _start_poll(home)
        deadline = time.monotonic() + 60
        while _revisions(store) < threshold and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if threshold == 0:
            time.sleep(1.0)  # during start-up or the listing stage
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 3, "the poll finished before it could be killed: slow the server down"
    assert _revisions(store) < ARTICLES

    final = subprocess.run([sys.executable, "-m", "babelwire", "poll"], env=dict(os.environ),
                           capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr

    with store.session() as session:
        assert session.scalar(select(func.count(Article.id))) == ARTICLES
        assert session.scalar(select(func.count(Revision.id))) == ARTICLES
        assert session.scalar(select(func.count(func.distinct(Article.url)))) == ARTICLES
        assert session.scalar(select(func.count(QueueItem.id))) == 0
        assert session.scalar(select(func.count(ArticleURL.url))) >= ARTICLES
        titles = set(session.scalars(select(Article.title)))
    assert titles == {f"Article numéro {i} sur la réunion OTAN-Russie" for i in range(ARTICLES)}
    store.close()
