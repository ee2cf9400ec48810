"""``babelwire bench stories``: the time to place one article as the archive of stories grows.

Synthetic stories (random term vectors) are bulk-inserted at a constant rate per day, ending at
the placement time, so the window always holds the same number of them whatever the archive
size: what is measured is whether the archive itself slows placement (it must not).
"""

from __future__ import annotations

import logging
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from babelwire.config import Settings
from babelwire.document import Block, Document
from babelwire.store import Store
from babelwire.store.bulk import NewArticle, NewSource, add_articles, insert_rows
from babelwire.stories.grouping import GroupingParams, assign_story

log = logging.getLogger(__name__)
NOW = datetime(2022, 1, 12, 18, 0, tzinfo=UTC)
_VOCABULARY = [f"term{i}" for i in range(20000)]


def _story_rows(start: int, count: int, per_day: int, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for k in range(start, start + count):
        at = NOW - timedelta(days=k / per_day)
        terms = {word: round(rng.uniform(1.0, 2.5), 2) for word in rng.sample(_VOCABULARY, 30)}
        rows.append({"title": f"synthetic story {k}", "created_at": at, "updated_at": at, "start_at": at,
                     "end_at": at, "article_count": 1, "features": {"terms": terms, "n": 1}})
    return rows


def _new_articles(count: int, rng: random.Random, serial: int) -> list[NewArticle]:
    source = NewSource(url=f"bench:{serial}", name="bench", language="en")
    articles = []
    for i in range(count):
        words = rng.sample(_VOCABULARY, 60)
        document = Document(title=" ".join(words[:8]), blocks=[Block("paragraph", " ".join(words[8:]))],
                            language="en", published=NOW)
        articles.append(NewArticle(url=f"bench:{serial}:{i}", source=source, document=document.to_stored(),
                                   content_hash=f"{serial}:{i}", language="en", published=NOW))
    return articles


def run_stories_bench(sizes: tuple[int, ...] = (1000, 10000, 100000), *, placements: int = 20,
                      per_day: int = 200, folder: Path | None = None) -> list[dict[str, Any]]:
    """Median milliseconds to place one article with each number of stories in the store."""
    rng = random.Random(7)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="babelwire-bench-stories-") as tmp:
        home = folder or Path(tmp)
        settings = Settings(home=home)
        settings.translate.to = ["en"]
        store = Store(f"sqlite:///{home / 'bench-stories.db'}")
        params = GroupingParams.for_method("tfidf")
        try:
            stored = 0
            for serial, size in enumerate(sorted(sizes)):
                start = time.perf_counter()
                # One transaction, executemany per chunk of 10,000 (made as they go in): a fast bulk insert.
                insert_rows(store, (("stories", _story_rows(offset, min(10000, size - offset), per_day, rng))
                                    for offset in range(stored, size, 10000)))
                build = time.perf_counter() - start
                stored = max(stored, size)
                timings = []
                for article_id in add_articles(store, _new_articles(placements, rng, serial)):
                    begin = time.perf_counter()
                    assign_story(store, article_id, settings, params=params)
                    timings.append(1000 * (time.perf_counter() - begin))
                rows.append({"stories": size, "build_seconds": round(build, 2),
                             "median_ms": round(statistics.median(timings), 2),
                             "max_ms": round(max(timings), 2), "placements": placements})
                log.info("stories bench: %s", rows[-1])
        finally:
            store.close()
    return rows
