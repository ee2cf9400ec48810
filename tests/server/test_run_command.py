"""`run`: one process polling on schedule and serving the reader, stopped cleanly by a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.subscriptions import add_source
from babelwire.server import ReaderServer
from babelwire.store import Store
from tests.newsfixtures import NewsSite

ROOT = Path(__file__).resolve().parents[2]
RUN = [sys.executable, "-m", "babelwire", "run", "--port", "0"]  # the command a user runs


def ready_url(process: subprocess.Popen) -> str:
    """The reader's URL from the command's "reader at URL" line."""
    for line in process.stdout:
        if line.startswith("reader at "):
            return line.split()[2]
    raise AssertionError("no 'reader at' line: " + process.stderr.read())


def test_reader_server_runs_an_app_in_a_thread_on_a_free_port():
    app = FastAPI()

    @app.get("/")
    def index() -> dict[str, str]:
        return {"ok": "yes"}

    with ReaderServer(app, port=0) as server:
        assert server.port > 0
        response = httpx.get(server.url + "/", headers={"X-Forwarded-For": "203.0.113.9"})
        assert response.json() == {"ok": "yes"}
        assert "server" not in response.headers
    with pytest.raises(httpx.TransportError):
        httpx.get(server.url + "/", timeout=2)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_polls_serves_and_exits_cleanly_on_a_signal(home: Path, server: LoopbackServer, sig, monkeypatch):
    monkeypatch.setenv("BABELWIRE_POLL_TICK", "0.5")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("sommet", "Le sommet de Bruxelles s'achève sans accord")
    add_source(store, settings, site.feed_url, "feed")
    store.close()
    process = subprocess.Popen(RUN, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = ready_url(process)
        deadline = time.monotonic() + 30
        while True:  # the article shows up on the home page once the first poll has stored it
            try:
                if "Le sommet de Bruxelles" in httpx.get(url + "/", timeout=5).text:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the polled article never appeared"
            time.sleep(0.2)
        process.send_signal(sig)
        started = time.monotonic()
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 8
        stderr = process.stderr.read()
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
