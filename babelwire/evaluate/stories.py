"""Story grouping quality: B-cubed precision, recall and F1 against labelled groups.

The articles of a dataset are stored in a temporary SQLite store (original revision, plus a
translation into English when the dataset gives one) and placed by the real online grouping
(``stories.grouping.assign_story``) one by one in time order, as the pipeline would.

Dataset: a ``.jsonl`` file (one article per line), a ``.json`` file (a list of articles), or a
folder of such files. An article is an object with
``id`` (unique), ``group`` (the label: articles with the same label report the same event),
``source`` (outlet name), ``language``, ``published`` (ISO 8601), ``title``, ``text`` (paragraphs
separated by blank lines) and, when ``language`` is not English, ``translated_title`` and
``translated_text`` (the English the grouping reads). ``url`` is optional. ``apertium_title`` /
``apertium_text`` hold a machine translation by Apertium (``evaluate.machine_translations``), read
instead with ``translations="apertium"``: what a store without a neural model groups by.

Two kinds of run: **warm** — every article placed in one store in time order; **cold** — fresh
stores, each receiving only ``n`` consecutive articles of the timeline (n = 2, 5, 10; windows
overlapping by half), as a new install, a new language or a quiet night does. Cold scores pool
every window's articles (B-cubed within each window).
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babelwire.config import Settings
from babelwire.document import Block, Document
from babelwire.errors import BabelwireError
from babelwire.store import Store
from babelwire.store.bulk import NewArticle, NewSource, add_articles
from babelwire.stories.grouping import GroupingParams, assign_story

log = logging.getLogger(__name__)
TARGET = "en"
_REQUIRED = ("id", "group", "source", "language", "published", "title", "text")

#: The labelled development set shipped with babelwire (its README says what is in it).
STORIES_DEV = Path(__file__).resolve().parent / "data" / "stories-dev"


@dataclass(slots=True)
class StoriesScore:
    """B-cubed scores of one run (one representation and its thresholds)."""

    method: str
    join: float
    stay: float
    translations: str  # "human" or "apertium"
    run: str  # "warm" or "cold"
    articles: int
    groups: int
    stories: int
    precision: float
    recall: float
    f1: float
    seconds: float

    @property
    def ms_per_article(self) -> float:
        return 1000 * self.seconds / self.articles if self.articles else 0.0


@dataclass(slots=True)
class StoriesReport:
    """Scores of every compared representation on one dataset, and where each article went."""

    dataset: str
    scores: list[StoriesScore] = field(default_factory=list)
    assignments: dict[str, dict[str, int]] = field(default_factory=dict)  # method → article id → story

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "scores": [
                {"method": s.method, "join": s.join, "stay": s.stay, "translations": s.translations, "run": s.run,
                 "articles": s.articles, "groups": s.groups,
                 "stories": s.stories, "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                 "f1": round(s.f1, 4), "ms_per_article": round(s.ms_per_article, 2)}
                for s in self.scores
            ],
        }


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of a clustering against gold labels, over gold's items."""
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    by_pred: dict[Hashable, set[str]] = defaultdict(set)
    by_gold: dict[Hashable, set[str]] = defaultdict(set)
    for item in items:
        by_pred[predicted.get(item, ("unassigned", item))].add(item)
        by_gold[gold[item]].add(item)
    precision = recall = 0.0
    for item in items:
        cluster = by_pred[predicted.get(item, ("unassigned", item))]
        group = by_gold[gold[item]]
        correct = len(cluster & group)
        precision += correct / len(cluster)
        recall += correct / len(group)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_dataset(path: Path | str) -> list[dict[str, Any]]:
    """The articles of a dataset file or folder, checked, oldest first."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl")) if path.is_dir() else [path]
    if not files:
        raise BabelwireError(f"no .json or .jsonl dataset in {path}")
    articles: list[dict[str, Any]] = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        try:
            if file.suffix == ".json":
                rows = json.loads(text)
            else:
                rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise BabelwireError(f"{file}: not valid JSON: {exc}") from exc
        for row in rows:
            missing = [key for key in _REQUIRED if not row.get(key)]
            if missing:
                raise BabelwireError(f"{file}: article {row.get('id')!r} lacks {', '.join(missing)}")
            articles.append(row)
    ids = [a["id"] for a in articles]
    if len(ids) != len(set(ids)):
        raise BabelwireError(f"{path}: article ids are not unique")
    return sorted(articles, key=lambda a: (_time(a["published"]), a["id"]))


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _document(title: str, text: str, language: str, published: datetime) -> dict[str, Any]:
    blocks = [Block("paragraph", part.strip()) for part in text.split("\n\n") if part.strip()]
    return Document(title=title, blocks=blocks, language=language, published=published).to_stored()


TRANSLATIONS = ("human", "apertium")  # which English a run reads: the set's reference, or Apertium's
COLD_SIZES = (2, 5, 10)


def _translation_fields(row: dict[str, Any], translations: str) -> tuple[str | None, str | None]:
    if translations == "apertium":
        return row.get("apertium_title"), row.get("apertium_text")
    return row.get("translated_title"), row.get("translated_text")


def store_articles(store: Store, articles: Iterable[dict[str, Any]], *,
                   translations: str = "human") -> dict[str, int]:
    """Insert dataset articles (revision + English translation when given: the reference, or with
    ``translations="apertium"`` Apertium's); dataset id → article id."""
    keys: list[str] = []
    new: list[NewArticle] = []
    for row in articles:
        published = _time(row["published"])
        translated = None
        title, text = _translation_fields(row, translations)
        if row["language"] != TARGET and translations == "apertium" and not (title or text):
            raise BabelwireError(f"article {row['id']!r} has no Apertium translation: run "
                                 "`python -m babelwire.evaluate.machine_translations` on the dataset")
        if title or text:
            translated = _document(title or row["title"], text or row["text"], TARGET, published)
        keys.append(row["id"])
        new.append(NewArticle(
            url=row.get("url") or f"dataset:{row['id']}", source=NewSource(f"dataset:{row['source']}", row["source"]),
            document=_document(row["title"], row["text"], row["language"], published), content_hash=row["id"],
            title=row["title"], language=row["language"], published=published, translation=translated,
            target=TARGET, engine="apertium" if translations == "apertium" else "dataset",
        ))
    return dict(zip(keys, add_articles(store, new), strict=True))


def run_grouping(articles: list[dict[str, Any]], params: GroupingParams, *, window: str = "72h",
                 translations: str = "human") -> tuple[dict[str, int], float]:
    """Group dataset articles in a temporary store; (dataset id → story id, seconds spent placing)."""
    with tempfile.TemporaryDirectory(prefix="babelwire-stories-") as folder:
        settings = Settings(home=Path(folder))
        settings.translate.to = [TARGET]
        settings.stories.window = window
        store = Store(f"sqlite:///{Path(folder) / 'eval.db'}")
        try:
            ids = store_articles(store, articles, translations=translations)
            start = time.perf_counter()
            stories = {key: assign_story(store, article_id, settings, params=params) for key, article_id in ids.items()}
            seconds = time.perf_counter() - start
        finally:
            store.close()
    return stories, seconds


def cold_windows(articles: list[dict[str, Any]], sizes: Iterable[int] = COLD_SIZES) -> list[list[dict[str, Any]]]:
    """Runs of a young store: ``n`` consecutive articles of the timeline for each size, windows
    overlapping by half (a set smaller than ``n`` is one window)."""
    windows = []
    for n in sizes:
        step = max(1, n // 2)
        for start in range(0, max(1, len(articles) - n + 1), step):
            windows.append(articles[start:start + n])
    return windows


def bcubed_pooled(runs: Iterable[tuple[Mapping[str, Hashable], Mapping[str, Hashable]]]) -> tuple[float, float, float]:
    """B-cubed over the articles of several independent runs ((predicted, gold) each), every article
    scored within its own run, all weighing the same."""
    precision = recall = 0.0
    count = 0
    for predicted, gold in runs:
        p, r, _ = bcubed(predicted, gold)
        precision += p * len(gold)
        recall += r * len(gold)
        count += len(gold)
    if not count:
        return 0.0, 0.0, 0.0
    precision, recall = precision / count, recall / count
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def evaluate_stories(dataset: Path | str, *, methods: Iterable[str] = ("tfidf",),
                     params: Iterable[GroupingParams] | None = None,
                     translations: Iterable[str] = ("human",), cold: bool = False) -> StoriesReport:
    """B-cubed P/R/F1 of the online grouping on a labelled dataset, per representation and per
    translation set; warm runs, and with ``cold`` the young-store runs too (:func:`cold_windows`)."""
    articles = load_dataset(dataset)
    gold = {a["id"]: a["group"] for a in articles}
    report = StoriesReport(dataset=str(dataset))
    runs = list(params) if params is not None else [GroupingParams.for_method(m) for m in methods]
    for which in translations:
        if which not in TRANSLATIONS:
            raise BabelwireError(f"unknown translation set {which!r} (use {', '.join(TRANSLATIONS)})")
        for run in runs:
            predicted, seconds = run_grouping(articles, run, translations=which)
            precision, recall, f1 = bcubed(predicted, gold)
            report.scores.append(StoriesScore(
                method=run.method, join=run.join, stay=run.stay, translations=which, run="warm",
                articles=len(articles), groups=len(set(gold.values())), stories=len(set(predicted.values())),
                precision=precision, recall=recall, f1=f1, seconds=seconds,
            ))
            report.assignments[f"{run.method}@{run.join}/{which}"] = predicted
            log.info("stories eval %s join=%.2f %s warm: P=%.3f R=%.3f F1=%.3f", run.method, run.join, which,
                     precision, recall, f1)
            if not cold:
                continue
            outcomes, seconds, placed, made = [], 0.0, 0, 0
            for window in cold_windows(articles):
                found, spent = run_grouping(window, run, translations=which)
                outcomes.append((found, {a["id"]: a["group"] for a in window}))
                seconds += spent
                placed += len(window)
                made += len(set(found.values()))
            precision, recall, f1 = bcubed_pooled(outcomes)
            report.scores.append(StoriesScore(
                method=run.method, join=run.join, stay=run.stay, translations=which, run="cold", articles=placed,
                groups=sum(len(set(g.values())) for _, g in outcomes), stories=made,
                precision=precision, recall=recall, f1=f1, seconds=seconds,
            ))
            log.info("stories eval %s join=%.2f %s cold: P=%.3f R=%.3f F1=%.3f", run.method, run.join, which,
                     precision, recall, f1)
    return report
