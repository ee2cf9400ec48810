"""Extraction quality: snippet precision/recall/F1 of babelwire against plain trafilatura.

The dataset (trafilatura's evaluation format) maps each page URL to ``{"file", "with",
"without"}``: snippets the article text must contain and snippets it must not. Scoring follows
trafilatura's own evaluation: a "with" snippet found is a true positive, else a false negative; a
"without" snippet found is a false positive, else a true negative; totals are summed over pages.

Choices, so that numbers are comparable:
- babelwire is scored on what its reader sees: the title, then ``Document.text`` (the body
  blocks). trafilatura keeps a headline printed in the article body as its first line, while
  babelwire moves it to ``Document.title`` and removes the repeat from the body, so scoring the
  body alone would count that deliberate move as a miss. The body-only score is reported too, as
  "babelwire (body)". A page raising ExtractionError scores as empty text (every "with" snippet
  missed).
- Text and snippets are compared in NFC, without invisible characters (soft hyphens, zero-width
  spaces) and with whitespace runs collapsed to one space, for both systems: both remove soft
  hyphens from their output, and they render line breaks differently.
- A page's language is lingua's verdict on its "with" snippets joined (the gold article text),
  else the ``<html lang>`` attribute, else "unknown".

Datasets: the public development set (trafilatura's evaluation pages, ``../shared/data/extraction-dev``
in a development checkout) and babelwire's own news pages, :data:`EXTRACTION_NEWS` (French,
Spanish, Italian, Russian and Arabic pages written for babelwire from real page families, one or
more families per page, CC0; see its README). Both use the same layout, and
:func:`evaluate_extraction` scores one folder or several together.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from rich.table import Table

from babelwire.errors import ExtractionError
from babelwire.extract import detect_language, extract_document
from babelwire.extract.encoding import decode_html

logger = logging.getLogger(__name__)

# babelwire's own news pages (same layout as the public development set).
EXTRACTION_NEWS = Path(__file__).resolve().parent / "data" / "extraction-news"

SYSTEMS: tuple[str, ...] = ("babelwire", "babelwire (body)", "trafilatura")
# Systems that are run (and timed); "babelwire (body)" is scored from babelwire's run.
_RUNS: tuple[str, ...] = ("babelwire", "trafilatura")
# Languages with fewer pages are reported together as "other", except the languages of the news
# wires babelwire is built for, which always have a row of their own.
MIN_PAGES_PER_LANGUAGE = 15
NEWS_LANGUAGES = frozenset({"fr", "de", "en", "es", "it", "ru", "ar"})
_HTML_LANG = re.compile(r"<html[^>]*?\slang\s*=\s*[\"']?([a-zA-Z]{2})\b", re.I)


@dataclass(slots=True)
class Scores:
    """Snippet counts over a set of pages, and the measures derived from them."""

    pages: int = 0
    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0

    def add(self, other: Scores) -> None:
        self.pages += other.pages
        self.true_positives += other.true_positives
        self.false_negatives += other.false_negatives
        self.false_positives += other.false_positives
        self.true_negatives += other.true_negatives

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.true_positives + self.false_negatives + self.false_positives + self.true_negatives
        return (self.true_positives + self.true_negatives) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages, "true_positives": self.true_positives, "false_negatives": self.false_negatives,
            "false_positives": self.false_positives, "true_negatives": self.true_negatives,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "accuracy": round(self.accuracy, 4),
        }


@dataclass(slots=True)
class ExtractionReport:
    """Scores per system, overall and per page language, plus extraction time per system."""

    overall: dict[str, Scores] = field(default_factory=lambda: {s: Scores() for s in SYSTEMS})
    by_language: dict[str, dict[str, Scores]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SYSTEMS, 0.0))
    pages: int = 0
    skipped: int = 0  # entries whose page file is absent

    def ms_per_page(self, system: str) -> float:
        return 1000 * self.seconds[system] / self.pages if self.pages else 0.0


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(text.split())


def score_text(text: str, wanted: list[str], unwanted: list[str]) -> Scores:
    """The snippet counts of one page's extracted text (empty text finds nothing)."""
    flat = _comparable(text)
    scores = Scores(pages=1)
    for snippet in wanted:
        if flat and _comparable(snippet) in flat:
            scores.true_positives += 1
        else:
            scores.false_negatives += 1
    for snippet in unwanted:
        if flat and _comparable(snippet) in flat:
            scores.false_positives += 1
        else:
            scores.true_negatives += 1
    return scores


