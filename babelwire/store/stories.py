"""The grouping stage's queries and writes; ``stories.grouping`` decides, this module reads and writes.

Reading an article for grouping and listing the articles to place take a ``Store`` and open their
own read session. A placement is one transaction, opened by ``stories.grouping.assign_story``
(``store.transaction()``) and handed to the functions here that take a ``Session``: the placement
lock, the article row locked for update, the candidate stories, the writes and a story's members.
The comparison of vectors between them stays in the stage. Every function selects columns, never
ORM entities, and returns plain values or the small frozen dataclasses below; each is one round
trip (``article_text``: three), so a placement costs the same few queries whatever the archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, text, update
from sqlalchemy.orm import Session

from babelwire.store.database import Store
from babelwire.store.models import Article, Revision, Source, Story, Translation, utcnow

PLACEMENT_LOCK_KEY = 0x6277_7374  # "bwst": serialises placements on PostgreSQL (SQLite: BEGIN IMMEDIATE)


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What an article is grouped by: its newest revision, read in the target language when it has
    a translation into it (``translation_id`` set, ``document`` the translation's), else the original.
    ``revision_id`` and ``document`` are None when the article has no revision yet."""

    id: int
    url: str
    title: str | None
    published: datetime | None
    first_seen_at: datetime | None
    story_id: int | None
    story_features: dict[str, Any] | None
    revision_id: int | None
    translation_id: int | None
    document: dict[str, Any] | None
    language: str | None = None  # the article's own language
    original: dict[str, Any] | None = None  # the newest revision's document, in that language


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article is placed now (its story and what it was placed by)."""

    story_id: int | None
    story_features: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class StoryVector:
    """A story as grouping compares it: its id and its features (centroid, count…)."""

    id: int
    features: dict[str, Any] | None
    start_at: datetime | None = None
    end_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoryMember:
    """An article of a story: its grouping features and its time (published, else first seen)."""

    id: int
    story_features: dict[str, Any] | None
    at: datetime | None


def _article_time() -> Any:
    return func.coalesce(Article.published, Article.first_seen_at)


# --- reading (own session) -------------------------------------------------------------------------
def article_text(store: Store, article_id: int, target: str) -> ArticleText | None:
    """The article, its placement and the document of its newest revision in ``target`` (translation
    when there is one, else the original); None if there is no such article."""
    with store.session() as session:
        article = session.execute(
            select(Article.id, Article.url, Article.title, Article.published, Article.first_seen_at,
                   Article.story_id, Article.story_features, Article.language).where(Article.id == article_id)
        ).first()
        if article is None:
            return None
        revision = session.execute(
            select(Revision.id, Revision.document).where(Revision.article_id == article_id)
            .order_by(Revision.number.desc()).limit(1)
        ).first()
        translation = None
        if revision is not None:
            translation = session.execute(
                select(Translation.id, Translation.document)
                .where(Translation.revision_id == revision.id, Translation.target == target)
            ).first()
    document = translation.document if translation is not None else revision.document if revision else None
    return ArticleText(
        id=article.id, url=article.url, title=article.title, published=article.published,
        first_seen_at=article.first_seen_at, story_id=article.story_id, story_features=article.story_features,
        revision_id=revision.id if revision is not None else None,
        translation_id=translation.id if translation is not None else None, document=document,
        language=article.language or ((revision.document or {}).get("language") if revision is not None else None),
        original=revision.document if revision is not None else None,
    )


def pending_articles(store: Store, target: str, *, limit: int | None = None,
                     among: list[int] | None = None) -> list[int]:
    """Articles ready to group in ``target`` (newest revision translated into it, or the article
    already in it), oldest first: those without a story, or, with ``among``, those ids whether
    placed or not."""
    # correlate(): nested in EXISTS, the subquery would otherwise take the newest revision of all
    # articles instead of this one's.
    newest = select(func.max(Revision.id)).where(Revision.article_id == Article.id).correlate(Article).scalar_subquery()
    translated = exists().where(Translation.revision_id == newest, Translation.target == target)
    chosen = Article.story_id.is_(None) if among is None else Article.id.in_(among)
    query = (
        select(Article.id)
        .join(Source, Source.id == Article.source_id)
        .where(chosen, newest.is_not(None),
               translated | (func.coalesce(Source.language, Article.language) == target))
        .order_by(_article_time(), Article.id)
    )
    if limit is not None:
        query = query.limit(limit)
    with store.session() as session:
        return list(session.scalars(query))


def articles_of_revisions(store: Store, revision_ids: list[int]) -> list[int]:
    """The articles these revisions belong to, sorted, each once."""
    if not revision_ids:
        return []
    with store.session() as session:
        return sorted(set(session.scalars(select(Revision.article_id).where(Revision.id.in_(revision_ids)))))


# --- one placement (the caller's transaction) ------------------------------------------------------
def lock_placements(session: Session) -> None:
    """Serialise placements until the transaction ends: a PostgreSQL advisory lock (on SQLite the
    transaction's BEGIN IMMEDIATE already holds the write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLACEMENT_LOCK_KEY})


def placement_for_update(session: Session, article_id: int) -> Placement | None:
    """The article's current placement, its row locked until the transaction ends; None if it is gone."""
    row = session.execute(
        select(Article.story_id, Article.story_features).where(Article.id == article_id).with_for_update()
    ).first()
    return None if row is None else Placement(row.story_id, row.story_features)


def candidate_stories(session: Session, at: datetime, window: timedelta, cap: int) -> list[StoryVector]:
    """The stories whose span overlaps ``at`` ± ``window``, newest (by end) first, at most ``cap``."""
    # Both bounds use indexed columns; newest first so the cap drops the oldest stories.
    rows = session.execute(
        select(Story.id, Story.features, Story.start_at, Story.end_at)
        .where(Story.end_at >= at - window, Story.start_at <= at + window)
        .order_by(Story.end_at.desc())
        .limit(cap)
    )
    return [StoryVector(row.id, row.features, row.start_at, row.end_at) for row in rows]


def story_vector(session: Session, story_id: int) -> StoryVector | None:
    """One story's features; None if it no longer exists."""
    row = session.execute(
        select(Story.id, Story.features, Story.start_at, Story.end_at).where(Story.id == story_id)).first()
    return None if row is None else StoryVector(row.id, row.features, row.start_at, row.end_at)


def new_story(session: Session, title: str, at: datetime) -> int:
    """A new, still empty story spanning ``at``; its id."""
    return session.execute(
        insert(Story).values(title=title, start_at=at, end_at=at, article_count=0).returning(Story.id)
    ).scalar_one()


def place_article(session: Session, article_id: int, story_id: int, story_features: dict[str, Any]) -> None:
    """Put the article in the story, remembering what it was placed by."""
    session.execute(
        update(Article).where(Article.id == article_id).values(story_id=story_id, story_features=story_features)
    )


def story_members(session: Session, story_id: int) -> list[StoryMember]:
    """The articles of a story, oldest first (by published, else first seen; then id)."""
    at = _article_time()
    rows = session.execute(
        select(Article.id, Article.story_features, at.label("at"))
        .where(Article.story_id == story_id)
        .order_by(at, Article.id)
    )
    return [StoryMember(row.id, row.story_features, row.at) for row in rows]


def update_story(session: Session, story_id: int, *, features: dict[str, Any], title: str | None,
                 start_at: datetime | None, end_at: datetime | None, article_count: int) -> None:
    """Store a rebuilt story (stamped updated now); a None ``title`` keeps the current one."""
    values: dict[str, Any] = {"features": features, "start_at": start_at, "end_at": end_at,
                              "article_count": article_count, "updated_at": utcnow()}
    if title is not None:
        values["title"] = title
    session.execute(update(Story).where(Story.id == story_id).values(**values))


def delete_story(session: Session, story_id: int) -> None:
    """Remove a story (one left without articles)."""
    session.execute(delete(Story).where(Story.id == story_id))
