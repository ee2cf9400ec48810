"""Celery runner: new revisions reach translate workers, batched, each translated exactly once;
``collect_status`` sees the workers and the queues."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from babelwire.config import load_settings
from babelwire.errors import ConfigError
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.celery_app import configure, enqueue_poll, run_worker
from babelwire.pipeline.status import collect_status
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.models import ErrorRecord, Revision, Translation
from tests.newsfixtures import PARAGRAPHS, NewsSite
from tests.scale.conftest import Workers

ARTICLES = 12
needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists(),
    reason="Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


def _translations(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return (session.scalar(select(func.count(Revision.id))), session.scalar(select(func.count(Translation.id))),
                session.scalar(select(func.count(func.distinct(Translation.revision_id)))))


@needs_apertium
@pytest.mark.slow
@pytest.mark.timeout(120)
def test_translate_workers_translate_every_new_revision_once(
    home: Path, server: LoopbackServer, pg_url: str, broker_url: str, workers: Workers,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", pg_url)
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    site = NewsSite(server)
    for i in range(ARTICLES):
        site.add(f"article-{i}", f"Réunion numéro {i} entre l'OTAN et la Russie",
                 [f"La délégation numéro {i} est arrivée mardi à Bruxelles.", *PARAGRAPHS[:2]])
    settings = load_settings(home)
    configure(settings)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed")
    workers.start("fetch,extract", concurrency=4)
    workers.start("translate", concurrency=1)
    workers.start("translate", concurrency=1)
    workers.wait_ready(3)

    enqueue_poll(settings, store)
    deadline = time.monotonic() + 60
    while _translations(store)[1] < ARTICLES and time.monotonic() < deadline:
        time.sleep(0.2)

    assert _translations(store) == (ARTICLES, ARTICLES, ARTICLES)
    with store.session() as session:
        assert set(session.scalars(select(Translation.engine))) == {"apertium"}
        assert set(session.scalars(select(Translation.target))) == {"en"}
    status = collect_status(store, settings)
    assert status["runner"] == "celery" and status["broker_error"] is None
    assert len(status["workers"]) == 3
    assert set(status["queues"]) == {"fetch", "extract", "translate", "group", "notify"}
    assert status["fetch_queue"] == {"pending": 0, "given_up": 0} and status["translations_pending"] == 0
    store.close()


def test_without_a_broker_the_local_runner_is_explained(home: Path):
    settings = load_settings(home)
    with pytest.raises(ConfigError, match=r"local runner.*BABELWIRE_BROKER_URL"):
        run_worker(settings, ["fetch"])
    with pytest.raises(ConfigError, match="unknown queue"):
        settings.broker.url = "redis://127.0.0.1:6379/5"
        run_worker(settings, ["fetch", "gpu"])


def test_status_without_a_broker_reads_the_store(home: Path):
    settings = load_settings(home)
    store = Store(settings.database_url)
    with store.transaction() as session:
        session.add(ErrorRecord(stage="article", url="http://example.org/a", reason="HTTP 404"))

    status = collect_status(store, settings)

    assert status["runner"] == "local" and status["queues"] is None and status["workers"] is None
    assert status["fetch_queue"] == {"pending": 0, "given_up": 0} and status["translations_pending"] == 0
    assert [(e["stage"], e["reason"]) for e in status["errors"]] == [("article", "HTTP 404")]
    store.close()


def test_status_reports_an_unreachable_broker(home: Path):
    settings = load_settings(home)
    settings.broker.url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    store = Store(settings.database_url)

    status = collect_status(store, settings, timeout=0.5)

    assert status["runner"] == "celery" and status["broker_error"] and status["workers"] is None
    assert status["fetch_queue"]["pending"] == 0
    store.close()
