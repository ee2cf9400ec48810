"""Delivery: webhook retries with backoff and failures in `babelwire errors`, the address guard,
immediate e-mail (plain text + HTML) on a real SMTP server, secrets kept out of logs and errors."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.alerts.service import WatchService
from babelwire.cli import app
from babelwire.config import Settings, load_settings
from babelwire.fetch import Fetcher
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.ingest import due_sources, ingest_item, list_source, pending_items
from babelwire.pipeline.local import poll
from babelwire.pipeline.notify import deliver_due, scan_pending
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.errors import recent_errors
from babelwire.store.models import utcnow
from tests.alerts.conftest import Mailbox, Receiver
from tests.newsfixtures import PARAGRAPHS, NewsSite


def _setup(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, Store]:
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    site = NewsSite(server)
    site.add("grouchko", "Alexandre Grouchko à Bruxelles", PARAGRAPHS[:2])
    settings = load_settings(home)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed")
    return settings, store


def test_a_failing_webhook_is_retried_with_backoff_and_shown_in_errors(
    home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("BABELWIRE_ALERTS_RETRY_BACKOFF", "10m")
    settings, store = _setup(home, server, monkeypatch)
    receiver = Receiver(server, "/hooks/T0SECRETPATH", statuses=(500, 200))
    WatchService(store, settings).add("grushko", "Grushko", webhook_url=receiver.url, webhook_secret="s3cr3t-key")
    poll(store, settings)
    assert len(receiver.calls) == 1
    errors = recent_errors(store, 5)
    assert errors[0]["stage"] == "alert" and "answered HTTP 500" in errors[0]["reason"]
    assert "attempt 1 of 6" in errors[0]["reason"] and "retried at" in errors[0]["reason"]
    # The secret path of the webhook URL and the key are in no error.
    assert all("T0SECRETPATH" not in (e["url"] or "") + e["reason"] and "s3cr3t" not in e["reason"] for e in errors)
    assert deliver_due(store, settings).sent == 0  # not due yet: backoff
    result = deliver_due(store, settings, now=utcnow().replace(microsecond=0) + (settings.alerts.retry_backoff * 2))
    assert result.sent == 1 and len(receiver.calls) == 2
    assert receiver.calls[0].headers["X-Babelwire-Delivery"] == receiver.calls[1].headers["X-Babelwire-Delivery"]
    assert deliver_due(store, settings, now=utcnow().replace(year=2100)).sent == 0  # sent once
    shown = CliRunner().invoke(app, ["errors"], env={"COLUMNS": "80"})
    assert shown.exit_code == 0 and "answered HTTP 500" in shown.output
    store.close()


def test_the_guard_refuses_a_loopback_webhook(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BABELWIRE_ALERTS_WEBHOOK_RETRIES", "0")
    settings, store = _setup(home, server, monkeypatch)
    receiver = Receiver(server)
    WatchService(store, settings).add("grushko", "Grushko", webhook_url=receiver.url)
    # The pages are fetched from loopback (allowed for the test), the match is recorded...
    with Fetcher(settings.fetch) as fetcher:
        for source_id in due_sources(store, all_sources=True):
            list_source(store, fetcher, source_id, settings)
        for item in pending_items(store):
            ingest_item(store, fetcher, item, settings)
    assert scan_pending(store, settings).matched == 1
    # ...and the webhook goes through the fetcher's address guard, here with its default.
    settings.fetch.allow_private = False
    assert deliver_due(store, settings).failed == 1
    assert receiver.calls == []
    reason = recent_errors(store, 1)[0]["reason"]
    assert "loopback address" in reason and "given up" in reason
    store.close()


def test_immediate_email_plain_text_and_html(
    home: Path, server: LoopbackServer, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    settings, store = _setup(home, server, monkeypatch)
    WatchService(store, settings).add("grushko", "Grushko", email="analyst@example.org", digest=False)
    poll(store, settings)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["Subject"] == "[babelwire] grushko: Alexandre Grouchko à Bruxelles"
    assert message["From"] == "alerts@babelwire.test"
    assert "Grushko" in message.get_body(("plain",)).get_content()
    assert "<h1>Watch grushko</h1>" in message.get_body(("html",)).get_content()
    poll(store, settings, all_sources=True)
    assert len(smtp.messages) == 1
    store.close()


def test_an_unreachable_smtp_server_is_an_error_without_the_password(
    home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv("BABELWIRE_MAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("BABELWIRE_MAIL_PORT", "9")  # discard port: refused
    monkeypatch.setenv("BABELWIRE_MAIL_USER", "analyst")
    monkeypatch.setenv("BABELWIRE_MAIL_PASSWORD", "hunter2-very-secret")
    settings, store = _setup(home, server, monkeypatch)
    WatchService(store, settings).add("grushko", "Grushko", email="analyst@example.org", digest=False)
    with caplog.at_level(logging.DEBUG):
        poll(store, settings)
    errors = recent_errors(store, 5)
    assert any("SMTP server 127.0.0.1:9 is unreachable" in e["reason"] for e in errors)
    assert "hunter2" not in caplog.text and all("hunter2" not in e["reason"] for e in errors)
    shown = CliRunner().invoke(app, ["config", "show", "--json"])
    assert "hunter2" not in shown.output
    password = next(s for s in json.loads(shown.output) if s["setting"] == "[mail] password")
    assert password["current"] == "********"
    store.close()
