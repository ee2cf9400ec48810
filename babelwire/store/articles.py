"""Reading articles out of the store in the shapes the CLI, the web pages and the API share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from babelwire.store.database import Store
from babelwire.store.models import Article, ArticleURL, Revision, Source, Translation


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def list_articles(
    store: Store, *, source_id: int | None = None, language: str | None = None, limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Articles newest first (by first seen), each with its source and revision count."""
    revisions = (
        select(Revision.article_id, func.count(Revision.id).label("n"))
        .group_by(Revision.article_id).subquery()
    )
    query = (
        select(Article, Source.name, func.coalesce(revisions.c.n, 0))
        .join(Source, Source.id == Article.source_id)
        .outerjoin(revisions, revisions.c.article_id == Article.id)
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .offset(offset)
    )
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    if language is not None:
        query = query.where(Article.language == language)
    if limit is not None:
        query = query.limit(limit)
    with store.session() as session:
        return [
            {
                "id": article.id,
                "url": article.url,
                "title": article.title,
                "language": article.language,
                "source": source_name,
                "source_id": article.source_id,
                "revisions": count,
                "first_seen_at": _iso(article.first_seen_at),
                "published": _iso(article.published),
                "last_error": article.last_error,
            }
            for article, source_name, count in session.execute(query)
        ]


def translation_dict(translation: Translation) -> dict[str, Any]:
    return {
        "target": translation.target,
        "engine": translation.engine,
        "engine_id": translation.engine_id,
        "model": translation.model,
        "created_at": _iso(translation.created_at),
        "seconds": round(translation.seconds, 3),
        "sentences": translation.sentences,
        "from_memory": translation.from_memory,
        "document": translation.document,
        "flags": translation.flags,
    }


def get_article(store: Store, article_id: int) -> dict[str, Any] | None:
    """One article with every revision (oldest first) and their translations."""
    with store.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            return None
        source = session.get(Source, article.source_id)
        urls = sorted(session.scalars(select(ArticleURL.url).where(ArticleURL.article_id == article.id)))
        revisions = session.scalars(
            select(Revision).where(Revision.article_id == article.id).order_by(Revision.number)
        ).all()
        translations: dict[int, list[Translation]] = {}
        if revisions:
            for t in session.scalars(
                select(Translation).where(Translation.revision_id.in_([r.id for r in revisions]))
                .order_by(Translation.target)
            ):
                translations.setdefault(t.revision_id, []).append(t)
        return {
            "id": article.id,
            "url": article.url,
            "urls": urls,
            "source": source.name if source else None,
            "source_id": article.source_id,
            "story": article.story_id,
            "story_id": article.story_id,
            "language": article.language,
            "title": article.title,
            "published": _iso(article.published),
            "modified": _iso(article.modified),
            "first_seen_at": _iso(article.first_seen_at),
            "last_checked_at": _iso(article.last_checked_at),
            "last_error": article.last_error,
            "last_error_at": _iso(article.last_error_at),
            "consecutive_failures": article.consecutive_failures,
            "revisions": [
                {
                    "id": r.id,
                    "number": r.number,
                    "fetched_at": _iso(r.fetched_at),
                    "content_hash": r.content_hash,
                    "document": r.document,
                    "translations": [translation_dict(t) for t in translations.get(r.id, [])],
                }
                for r in revisions
            ],
        }
