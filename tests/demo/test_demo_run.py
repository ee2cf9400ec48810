"""`babelwire demo` end to end: sample outlets polled twice, translated, and (with serving) read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from babelwire.config import load_settings
from babelwire.demo import choose_engine, run_demo
from babelwire.demo.run import demo_settings, prepare_home
from babelwire.errors import ConfigError
from babelwire.store import Store, queries
from babelwire.store.models import Article, Source

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo") / "home"
    steps: list[str] = []
    summary = run_demo(home=home, serve=False, engine="apertium", on_step=steps.append)
    store = Store(f"sqlite:///{home / 'babelwire.db'}")
    yield summary, store, steps
    store.close()


def test_demo_stores_both_outlets_and_their_articles(demo):
    summary, store, steps = demo
    assert summary.errors == []
    assert summary.sources == 2 and summary.articles == 6
    with store.session() as session:
        names = set(session.scalars(select(Source.name)))
        by_source = dict(session.execute(
            select(Article.id, Source.name).join(Source, Source.id == Article.source_id)).all())
    assert names == {"Le Courrier d'Europe", "Info Monde"}
    assert len(summary.event_article_ids) == 2
    assert {by_source[i] for i in summary.event_article_ids} == names  # one report per outlet
    assert any("polling again" in s for s in steps)


def test_the_two_reports_of_the_event_share_a_story_and_nothing_else_joins_it(demo):
    summary, store, _ = demo
    with store.session() as session:
        story_of = dict(session.execute(select(Article.id, Article.story_id)).all())
    first, second = summary.event_article_ids
    assert story_of[first] is not None and story_of[first] == story_of[second]
    assert [a for a, s in story_of.items() if s == story_of[first]] == sorted([first, second])


def test_the_updated_article_has_two_revisions(demo):
    summary, store, _ = demo
    assert summary.revisions == summary.articles + 1
    article = queries.article_record(store, summary.updated_article_id)
    first, second = article.revisions
    assert "Détails à suivre" in first.document.text
    assert "Détails à suivre" not in second.document.text
    assert len(second.document.blocks) > len(first.document.blocks)
    assert second.translations[0].target == "en"


def test_every_article_is_translated_into_english(demo):
    summary, store, _ = demo
    assert summary.engine.name == "apertium"
    assert summary.translations == summary.revisions
    with store.session() as session:
        ids = session.scalars(select(Article.id)).all()
    for article_id in ids:
        newest = queries.article_record(store, article_id).revisions[-1]
        (translation,) = newest.translations
        assert translation.engine == "apertium"
        assert len(translation.document.blocks) == len(newest.document.blocks)
        assert translation.document.title != newest.document.title


def test_a_second_run_starts_from_a_fresh_database(demo, tmp_path):
    summary, _, _ = demo
    again = run_demo(home=summary.home, serve=False, engine="apertium")
    assert (again.articles, again.revisions) == (6, 7)


def test_the_demo_refuses_a_folder_it_did_not_create(tmp_path):
    (tmp_path / "babelwire.db").write_bytes(b"someone's real data")
    with pytest.raises(ConfigError, match="not created by `babelwire demo`"):
        prepare_home(tmp_path)
    assert (tmp_path / "babelwire.db").read_bytes() == b"someone's real data"


def test_demo_settings_ignore_the_environment_and_allow_only_loopback(tmp_path, monkeypatch):
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", "postgresql://real/db")
    settings = demo_settings(tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'babelwire.db'}"
    assert settings.fetch.allow_private is False and settings.fetch.allow_hosts == ["127.0.0.1"]


def test_engine_choice_falls_back_to_apertium_without_models_or_network(tmp_path, monkeypatch):
    monkeypatch.setenv("BABELWIRE_HOME", str(tmp_path / "regular-home"))  # no models there either
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # a hub that is not there: fails at once
    started = time.monotonic()
    choice = choose_engine(load_settings(tmp_path / "demo"), pull=True)
    assert choice.name == "apertium" and "models pull fr en" in choice.detail
    assert time.monotonic() - started < 15


def test_demo_serves_the_reader_until_sigterm(tmp_path):
    # The command a newcomer runs (README), on a free port and with Apertium, as CI has no model.
    command = [sys.executable, "-m", "babelwire", "demo", "--home", str(tmp_path / "home"), "--port", "0",
               "--engine", "apertium"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = article_id = next_commands = None
        for line in process.stdout:
            if line.startswith("next, with your own sources"):  # the demo ends with what to run next
                next_commands = line
            if line.startswith("an article updated"):
                article_id = line.rstrip().rsplit("/", 1)[1]
            if line.startswith("reader at "):
                url = line.split()[2]
                break
        assert url and article_id, process.stderr.read()
        assert next_commands and "`babelwire source add URL`" in next_commands and "`babelwire run`" in next_commands
        deadline = time.monotonic() + 20
        while True:
            try:
                home = httpx.get(url + "/", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert home.status_code == 200 and "Info Monde" in home.text
        page = httpx.get(f"{url}/articles/{article_id}", timeout=5)
        assert page.status_code == 200 and "Grouchko" in page.text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_apertium_on_the_demo_keeps_names_and_every_flag_names_its_evidence(demo):
    _, store, _ = demo
    with store.session() as session:
        ids = list(session.scalars(select(Article.id)))
    translations = [t for i in ids for r in queries.article_record(store, i).revisions for t in r.translations]
    assert translations
    texts = [" ".join([t.document.title or "", *(b.text for b in t.document.blocks)]) for t in translations]
    assert not any("Lucky" in text for text in texts)  # "Saint-Fortuné", a ship, was "Saint-Lucky"
    assert any("Saint-Fortuné" in text for text in texts)
    flagged = 0
    for t in translations:
        evidence = t.flags["evidence"]
        for names, found in [(t.flags["title"], evidence["title"]),
                             *zip(t.flags["blocks"], evidence["blocks"], strict=True)]:
            assert set(names) == set(found)
            assert all(found[name] for name in names), found  # every flag says what it found
            flagged += len(names)
    assert flagged  # Apertium's output is never flawless: the check is not vacuous
