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

from sqlalchemy import insert

from babelwire.config import Settings
from babelwire.document import Block, Document
from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Story
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


def _add_articles(store: Store, count: int, rng: random.Random, serial: int) -> list[int]:
    ids = []
    with store.transaction() as session:
        source = Source(url=f"bench:{serial}", kind="page", name="bench", interval=3600, language="en",
                        consecutive_failures=0)
        session.add(source)
        session.flush()
        for i in range(count):
            words = rng.sample(_VOCABULARY, 60)
            document = Document(title=" ".join(words[:8]), blocks=[Block("paragraph", " ".join(words[8:]))],
                                language="en", published=NOW)
            article = Article(url=f"bench:{serial}:{i}", source_id=source.id, language="en", published=NOW,
                              first_seen_at=NOW, consecutive_failures=0)
            session.add(article)
            session.flush()
            session.add(Revision(article_id=article.id, number=1, content_hash=f"{serial}:{i}",
                                 document=document.to_stored()))
            ids.append(article.id)
    return ids


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
                with store.transaction() as session:  # one transaction, executemany: fast bulk insert
                    for offset in range(stored, size, 10000):
                        chunk = min(10000, size - offset)
                        session.execute(insert(Story), _story_rows(offset, chunk, per_day, rng))
                build = time.perf_counter() - start
                stored = max(stored, size)
                timings = []
                for article_id in _add_articles(store, placements, rng, serial):
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
