"""Web fixtures: a real store (SQLite, then PostgreSQL) filled with rows through the models, and a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from babelwire.alerts.service import WatchService
from babelwire.config import Settings, load_settings
from babelwire.document import Document
from babelwire.pipeline.subscriptions import SourceService
from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Story, Translation

T0 = datetime(2022, 1, 12, 18, 0, tzinfo=UTC)


class Newsroom:
    """Puts sources, articles, revisions, translations and stories into a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._clock = 0

    def source(self, name: str = "Le Journal", *, url: str | None = None, language: str | None = "fr") -> int:
        with self.store.transaction() as session:
            source = Source(url=url or f"https://{name.lower().replace(' ', '-')}.example/feed.xml", kind="feed",
                            name=name, language=language, interval=1800.0, consecutive_failures=0, translate=True)
            session.add(source)
            session.flush()
            return source.id

    def article(self, source_id: int, title: str, paragraphs: list[str], *, language: str = "fr",
                url: str | None = None, translation: tuple[str, list[str]] | None = None,
                flags: list[list[str]] | None = None, engine: str = "ct2", model: str | None = "opus-mt-fr-en",
                story_id: int | None = None, block_types: list[str] | None = None,
                published: datetime | None = None) -> int:
        """An article with one revision and, if given, its English translation (title, paragraphs);
        first seen a minute after the previous one, published half an hour before unless given."""
        self._clock += 1
        seen = T0 + timedelta(minutes=self._clock)
        with self.store.transaction() as session:
            article = Article(url=url or f"https://news.example/{self._clock}", source_id=source_id, title=title,
                              language=language, first_seen_at=seen,
                              published=published or seen - timedelta(minutes=30),
                              consecutive_failures=0, story_id=story_id, last_changed_at=seen)
            session.add(article)
            session.flush()
            article_id = article.id
        self.revision(article_id, title, paragraphs, translation=translation, flags=flags, engine=engine,
                      model=model, block_types=block_types, language=language)
        return article_id

    def revision(self, article_id: int, title: str, paragraphs: list[str], *, language: str = "fr",
                 translation: tuple[str, list[str]] | None = None, flags: list[list[str]] | None = None,
                 engine: str = "ct2", model: str | None = "opus-mt-fr-en", block_types: list[str] | None = None) -> int:
        types = block_types or ["paragraph"] * len(paragraphs)
        document = _document(title, paragraphs, types, language)
        with self.store.transaction() as session:
            number = len(session.get(Article, article_id).revisions) + 1
            revision = Revision(article_id=article_id, number=number,
                                content_hash=Document.from_dict(document).content_hash(),
                                document=document, fetched_at=T0 + timedelta(hours=number))
            session.add(revision)
            session.flush()
            if translation is not None:
                t_title, t_paragraphs = translation
                session.add(Translation(
                    revision_id=revision.id, target="en", engine=engine, engine_id=f"{engine}:{model}", model=model,
                    document=_document(t_title, t_paragraphs, types, "en"),
                    flags={"title": [], "blocks": flags or [[] for _ in t_paragraphs]},
                    sentences=len(t_paragraphs), from_memory=0))
            return revision.id

    def story(self, title: str, article_ids: list[int]) -> int:
        with self.store.transaction() as session:
            story = Story(title=title, start_at=T0, end_at=T0 + timedelta(hours=2), article_count=len(article_ids),
                          updated_at=T0 + timedelta(hours=3))
            session.add(story)
            session.flush()
            for article_id in article_ids:
                session.get(Article, article_id).story_id = story.id
            return story.id


    def join(self, story_id: int, article_id: int) -> None:
        """Put one more article in a story, as grouping does."""
        with self.store.transaction() as session:
            session.get(Article, article_id).story_id = story_id
            story = session.get(Story, story_id)
            story.article_count += 1
            story.updated_at = story.updated_at + timedelta(minutes=1)


def _document(title: str, paragraphs: list[str], types: list[str], language: str) -> dict[str, Any]:
    blocks = [{"type": t, "text": p} for t, p in zip(types, paragraphs, strict=True)]
    return {"title": title, "blocks": blocks, "text": "\n\n".join(paragraphs), "language": language,
            "author": None, "published": None, "modified": None, "url": None}


@pytest.fixture
def settings(home: Path, database_url: str) -> Settings:
    """Settings of a store on SQLite, then on PostgreSQL (``database_url`` runs each test on both)."""
    return load_settings(home)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    db = Store(settings.database_url)
    yield db
    db.close()


@pytest.fixture
def newsroom(store: Store) -> Newsroom:
    return Newsroom(store)


@pytest.fixture
def client(store: Store, settings: Settings) -> Iterator[TestClient]:
    from babelwire.web.app import create_app

    with TestClient(create_app(store, settings, sources=SourceService(store, settings),
                               watches=WatchService(store, settings))) as test_client:
        yield test_client
