"""Story fixtures: a real SQLite store and a helper that stores an article as the pipeline would
(a revision of the original, plus a translation into English for French articles)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from babelwire.config import Settings
from babelwire.document import Block, Document
from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Translation

AddArticle = Callable[..., int]


# ``store`` (SQLite, then PostgreSQL: every grouping test runs on both) is in tests/conftest.py.


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path)


def _doc(title: str, paragraphs: list[str], language: str, published: datetime) -> dict:
    return Document(title=title, blocks=[Block("paragraph", p) for p in paragraphs], language=language,
                    published=published).to_dict()


def add_revision(store: Store, article_id: int, title: str, paragraphs: list[str], *, language: str = "en",
                 translated: tuple[str, list[str]] | None = None) -> int:
    """A new revision of an article (and its English translation); the revision id."""
    with store.transaction() as session:
        article = session.get(Article, article_id)
        number = len(session.query(Revision).filter(Revision.article_id == article_id).all()) + 1
        revision = Revision(article_id=article_id, number=number, content_hash=f"{article_id}:{number}",
                            document=_doc(title, paragraphs, language, article.published))
        session.add(revision)
        session.flush()
        if translated is not None:
            session.add(Translation(revision_id=revision.id, target="en", engine="test", engine_id="test",
                                    document=_doc(translated[0], translated[1], "en", article.published),
                                    flags={}))
        return revision.id


@pytest.fixture
def add_article(store: Store) -> AddArticle:
    sources: dict[str, int] = {}

    def add(outlet: str, url: str, published: str, title: str, paragraphs: list[str], *, language: str = "en",
            translated: tuple[str, list[str]] | None = None) -> int:
        with store.transaction() as session:
            if outlet not in sources:
                source = Source(url=f"https://{outlet}.example/feed", kind="feed", name=outlet, interval=900,
                                language=language, consecutive_failures=0)
                session.add(source)
                session.flush()
                sources[outlet] = source.id
            article = Article(url=url, source_id=sources[outlet], title=title, language=language,
                              published=datetime.fromisoformat(published), consecutive_failures=0)
            session.add(article)
            session.flush()
            article_id = article.id
        add_revision(store, article_id, title, paragraphs, language=language, translated=translated)
        return article_id

    return add