def evaluate_extraction(
    dataset_dir: Path | Sequence[Path],
    *,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractionReport:
    """Score babelwire and plain trafilatura on every page of an evaluation dataset (or of several,
    scored together: the public set and :data:`EXTRACTION_NEWS`, say)."""
    folders = [dataset_dir] if isinstance(dataset_dir, Path) else list(dataset_dir)
    report = ExtractionReport()
    present: list[tuple[str, dict[str, Any], Path]] = []
    for folder in folders:
        entries = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
        for url, entry in entries.items():
            path = _page_path(folder, entry["file"])
            if path is None:
                report.skipped += 1
            else:
                present.append((url, entry, path))
    if limit is not None:
        present = present[:limit]
    for done, (url, entry, path) in enumerate(present, start=1):
        raw = path.read_bytes()
        data = gzip.decompress(raw) if path.suffix == ".gz" else raw
        wanted, unwanted = list(entry.get("with", [])), list(entry.get("without", []))
        language = _page_language(wanted, data)
        per_language = report.by_language.setdefault(language, {s: Scores() for s in SYSTEMS})
        texts: dict[str, str] = {}
        for system in _RUNS:
            started = time.perf_counter()
            texts.update(_run(system, data, url))
            report.seconds[system] += time.perf_counter() - started
        report.seconds["babelwire (body)"] = report.seconds["babelwire"]
        for system in SYSTEMS:
            scores = score_text(texts[system], wanted, unwanted)
            report.overall[system].add(scores)
            per_language[system].add(scores)
        report.pages += 1
        if progress is not None:
            progress(done, len(present))
    return report


def _page_path(dataset_dir: Path, name: str) -> Path | None:
    for candidate in (dataset_dir / "html" / f"{name}.gz", dataset_dir / "html" / name):
        if candidate.is_file():
            return candidate
    return None


def _run(system: str, data: bytes, url: str) -> dict[str, str]:
    """The text(s) one system extracts from a page, by system name."""
    if system == "babelwire":
        try:
            document = extract_document(data, url)
        except ExtractionError as exc:
            logger.debug("babelwire found nothing in %s: %s", url, exc.reason)
            return {"babelwire": "", "babelwire (body)": ""}
        return {"babelwire": f"{document.title or ''}\n\n{document.text}", "babelwire (body)": document.text}
    # The baseline exactly as a user would call it: default settings, bytes decoded by trafilatura.
    return {"trafilatura": trafilatura.extract(data, url=url) or ""}


def _page_language(wanted: list[str], data: bytes) -> str:
    detected = detect_language(" ".join(wanted))
    if detected:
        return detected
    match = _HTML_LANG.search(decode_html(data[:8192]))
    return match.group(1).lower() if match else "unknown"


def _scopes(report: ExtractionReport) -> list[tuple[str, dict[str, Scores]]]:
    """("overall", …), then languages by page count, small ones merged into "other"."""
    scopes: list[tuple[str, dict[str, Scores]]] = [("overall", report.overall)]
    other = {s: Scores() for s in SYSTEMS}
    ranked = sorted(report.by_language.items(), key=lambda item: (-item[1][SYSTEMS[0]].pages, item[0]))
    for language, scores in ranked:
        if scores[SYSTEMS[0]].pages >= MIN_PAGES_PER_LANGUAGE or language in NEWS_LANGUAGES:
            scopes.append((language, scores))
        else:
            for system in SYSTEMS:
                other[system].add(scores[system])
    if other[SYSTEMS[0]].pages:
        scopes.append(("other", other))
    return scopes


def report_table(report: ExtractionReport) -> Table:
    """A Rich table: one row per scope (overall, each language) and system."""
    table = Table(title=f"extraction quality ({report.pages} pages, {report.skipped} entries without a page)")
    for column in ("scope", "system", "pages", "precision", "recall", "F1", "accuracy"):
        table.add_column(column, justify="left" if column in ("scope", "system") else "right")
    for scope, scores in _scopes(report):
        best = max(scores[s].f1 for s in SYSTEMS)
        for system in SYSTEMS:
            s = scores[system]
            f1 = f"{s.f1:.3f}"
            table.add_row(scope, system, str(s.pages), f"{s.precision:.3f}", f"{s.recall:.3f}",
                          f"[bold]{f1}[/bold]" if s.f1 == best else f1, f"{s.accuracy:.3f}")
        table.add_section()
    table.caption = " · ".join(f"{s}: {report.ms_per_page(s):.0f} ms/page" for s in _RUNS)
    return table


def report_dict(report: ExtractionReport) -> dict[str, Any]:
    """The report as plain data (for ``--json``)."""
    return {
        "pages": report.pages,
        "skipped": report.skipped,
        "ms_per_page": {s: round(report.ms_per_page(s), 1) for s in _RUNS},
        "overall": {s: report.overall[s].to_dict() for s in SYSTEMS},
        "by_language": {
            language: {s: scores[s].to_dict() for s in SYSTEMS}
            for language, scores in sorted(report.by_language.items())
        },
    }
