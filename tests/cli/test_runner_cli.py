"""Runner commands as a user meets them: status on the local runner, worker/scheduler without a broker."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.loopback import LoopbackServer, Response

runner = CliRunner()


def test_status_on_the_local_runner_counts_pending_work_and_errors(home: Path, server: LoopbackServer):
    server.route("/feed.xml", Response(b"<rss><channel><title>x</title></channel></rss>",
                                       headers={"Content-Type": "application/rss+xml"}))
    assert runner.invoke(app, ["source", "add", server.url("/feed.xml"), "--lang", "fr"]).exit_code == 0
    server.route("/feed.xml", Response(b"oops", status=500))
    assert runner.invoke(app, ["poll", "--all"]).exit_code == 0
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["runner"] == "local" and status["workers"] is None
    assert status["fetch_queue"] == {"pending": 0, "given_up": 0}
    assert any("500" in error["reason"] for error in status["errors"])
    text = runner.invoke(app, ["status"]).stdout
    assert "local runner" in text and "500" in text


def test_worker_and_scheduler_without_a_broker_say_what_to_set(home: Path, monkeypatch):
    monkeypatch.delenv("BABELWIRE_BROKER_URL", raising=False)
    for command in (["worker", "--queues", "translate"], ["scheduler"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert "BABELWIRE_BROKER_URL=redis://" in result.output and "[broker] url" in result.output


def test_worker_refuses_an_unknown_queue(home: Path, monkeypatch):
    monkeypatch.setenv("BABELWIRE_BROKER_URL", "redis://127.0.0.1:6379/5")
    result = runner.invoke(app, ["worker", "--queues", "fetch,translation"])
    assert result.exit_code == 2
    assert "unknown queue(s) translation" in result.output and "fetch, extract, translate, group" in result.output
