"""Stories on the command line: story list/show, article show --json's story, eval and bench stories,
and the pipeline re-placing an updated article."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.config import Settings
from babelwire.store import Store
from babelwire.stories.grouping import articles_of_revisions, regroup_pending
from tests.stories.conftest import AddArticle, add_revision
from tests.stories.events import RFI_EN, RFI_FR, RT_EN, RT_FR, SKI_EN

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture
def store(home: Path) -> Iterator[Store]:  # the CLI's own database
    home.mkdir(parents=True, exist_ok=True)
    db = Store(f"sqlite:///{home / 'babelwire.db'}")
    yield db
    db.close()


@pytest.fixture
def grouped(store: Store, settings: Settings, add_article: AddArticle) -> dict[str, int]:
    ids = {
        "rt": add_article("RT en français", "https://rt.example/otan", "2022-01-12T17:40:00+01:00", *RT_FR,
                          language="fr", translated=RT_EN),
        "rfi": add_article("RFI", "https://rfi.example/otan", "2022-01-12T18:55:00+01:00", *RFI_FR,
                           language="fr", translated=RFI_EN),
        "ski": add_article("Le Dauphiné", "https://ledauphine.example/ski", "2022-01-12T09:00:00+01:00", *SKI_EN),
    }
    assert regroup_pending(store, settings) == 3
    return ids


def test_story_list_and_show(grouped: dict[str, int]):
    stories = json.loads(run("story", "list", "--json"))
    assert sorted(s["article_count"] for s in stories) == [1, 2]
    event = next(s for s in stories if s["article_count"] == 2)
    assert event["outlets"] == ["RFI", "RT en français"] and event["languages"] == ["fr"]

    story = json.loads(run("story", "show", str(event["id"]), "--json"))
    assert [a["id"] for a in story["articles"]] == [grouped["rt"], grouped["rfi"]]  # oldest first
    assert all(a["translated_title"] and a["lead"] for a in story["articles"])
    speakers = {q["speaker"] for a in story["articles"] for q in a["quotes"]}
    assert speakers, "the outlets' quotations are listed with their speakers"

    text = run("story", "show", str(event["id"]))
    assert "RFI" in text and "RT en français" in text and "machine translation" in text
    assert "stories" in run("story", "list")
    run("story", "show", "9999", code=2)


def test_article_show_json_names_its_story(grouped: dict[str, int]):
    rt = json.loads(run("article", "show", str(grouped["rt"]), "--json"))
    rfi = json.loads(run("article", "show", str(grouped["rfi"]), "--json"))
    ski = json.loads(run("article", "show", str(grouped["ski"]), "--json"))
    assert rt["story"] == rfi["story"] != ski["story"]
    assert rt["story"] is not None


def test_an_updated_article_is_placed_again_and_keeps_its_story(
    store: Store, settings: Settings, grouped: dict[str, int],
):
    before = json.loads(run("article", "show", str(grouped["rfi"]), "--json"))["story"]
    title, paragraphs = RFI_EN
    revision = add_revision(store, grouped["rfi"], RFI_FR[0], RFI_FR[1] + ["Détails à suivre."], language="fr",
                            translated=(title, [*paragraphs, "Details to follow."]))
    assert regroup_pending(store, settings, updated=articles_of_revisions(store, [revision])) == 1
    with store.session() as session:
        from babelwire.store.models import Article

        article = session.get(Article, grouped["rfi"])
        assert article.story_id == before
        assert article.story_features["basis"].startswith(f"r{revision}:")  # read from the new revision


def test_eval_and_bench_stories(tmp_path: Path):
    report = json.loads(run("eval", "stories", "--json", "--translations", "human", "--no-cold"))
    (tfidf,) = report["scores"]
    assert tfidf["method"] == "tfidf" and tfidf["articles"] > 50
    assert (tfidf["translations"], tfidf["run"]) == ("human", "warm")
    assert 0.9 <= tfidf["f1"] <= 1.0
    rows = json.loads(run("bench", "stories", "--sizes", "30,60", "--placements", "2", "--json"))
    assert [r["stories"] for r in rows] == [30, 60]
    run("eval", "stories", str(tmp_path / "missing"), code=2)
    run("eval", "stories", "--translations", "google", code=2)
