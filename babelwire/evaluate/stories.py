"""Story grouping quality: B-cubed precision, recall and F1 against labelled groups.

The articles of a dataset are stored in a temporary SQLite store (original revision, plus a
translation into English when the dataset gives one) and placed by the real online grouping
(``stories.grouping.assign_story``) one by one in time order, as the pipeline would.

Dataset: a ``.jsonl`` file (one article per line), a ``.json`` file (a list of articles), or a
folder of such files. An article is an object with
``id`` (unique), ``group`` (the label: articles with the same label report the same event),
``source`` (outlet name), ``language``, ``published`` (ISO 8601), ``title``, ``text`` (paragraphs
separated by blank lines) and, when ``language`` is not English, ``translated_title`` and
``translated_text`` (the English the grouping reads). ``url`` is optional.
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
                {"method": s.method, "join": s.join, "stay": s.stay, "articles": s.articles, "groups": s.groups,
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


def store_articles(store: Store, articles: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Insert dataset articles (revision + English translation when given); dataset id → article id."""
    keys: list[str] = []
    new: list[NewArticle] = []
    for row in articles:
        published = _time(row["published"])
        translated = None
        if row.get("translated_title") or row.get("translated_text"):
            translated = _document(row.get("translated_title") or row["title"],
                                   row.get("translated_text") or row["text"], TARGET, published)
        keys.append(row["id"])
        new.append(NewArticle(
            url=row.get("url") or f"dataset:{row['id']}", source=NewSource(f"dataset:{row['source']}", row["source"]),
            document=_document(row["title"], row["text"], row["language"], published), content_hash=row["id"],
            title=row["title"], language=row["language"], published=published, translation=translated,
            target=TARGET, engine="dataset",
        ))
    return dict(zip(keys, add_articles(store, new), strict=True))


def run_grouping(articles: list[dict[str, Any]], params: GroupingParams, *,
                 window: str = "72h") -> tuple[dict[str, int], float]:
    """Group dataset articles in a temporary store; (dataset id → story id, seconds spent placing)."""
    with tempfile.TemporaryDirectory(prefix="babelwire-stories-") as folder:
        settings = Settings(home=Path(folder))
        settings.translate.to = [TARGET]
        settings.stories.window = window
        store = Store(f"sqlite:///{Path(folder) / 'eval.db'}")
        try:
            ids = store_articles(store, articles)
            start = time.perf_counter()
            stories = {key: assign_story(store, article_id, settings, params=params) for key, article_id in ids.items()}
            seconds = time.perf_counter() - start
        finally:
            store.close()
    return stories, seconds


def evaluate_stories(dataset: Path | str, *, methods: Iterable[str] = ("tfidf",),
                     params: Iterable[GroupingParams] | None = None) -> StoriesReport:
    """B-cubed P/R/F1 of the online grouping on a labelled dataset, per representation."""
    articles = load_dataset(dataset)
    gold = {a["id"]: a["group"] for a in articles}
    report = StoriesReport(dataset=str(dataset))
    runs = list(params) if params is not None else [GroupingParams.for_method(m) for m in methods]
    for run in runs:
        predicted, seconds = run_grouping(articles, run)
        precision, recall, f1 = bcubed(predicted, gold)
        report.scores.append(StoriesScore(
            method=run.method, join=run.join, stay=run.stay, articles=len(articles), groups=len(set(gold.values())),
            stories=len(set(predicted.values())), precision=precision, recall=recall, f1=f1, seconds=seconds,
        ))
        report.assignments[f"{run.method}@{run.join}"] = predicted
        log.info("stories eval %s join=%.2f: P=%.3f R=%.3f F1=%.3f", run.method, run.join, precision, recall, f1)
    return report
