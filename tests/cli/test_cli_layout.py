"""The command as a package: every module registers its commands, in the order --help lists them;
the services the thin commands call (recent errors, the poll schedule) answer what the commands print."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.config import load_settings
from babelwire.pipeline.subscriptions import PollSchedule, add_source, poll_schedule
from babelwire.store import Store
from babelwire.store.errors import recent_errors
from babelwire.store.models import ErrorRecord, Source, utcnow

runner = CliRunner()

TOP_LEVEL = ["init", "poll", "errors", "extract", "translate", "serve", "run", "demo", "render", "worker", "scheduler",
             "status", "source", "article", "eval", "bench", "config", "models", "story", "glossary", "watch"]
GROUPS = {
    "source": ["add", "edit", "list", "remove", "import", "export"],
    "article": ["list", "show"],
    "eval": ["download", "extraction", "translation", "stories"],
    "bench": ["ingest", "translate", "text", "stories", "web", "firstview", "scale"],
    "config": ["show"],
    "story": ["list", "show"],
    "watch": ["add", "list", "show", "remove", "test"],
}


def _commands(help_text: str) -> list[str]:
    lines = help_text.split("Commands:\n", 1)[1].splitlines()
    return [line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")]


def test_help_lists_every_command_in_its_order(home: Path):
    result = runner.invoke(app, ["--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    assert _commands(result.stdout) == TOP_LEVEL
    for group, commands in GROUPS.items():
        result = runner.invoke(app, [group, "--help"], terminal_width=100)
        assert result.exit_code == 0, result.output
        assert _commands(result.stdout) == commands, group


def _store(home: Path) -> Store:
    home.mkdir(parents=True, exist_ok=True)
    return Store(load_settings(home).database_url)


def test_recent_errors_newest_first_with_their_place(home: Path):
    store = _store(home)
    assert recent_errors(store, 10) == []
    with store.session() as session:
        for i in range(3):
            session.add(ErrorRecord(stage="fetch", reason=f"HTTP 50{i}", url=f"http://example.org/{i}"))
        session.commit()
    rows = recent_errors(store, 2)
    assert [r["reason"] for r in rows] == ["HTTP 502", "HTTP 501"]
    assert set(rows[0]) == {"at", "stage", "source_id", "article_id", "url", "reason"}
    assert rows[0]["stage"] == "fetch" and rows[0]["source_id"] is None and rows[0]["url"] == "http://example.org/2"
    shown = json.loads(runner.invoke(app, ["errors", "--json", "--limit", "1"]).stdout)
    assert shown == rows[:1]


def test_poll_schedule_and_what_run_says_before_serving(home: Path, monkeypatch: pytest.MonkeyPatch):
    served = []
    monkeypatch.setattr("babelwire.server.run", lambda store, cfg, **kwargs: served.append(kwargs))
    store = _store(home)
    cfg = load_settings(home)
    assert poll_schedule(store) == PollSchedule(sources=0, next_poll_at=None)
    result = runner.invoke(app, ["run", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert "no sources yet" in result.stdout and served and served[0]["port"] == 0

    add_source(store, cfg, "http://example.org/feed.xml", "feed", name="a", language="fr")
    add_source(store, cfg, "http://example.org/other.xml", "feed", name="b", language="fr")
    later = utcnow().replace(microsecond=0) + timedelta(hours=1)
    with store.session() as session:
        for i, source in enumerate(session.query(Source).order_by(Source.id)):
            source.next_poll_at = later + timedelta(hours=i)
        session.commit()
    schedule = poll_schedule(store)
    assert schedule == PollSchedule(sources=2, next_poll_at=later.isoformat())  # the earliest of them
    text = runner.invoke(app, ["run"]).stdout
    assert f"2 sources; next poll due {later.isoformat()[:19].replace('T', ' ')} UTC" in text

    with store.session() as session:
        session.query(Source).order_by(Source.id.desc()).first().next_poll_at = None  # never scheduled: due at once
        session.commit()
    assert poll_schedule(store) == PollSchedule(sources=2, next_poll_at=None)
    assert "2 sources; next poll due now" in runner.invoke(app, ["run"]).stdout
