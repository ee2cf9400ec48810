"""``babelwire story show ID --compare [--json]``: the comparison page in the terminal, its JSON
the API's own, readable at 80 columns, outlets' text never read as Rich markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.config import load_settings
from babelwire.store import Store
from babelwire.store.models import Source
from tests.web.conftest import Newsroom
from tests.web.test_web_compare import nato_story

runner = CliRunner()


def run(*args: str, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout, result.stderr


@pytest.fixture
def store(home: Path) -> Iterator[Store]:  # the CLI's own database
    home.mkdir(parents=True, exist_ok=True)
    db = Store(load_settings(home).database_url)
    yield db
    db.close()


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    found = nato_story(Newsroom(store), store)
    with store.transaction() as session:  # an outlet whose name looks like Rich markup
        session.query(Source).filter(Source.name == "Agence Copie").update({Source.name: "[bold red]Agence[/] Copie"})
    return found


def test_json_is_what_the_api_returns(home: Path, store: Store, ids: dict[str, int]):
    printed = json.loads(run("story", "show", str(ids["story"]), "--compare", "--json")[0])
    from babelwire.web.app import create_app

    with TestClient(create_app(store, load_settings(home))) as client:
        served = client.get(f"/api/stories/{ids['story']}/compare").json()
    assert printed == served
    assert printed["target"] == "en" and len(printed["articles"]) == 4
    assert any(f["only_one_outlet"] for f in printed["facts"]) and any(f["numbers_differ"] for f in printed["facts"])
    assert json.loads(run("story", "show", str(ids["story"]), "--compare", "--json", "--to", "de")[0])["target"] == "de"


def test_text_fits_80_columns_and_escapes_outlets_text(monkeypatch: pytest.MonkeyPatch, ids: dict[str, int]):
    monkeypatch.setenv("COLUMNS", "80")
    out, _ = run("story", "show", str(ids["story"]), "--compare")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = " ".join(" ".join(lines).split())
    assert "Compare: NATO–Russia" in text
    assert "only Global Wire reports this" in text
    assert "numbers differ: 12 (RT en français, RFI) · 13 ([bold red]Agence[/] Copie)" in text
    assert "[bold red]Agence[/] Copie" in out  # printed as written, not as markup
    assert "Machine translation from French by ct2 (opus-mt-fr-en). Not reviewed by a human." in text
    assert "Model licence CC-BY-4.0." in text
    assert "This article is in English: no translation needed." in text  # Global Wire's column
    assert "Alexandre Grouchko" in text and "same words: RT en français, [bold red]Agence[/] Copie" in text
    assert "(machine translation)" in text and "original: « Nous ne laisserons pas cela se produire »" in text
    assert "check: " in text  # the quality flag of RT's first paragraph


def test_nothing_to_compare(ids: dict[str, int]):
    _, err = run("story", "show", str(ids["lone"]), "--compare", code=2)
    assert "one outlet only" in err and "nothing to compare" in err
    _, err = run("story", "show", "99999", "--compare", "--json", code=2)
    assert "no story 99999" in err


def test_story_show_prints_its_timeline(monkeypatch: pytest.MonkeyPatch, ids: dict[str, int]):
    monkeypatch.setenv("COLUMNS", "80")
    out, _ = run("story", "show", str(ids["story"]))
    assert "timeline" in out and "first report" in out
    story = json.loads(run("story", "show", str(ids["story"]), "--json")[0])
    assert [e["article_id"] for e in story["timeline"]] == [ids["rt"], ids["rfi"], ids["wire"], ids["copy"]]
