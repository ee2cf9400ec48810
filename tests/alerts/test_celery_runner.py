"""Done when, with Celery workers: French pages naming a person, a watch on his name, real workers
on PostgreSQL and Redis: one webhook call and one Atom entry per matching article, one digest e-mail."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from babelwire.alerts.service import WatchService
from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.celery_app import configure, enqueue_poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.watches import get_watch
from babelwire.web.app import create_app
from tests.alerts.conftest import Mailbox, Receiver
from tests.alerts.test_local_runner import atom_entries, french_site, needs_apertium
from tests.scale.conftest import Workers

DIGEST_AFTER = 25  # seconds after the watch is added: both articles are matched by then


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@needs_apertium
@pytest.mark.slow
@pytest.mark.services
@pytest.mark.timeout(240)
def test_celery_workers_alert_once_per_matching_article(
    home: Path,
    server: LoopbackServer,
    pg_url: str,
    broker_url: str,
    workers: Workers,
    smtp: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", pg_url)
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    monkeypatch.setenv("BABELWIRE_ALERTS_DIGEST_EVERY", f"{DIGEST_AFTER}s")
    site, naming = french_site(server)
    receiver = Receiver(server)
    settings = load_settings(home)
    configure(settings)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed", name="Le Journal")
    watch = WatchService(store, settings).add(
        "grushko", "Grushko", webhook_url=receiver.url, email="analyst@example.org", digest=True
    )
    workers.start("fetch,extract", concurrency=4)
    workers.start("translate", concurrency=1)  # consumes group and notify too
    workers.start("notify", concurrency=2)  # a second notify worker: still one alert each
    workers.wait_ready(3)

    enqueue_poll(settings, store)
    assert _wait(lambda: len(receiver.calls) >= 2, 90), f"webhook calls: {len(receiver.calls)}, logs in {tmp_path}"
    assert {json.loads(c.body)["article"]["url"] for c in receiver.calls} == set(naming)
    # The digest is due DIGEST_AFTER seconds after the watch was added; the scheduler sends the
    # notify task that mails it.
    workers.start_scheduler(tick="1s")
    assert _wait(lambda: len(smtp.messages) >= 1, DIGEST_AFTER + 30), f"no digest, logs in {tmp_path}"
    time.sleep(3)  # more ticks: nothing more is sent
    assert len(receiver.calls) == 2 and len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == "[babelwire] grushko: 2 new articles"
    assert get_watch(store, "grushko").matches == 2
    with TestClient(create_app(store, settings)) as client:
        assert len(atom_entries(client, "/feeds/watch/grushko.atom")) == 2
    assert watch.webhook_secret
    store.close()
