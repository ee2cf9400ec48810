"""evaluate_extraction on a tiny dataset in the trafilatura evaluation format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from rich.console import Console

from babelwire.evaluate.extraction import (
    ExtractionReport,
    Scores,
    evaluate_extraction,
    report_dict,
    report_table,
    score_text,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"

NO_ARTICLE = "<html><head><title>Galerie</title></head><body><nav>Accueil · Photos</nav></body></html>"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    html = tmp_path / "html"
    html.mkdir()
    (html / "fr.html.gz").write_bytes(gzip.compress((FIXTURES / "fr_news.html").read_bytes()))
    (html / "empty.html").write_text(NO_ARTICLE, encoding="utf-8")
    evaldata = {
        "https://quotidien-rhin.example/monde/climat-bonn-reprise": {
            "file": "fr.html",
            "with": ["Les délégués de près de deux cents pays", "les règles des marchés du carbone",
                     "Un calendrier   serré", "Cette phrase n'est pas dans la page"],
            "without": ["Inscrivez-vous à notre newsletter", "Mentions légales", "Absent partout"],
        },
        "https://example.org/galerie": {
            "file": "empty.html",
            "with": ["Une photo du jour", "Le texte de la galerie"],
            "without": ["Accueil"],
        },
        "https://example.org/missing": {"file": "missing.html", "with": ["x"], "without": ["y"]},
    }
    (tmp_path / "evaldata.json").write_text(json.dumps(evaldata), encoding="utf-8")
    return tmp_path


def test_counts_precision_recall_and_skips_missing_pages(dataset: Path) -> None:
    calls: list[tuple[int, int]] = []
    report = evaluate_extraction(dataset, progress=lambda done, total: calls.append((done, total)))

    assert report.pages == 2
    assert report.skipped == 1
    assert calls == [(1, 2), (2, 2)]

    babelwire = report.overall["babelwire"]
    # French page: 3 of 4 "with" found (whitespace-insensitive), newsletter and footer filtered out;
    # page without an article: ExtractionError counts as empty text, nothing found.
    assert (babelwire.true_positives, babelwire.false_negatives) == (3, 1 + 2)
    assert (babelwire.false_positives, babelwire.true_negatives) == (0, 3 + 1)
    assert babelwire.pages == 2
    assert babelwire.precision == 1.0
    assert babelwire.recall == pytest.approx(3 / 6)
    assert babelwire.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert babelwire.accuracy == pytest.approx((3 + 4) / 10)

    assert report.by_language["fr"]["babelwire"].pages == 1
    assert report.by_language["fr"]["babelwire"].true_positives == 3
    total = report.overall["trafilatura"]
    assert total.pages == 2
    assert total.true_positives + total.false_negatives == 6
    assert total.false_positives + total.true_negatives == 4
    assert report.ms_per_page("babelwire") > 0


def test_limit(dataset: Path) -> None:
    report = evaluate_extraction(dataset, limit=1)
    assert report.pages == 1
    assert report.overall["babelwire"].true_positives == 3


def test_score_text_rules() -> None:
    scores = score_text("Un texte\n\navec des   lignes. Mot\u00adcoupé.", ["texte avec des lignes", "Motcoupé",
                                                                       "absent"], ["lignes", "rien"])
    assert (scores.true_positives, scores.false_negatives, scores.false_positives, scores.true_negatives) == \
        (2, 1, 1, 1)
    empty = score_text("", ["a"], ["b"])
    assert (empty.true_positives, empty.false_negatives, empty.false_positives, empty.true_negatives) == \
        (0, 1, 0, 1)
    assert Scores().precision == Scores().recall == Scores().f1 == 0.0


def test_table_and_json(dataset: Path) -> None:
    report = evaluate_extraction(dataset)
    data = report_dict(report)
    assert data["pages"] == 2 and data["skipped"] == 1
    assert data["overall"]["babelwire"]["recall"] == 0.5
    assert set(data["by_language"]) >= {"fr"}
    json.dumps(data)

    console = Console(width=120, record=True)
    console.print(report_table(report))
    rendered = console.export_text()
    for word in ("overall", "babelwire", "trafilatura", "precision", "recall", "F1"):
        assert word in rendered


def test_empty_report_renders() -> None:
    report = ExtractionReport()
    assert report_dict(report)["pages"] == 0
    Console(width=120, record=True).print(report_table(report))


def test_news_languages_have_their_own_row(dataset: Path) -> None:
    """French has one page here, far below the minimum, and still gets a row of its own."""
    report = evaluate_extraction(dataset)
    console = Console(width=160, record=True)
    console.print(report_table(report))
    scopes = [cells[1].strip() for line in console.export_text().splitlines() if len(cells := line.split("│")) > 2]
    assert "fr" in scopes and "other" in scopes  # the one-page "unknown" language is still merged


def test_the_command_scores_several_folders_together(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``babelwire eval extraction A B`` scores both sets as one report; a folder without
    evaldata.json is a usage error naming it."""
    from typer.testing import CliRunner

    from babelwire.cli import app
    from babelwire.evaluate.extraction import EXTRACTION_NEWS

    runner = CliRunner()
    one = runner.invoke(app, ["eval", "extraction", str(dataset), "--json"])
    both = runner.invoke(app, ["eval", "extraction", str(dataset), str(EXTRACTION_NEWS), "--json"])
    assert one.exit_code == 0 and both.exit_code == 0, both.output
    own_pages = len(json.loads((EXTRACTION_NEWS / "evaldata.json").read_text(encoding="utf-8")))
    first, second = json.loads(one.stdout), json.loads(both.stdout)
    assert second["pages"] == first["pages"] + own_pages
    assert set(second["by_language"]) > set(first["by_language"])  # the own pages' languages join

    empty = tmp_path_factory.mktemp("no-evaldata")
    bad = runner.invoke(app, ["eval", "extraction", str(dataset), str(empty)])
    assert bad.exit_code == 2 and "has no evaldata.json" in bad.output and empty.name in bad.output
