"""The admin API and the CLI: add, list, show, test, remove; invalid queries refused with their
position (422 problem details, exit 2); the reader's watch page and feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire.alerts.service import WatchService
from babelwire.cli import app as cli
from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.web.app import create_app
from babelwire.web.watches import highlight
from tests.newsfixtures import PARAGRAPHS, NewsSite

TOKEN = "admin-token-for-tests"


@pytest.fixture
def stocked(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch):
    """A store with two French articles (one naming Grouchko), polled, translation off."""
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    monkeypatch.setenv("BABELWIRE_ADMIN_TOKEN", TOKEN)
    site = NewsSite(server)
    site.add("grouchko", "Alexandre Grouchko à Bruxelles", PARAGRAPHS[:2])
    site.add("otan", "L'Alliance réunie", [PARAGRAPHS[0], PARAGRAPHS[2]])
    settings = load_settings(home)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed", name="Le Journal")
    poll(store, settings)
    yield settings, store
    store.close()


def client_for(settings, store) -> TestClient:
    return TestClient(create_app(store, settings, watches=WatchService(store, settings)))


def test_admin_api_adds_tests_lists_and_removes_watches(stocked):
    settings, store = stocked
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with client_for(settings, store) as client:
        assert client.get("/api/watches").status_code == 401
        assert client.get("/api/watches", headers={"Authorization": "Bearer wrong"}).status_code == 403
        bad = client.post("/api/watches", json={"name": "g", "query": "Grushko AND (Ryabkov"}, headers=auth)
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["errors"] == [
            {"field": "query", "position": 13, "message": "this parenthesis is never closed"}
        ]
        assert "position 13" in bad.json()["detail"]
        added = client.post(
            "/api/watches",
            json={"name": "grushko", "query": "Grushko", "private": True, "languages": ["fr"]},
            headers=auth,
        )
        assert added.status_code == 201 and added.json()["feed_token"]
        assert client.post("/api/watches", json={"name": "grushko", "query": "x"}, headers=auth).status_code == 409
        listed = client.get("/api/watches", headers=auth).json()
        assert [w["name"] for w in listed] == ["grushko"] and "feed_token" not in listed[0]
        tested = client.get("/api/watches/grushko/test?days=7", headers=auth).json()
        assert [t["article"]["title"] for t in tested] == ["Alexandre Grouchko à Bruxelles"]
        assert tested[0]["matched"]["original"] == ["Grouchko"]
        # Matched from now on only: the articles polled before the watch are not alerted.
        assert client.get("/api/watches/grushko/matches", headers=auth).json() == []
        assert client.get("/watches/grushko").status_code == 404  # private: needs the token
        assert client.delete("/api/watches/grushko", headers=auth).status_code == 204
        assert client.delete("/api/watches/grushko", headers=auth).status_code == 404


def test_an_app_built_without_watch_management_says_so(stocked):
    """The web layer never parses a query itself: an app built without the watch service (tests,
    embedding) answers 503 to adding or trying a watch, and still lists and removes them."""
    settings, store = stocked
    WatchService(store, settings).add("grushko", "Grushko")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(store, settings)) as client:
        added = client.post("/api/watches", json={"name": "g", "query": "Grushko"}, headers=auth)
        assert added.status_code == 503 and "without watch management" in added.json()["detail"]
        assert client.get("/api/watches/grushko/test", headers=auth).status_code == 503
        assert [w["name"] for w in client.get("/api/watches", headers=auth).json()] == ["grushko"]
        assert client.delete("/api/watches/grushko", headers=auth).status_code == 204


def test_the_watch_page_lists_matches_with_the_words_marked(stocked, server: LoopbackServer):
    settings, store = stocked
    WatchService(store, settings).add("grushko", "Grushko")
    site = NewsSite(server, prefix="/other")
    site.add("suite", "Grouchko répond à l'Alliance", [PARAGRAPHS[1]])
    add_source(store, settings, site.feed_url, "feed", name="L'Autre Journal")
    poll(store, settings)
    with client_for(settings, store) as client:
        page = client.get("/watches/grushko")
        assert page.status_code == 200
        assert "<mark>Grouchko</mark> répond" in page.text
        assert "grushko" in client.get("/watches").text


def test_highlight_escapes_and_marks_whole_words():
    assert (
        str(highlight("<b>Grouchko</b> et Grouchkov", ["Grouchko"]))
        == "&lt;b&gt;<mark>Grouchko</mark>&lt;/b&gt; et Grouchkov"
    )


def test_cli_add_list_show_test_remove(stocked):
    runner = CliRunner()
    env = {"COLUMNS": "80"}
    bad = runner.invoke(cli, ["watch", "add", "g", "Grushko OR"], env=env)
    assert bad.exit_code == 2 and "position 11" in bad.output
    added = runner.invoke(
        cli,
        [
            "watch",
            "add",
            "grushko",
            "Grushko",
            "--lang",
            "fr",
            "--source",
            "Le Journal",
            "--webhook",
            "https://hooks.example.org/T000/SECRET",
        ],
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert "webhook secret (shown once)" in added.output
    assert runner.invoke(cli, ["watch", "add", "grushko", "x"], env=env).exit_code == 2
    assert runner.invoke(cli, ["watch", "add", "x y", "x"], env=env).exit_code == 2
    assert runner.invoke(cli, ["watch", "add", "z", "x", "--source", "nowhere"], env=env).exit_code == 2
    listed = runner.invoke(cli, ["watch", "list"], env=env)
    assert listed.exit_code == 0 and "grushko" in listed.output
    assert all(len(line) <= 80 for line in listed.output.splitlines())
    shown = runner.invoke(cli, ["watch", "show", "grushko"], env=env)
    assert shown.exit_code == 0 and "SECRET" not in shown.output and "hooks.example.org/…" in shown.output
    tested = runner.invoke(cli, ["watch", "test", "grushko", "--days", "2", "--json"], env=env)
    assert [hit["original"] for hit in json.loads(tested.output)] == [["Grouchko"]]
    assert (
        "1 article of the last 7 days"
        in runner.invoke(cli, ["watch", "test", "--query", "otan Grushko"], env=env).output
    )
    assert runner.invoke(cli, ["watch", "remove", "grushko"], env=env).exit_code == 0
    assert runner.invoke(cli, ["watch", "remove", "grushko"], env=env).exit_code == 2
