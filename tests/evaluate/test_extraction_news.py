"""babelwire's own news pages (French, Spanish, Italian, Russian, Arabic): every family they hold is
handled, and ``evaluate_extraction`` scores them alone or with another folder."""

from __future__ import annotations

import json
from pathlib import Path

from babelwire.evaluate.extraction import EXTRACTION_NEWS, _comparable, evaluate_extraction, report_dict
from babelwire.extract import extract_document


def _entries() -> dict[str, dict]:
    return json.loads((EXTRACTION_NEWS / "evaldata.json").read_text(encoding="utf-8"))


def test_the_pages_cover_the_languages_and_each_has_furniture() -> None:
    entries = _entries()
    assert len(entries) >= 15
    files = [entry["file"] for entry in entries.values()]
    for language in ("fr", "es", "it", "ru", "ar"):
        assert sum(name.startswith(f"{language}-") for name in files) >= 3, language
    for entry in entries.values():
        assert (EXTRACTION_NEWS / "html" / entry["file"]).is_file()
        assert len(entry["with"]) >= 3 and len(entry["without"]) >= 4
    assert "CC0" in (EXTRACTION_NEWS / "README.md").read_text(encoding="utf-8")


def test_babelwire_keeps_the_text_and_drops_every_family() -> None:
    failures = []
    for url, entry in _entries().items():
        document = extract_document((EXTRACTION_NEWS / "html" / entry["file"]).read_bytes(), url)
        flat = _comparable(f"{document.title}\n\n{document.text}")
        failures += [(entry["file"], "missing", s) for s in entry["with"] if _comparable(s) not in flat]
        failures += [(entry["file"], "kept", s) for s in entry["without"] if _comparable(s) in flat]
    assert failures == []


def test_evaluation_per_language_and_with_another_folder(tmp_path: Path) -> None:
    report = evaluate_extraction(EXTRACTION_NEWS)
    data = report_dict(report)
    assert data["pages"] == len(_entries())
    assert data["overall"]["babelwire"]["precision"] == 1.0 and data["overall"]["babelwire"]["recall"] == 1.0
    assert set(data["by_language"]) == {"fr", "es", "it", "ru", "ar"}
    # plain trafilatura keeps furniture on these pages: the comparison means something
    assert data["overall"]["trafilatura"]["precision"] < 0.8

    other = tmp_path / "other"
    (other / "html").mkdir(parents=True)
    (other / "html" / "one.html").write_text(
        "<html><body><article><p>Un seul paragraphe, assez long pour être un article de presse, "
        "qui raconte la réunion du conseil municipal de mardi soir.</p></article></body></html>", encoding="utf-8")
    (other / "evaldata.json").write_text(json.dumps(
        {"https://example.org/one": {"file": "one.html", "with": ["Un seul paragraphe"], "without": ["absent"]}}),
        encoding="utf-8")
    both = evaluate_extraction([EXTRACTION_NEWS, other])
    assert both.pages == report.pages + 1
    assert both.overall["babelwire"].true_positives == report.overall["babelwire"].true_positives + 1
