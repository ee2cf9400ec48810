"""Online grouping: put each article into the story of the same event, or start a new story.

An article is read in the first target language (its newest revision's translation, else the
original when it is already in that language or was not translated), turned into a vector
(``representation``) and compared with the stories whose time span lies within the window of
its time. The candidates come from an indexed range query on ``stories.end_at`` with a cap, so
the cost of placing one article does not grow with the archive.

Placement is one transaction that also rebuilds the touched stories (centroid, representative
title, span, count). It is idempotent: the article remembers what it was placed by (revision and
translation ids), so placing it again changes nothing. It is stable: an updated article stays in
its story while its new text stays similar to it (a lower threshold than for joining).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from babelwire.config import Settings
from babelwire.errors import BabelwireError
from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Story, Translation, utcnow
from babelwire.stories import representation as rep

log = logging.getLogger(__name__)

# Thresholds chosen on the development set (README "Stories"): join = least similarity to enter a
# story; stay = least similarity for an updated article to keep its story (lower: stability).
THRESHOLDS: dict[str, tuple[float, float]] = {
    "tfidf": (0.30, 0.15),
    "embedding": (0.55, 0.40),
    "combined": (0.46, 0.32),
}
DEFAULT_METHOD = "tfidf"
MAX_CANDIDATES = 500  # stories compared per placement, newest first
_PG_LOCK_KEY = 0x6277_7374  # "bwst": serialises placements on PostgreSQL (SQLite: BEGIN IMMEDIATE)


@dataclass(frozen=True, slots=True)
class GroupingParams:
    """How articles are compared: representation, thresholds, candidate cap."""

    method: str = DEFAULT_METHOD
    join: float = THRESHOLDS[DEFAULT_METHOD][0]
    stay: float = THRESHOLDS[DEFAULT_METHOD][1]
    max_candidates: int = MAX_CANDIDATES

    @classmethod
    def for_method(cls, method: str, **overrides: Any) -> GroupingParams:
        """Parameters with the measured thresholds of a representation."""
        if method not in rep.METHODS:
            raise BabelwireError(f"unknown story representation {method!r} (use {', '.join(rep.METHODS)})")
        join, stay = THRESHOLDS[method]
        return cls(**{"method": method, "join": join, "stay": stay, **overrides})


def params_from_settings(settings: Settings) -> GroupingParams:
    """The grouping parameters for ``[stories] representation`` (tfidf when the setting is absent)."""
    return GroupingParams.for_method(settings.stories.representation or DEFAULT_METHOD)


@dataclass(slots=True)
class _Reading:
    basis: str
    title: str
    at: datetime


def _target(settings: Settings) -> str:
    return settings.translate.to[0] if settings.translate.to else "en"


def _read(session: Session, article: Article, target: str) -> tuple[_Reading, str]:
    """What to group the article by: (basis, title, time) and its lead, in the target language."""
    revision = session.scalars(
        select(Revision).where(Revision.article_id == article.id).order_by(Revision.number.desc()).limit(1)
    ).first()
    if revision is None:
        raise BabelwireError(f"article {article.id} has no revision to group", url=article.url)
    translation = session.scalars(
        select(Translation).where(Translation.revision_id == revision.id, Translation.target == target)
    ).first()
    document = translation.document if translation is not None else revision.document
    basis = f"r{revision.id}:" + (f"t{translation.id}" if translation is not None else "o")
    title, lead = rep.lead_text(document)
    at = article.published or article.first_seen_at or utcnow()
    return _Reading(basis, title or article.title or "", at), lead


def _similarity(article: dict[str, Any], story: dict[str, Any], idf: dict[str, float], method: str) -> float:
    terms = rep.tfidf_cosine(article.get("terms", {}), story.get("terms", {}), idf)
    if method == "tfidf" or not article.get("emb") or not story.get("emb"):
        return terms
    dense = rep.cosine(article["emb"], story["emb"])
    return dense if method == "embedding" else (terms + dense) / 2


def _candidates(session: Session, at: datetime, window: timedelta, cap: int) -> list[Story]:
    # Both bounds use indexed columns; newest first so the cap drops the oldest stories.
    query = (
        select(Story)
        .where(Story.end_at >= at - window, Story.start_at <= at + window)
        .order_by(Story.end_at.desc())
        .limit(cap)
    )
    return list(session.scalars(query))


def refresh_story(session: Session, story: Story) -> bool:
    """Rebuild a story from its members (centroid, title, span, count); False if it is empty."""
    members = session.execute(
        select(Article.id, Article.story_features, func.coalesce(Article.published, Article.first_seen_at))
        .where(Article.story_id == story.id)
        .order_by(func.coalesce(Article.published, Article.first_seen_at), Article.id)
    ).all()
    if not members:
        session.delete(story)
        return False
    vectors = [(m.story_features or {}).get("terms", {}) for m in members]
    centroid = rep.mean_vector(vectors)
    embeddings = [m.story_features["emb"] for m in members if (m.story_features or {}).get("emb")]
    idf = rep.idf_weights(*rep.idf_table(vectors))
    # The representative title is that of the member closest to the centroid (earliest on ties).
    best = max(
        range(len(members)),
        key=lambda i: (round(rep.tfidf_cosine(vectors[i], centroid, idf), 6), -i),
    )
    features: dict[str, Any] = {"terms": centroid, "n": len(members)}
    if embeddings and len(embeddings) == len(members):
        features["emb"] = rep.mean_embedding(embeddings)
    story.features = features
    story.title = (members[best].story_features or {}).get("title") or story.title
    story.start_at = members[0][2]
    story.end_at = members[-1][2]
    story.article_count = len(members)
    story.updated_at = utcnow()
    return True


def assign_story(store: Store, article_id: int, settings: Settings, *, params: GroupingParams | None = None) -> int:
    """Place an article in the best matching story within the window, or a new one; its story id."""
    params = params or params_from_settings(settings)
    target = _target(settings)
    window = timedelta(seconds=rep_window(settings))
    # Read and vectorise outside the write transaction: embedding a text takes milliseconds that
    # should not hold the store's write lock.
    with store.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise BabelwireError(f"no article with id {article_id}")
        reading, lead = _read(session, article, target)
        current = article.story_features or {}
        if article.story_id is not None and current.get("basis") == reading.basis:
            return article.story_id
    vector = rep.article_features(reading.title, lead, params.method)

    with store.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        article = session.get(Article, article_id, with_for_update=True)
        if article is None:
            raise BabelwireError(f"no article with id {article_id}")
        if article.story_id is not None and (article.story_features or {}).get("basis") == reading.basis:
            return article.story_id  # another worker placed it meanwhile
        stories = _candidates(session, reading.at, window, params.max_candidates)
        vectors = [vector["terms"], *((s.features or {}).get("terms", {}) for s in stories)]
        idf = rep.idf_weights(*rep.idf_table(vectors))
        scored = sorted(
            ((_similarity(vector, s.features or {}, idf, params.method), -s.id, s) for s in stories),
            key=lambda item: item[:2], reverse=True,
        )
        previous = session.get(Story, article.story_id) if article.story_id is not None else None
        chosen: Story | None = None
        if previous is not None:
            own = _similarity(vector, previous.features or {}, idf, params.method)
            if own >= params.stay:
                chosen = previous
            else:
                log.info("article %s changed subject (similarity %.2f), leaving story %s", article_id, own,
                         previous.id)
        if chosen is None and scored and scored[0][0] >= params.join:
            chosen = scored[0][2]
        if chosen is None:
            chosen = Story(title=reading.title, start_at=reading.at, end_at=reading.at, article_count=0)
            session.add(chosen)
            session.flush()
        article.story_id = chosen.id
        article.story_features = {"basis": reading.basis, "method": params.method, "title": reading.title,
                                  **vector}
        session.flush()
        refresh_story(session, chosen)
        if previous is not None and previous.id != chosen.id:
            refresh_story(session, previous)
        log.debug("article %s → story %s", article_id, chosen.id)
        return chosen.id


def rep_window(settings: Settings) -> float:
    """The story window in seconds ([stories] window)."""
    return settings.stories.window.total_seconds()


def pending_articles(
    store: Store, settings: Settings, *, limit: int | None = None, among: list[int] | None = None,
) -> list[int]:
    """Articles ready to group (newest revision translated, or already in the target language),
    oldest first: those without a story, or, with ``among``, those ids whether placed or not."""
    target = _target(settings)
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
        .order_by(func.coalesce(Article.published, Article.first_seen_at), Article.id)
    )
    if limit is not None:
        query = query.limit(limit)
    with store.session() as session:
        return list(session.scalars(query))


def articles_of_revisions(store: Store, revision_ids: list[int]) -> list[int]:
    """The articles these revisions belong to (for re-placing updated articles)."""
    if not revision_ids:
        return []
    with store.session() as session:
        return sorted(set(session.scalars(select(Revision.article_id).where(Revision.id.in_(revision_ids)))))


def regroup_pending(
    store: Store, settings: Settings, *, params: GroupingParams | None = None, updated: list[int] | None = None,
) -> int:
    """Place every pending article (a killed run resumes here), and re-place the ``updated``
    articles that already have a story (stable unless they changed subject); how many were placed."""
    placed = 0
    params = params or params_from_settings(settings)
    again = pending_articles(store, settings, among=updated) if updated else []
    for article_id in list(dict.fromkeys([*again, *pending_articles(store, settings)])):
        try:
            assign_story(store, article_id, settings, params=params)
        except BabelwireError as exc:
            log.warning("article %s not grouped: %s", article_id, exc.reason)
            continue
        placed += 1
    return placed
