"""Reading articles out of the store in the shapes the CLI, the web pages and the API share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from babelwire.store.database import Store
from babelwire.store.models import Article, ArticleURL, ErrorRecord, Revision, Source, Translation


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def list_articles(
    store: Store, *, source_id: int | None = None, language: str | None = None, limit: int | None = None,
    offset: int = 0, target: str | None = None,
) -> list[dict[str, Any]]:
    """Articles newest first (by first seen), each with its source and revision count, and with
    ``target`` the title of its newest revision's translation into it (None if there is none)."""
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
        rows = session.execute(query).all()
        translated: dict[int, str | None] = {}
        if target and rows:
            newest = (
                select(Revision.article_id, func.max(Revision.number).label("number"))
                .where(Revision.article_id.in_([article.id for article, _name, _count in rows]))
                .group_by(Revision.article_id).subquery()
            )
            for article_id, document in session.execute(
                select(Revision.article_id, Translation.document)
                .join(newest, (newest.c.article_id == Revision.article_id) & (newest.c.number == Revision.number))
                .join(Translation, (Translation.revision_id == Revision.id) & (Translation.target == target))
            ):
                translated[article_id] = (document or {}).get("title")
        return [
            {
                "id": article.id,
                "url": article.url,
                "title": article.title,
                "translated_title": translated.get(article.id),
                "language": article.language,
                "source": source_name,
                "source_id": article.source_id,
                "revisions": count,
                "first_seen_at": _iso(article.first_seen_at),
                "published": _iso(article.published),
                "last_error": article.last_error,
            }
            for article, source_name, count in rows
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
        "provenance": translation.provenance or {},
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
        # Why the newest revision has no translation, if translating it failed: the article's own
        # record, else its source's (one failing pair records one reason per source).
        newest_at = revisions[-1].fetched_at if revisions else article.first_seen_at
        translate_error = session.scalar(
            select(ErrorRecord.reason)
            .where(ErrorRecord.stage == "translate", ErrorRecord.at >= newest_at,
                   (ErrorRecord.article_id == article.id)
                   | ((ErrorRecord.article_id.is_(None)) & (ErrorRecord.source_id == article.source_id)))
            .order_by(ErrorRecord.article_id.is_(None), ErrorRecord.at.desc()).limit(1)
        )
        return {
            "id": article.id,
            "url": article.url,
            "urls": urls,
            "translate_error": translate_error,
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
