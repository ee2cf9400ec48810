"""The translate stage's queries: which (revision, target) translations are still to make, storing
one, and the failures already recorded for them.

What is pending is read from the store every time (the newest revision of each article that has no
translation into a target yet), so a killed worker's remainder is simply found again. The caller
says which targets and engine apply when a source names none (the settings'); translation being
switched off altogether is the caller's business.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from babelwire.store.database import Store
from babelwire.store.models import Article, ErrorRecord, Revision, Source, Translation, utcnow

FAILURE_QUIET = timedelta(hours=1)
"""A translate failure already recorded within this long is not recorded again."""


@dataclass(frozen=True)
class TranslationJob:
    """One (revision, target) translation still to make, with what is needed to make it."""

    revision_id: int
    article_id: int
    source_id: int
    source_lang: str | None  # the source's declared language, else the article's, else the document's
    target: str
    engine: str  # the source's engine, else the default one
    document: dict[str, Any]


def _pending(session: Session, default_targets: Sequence[str], *, revision_ids: list[int] | None,
             limit: int | None, documents: bool) -> Iterator[tuple[str, Revision, Article, Source]]:
    """(target, revision, article, source) still to translate: newest revisions without that
    translation, oldest first per target; ``documents=False`` leaves the documents unread."""
    newest = (
        select(Revision.article_id, func.max(Revision.number).label("number"))
        .group_by(Revision.article_id).subquery()
    )
    overrides = session.scalars(select(Source.translate_to).where(Source.translate_to.is_not(None))).all()
    all_targets = sorted({*default_targets, *(t for targets in overrides if targets for t in targets)})
    for target in all_targets:
        missing = ~exists().where(Translation.revision_id == Revision.id, Translation.target == target)
        query = (
            select(Revision, Article, Source)
            .join(newest, (newest.c.article_id == Revision.article_id) & (newest.c.number == Revision.number))
            .join(Article, Article.id == Revision.article_id)
            .join(Source, Source.id == Article.source_id)
            # Articles already in the target language (or of unknown language) need no translation.
            .where(missing, Source.translate.is_(True),
                   func.coalesce(Source.language, Article.language) != target)
            .order_by(Revision.id)
            .limit(limit)
        )
        if not documents:
            query = query.options(defer(Revision.document))
        if revision_ids is not None:
            query = query.where(Revision.id.in_(revision_ids))
        for revision, article, source in session.execute(query):
            # A source translates into its own targets when it names some, else into the defaults.
            if target in (source.translate_to or default_targets):
                yield target, revision, article, source


def pending_translation_jobs(store: Store, *, default_targets: Sequence[str], default_engine: str,
                             revision_ids: list[int] | None = None, limit: int = 2000) -> list[TranslationJob]:
    """The (revision, target) translations still to make, with their documents, at most ``limit``
    (``revision_ids``: only those revisions)."""
    with store.session() as session:
        jobs = [
            TranslationJob(revision.id, article.id, source.id,
                           source.language or article.language or revision.document.get("language"), target,
                           source.engine or default_engine, revision.document)
            for target, revision, article, source in _pending(session, default_targets, revision_ids=revision_ids,
                                                              limit=limit, documents=True)
        ]
    return jobs[:limit]


def pending_translation_revision_ids(store: Store, *, default_targets: Sequence[str],
                                     limit: int | None = 2000) -> list[int]:
    """Ids of the revisions with a translation still to make, oldest first (documents not read);
    ``limit=None`` for all of them."""
    with store.session() as session:
        ids = dict.fromkeys(revision.id for _target, revision, _article, _source
                            in _pending(session, default_targets, revision_ids=None, limit=limit, documents=False))
    return list(ids)[:limit]


def count_pending_translations(store: Store, *, default_targets: Sequence[str]) -> int:
    """How many (revision, target) translations are still to make."""
    with store.session() as session:
        return sum(1 for _ in _pending(session, default_targets, revision_ids=None, limit=None, documents=False))


def store_translation(
    store: Store, *, revision_id: int, target: str, engine: str, engine_id: str, model: str | None,
    provenance: dict[str, Any] | None, seconds: float, document: dict[str, Any], flags: dict[str, Any],
    sentences: int, from_memory: int,
) -> bool:
    """Store one translation, in a transaction of its own. False when the revision already has a
    translation into ``target`` (another worker stored it first: same inputs, same result), and
    nothing is changed."""
    try:
        with store.transaction() as session:
            session.add(Translation(
                revision_id=revision_id, target=target, engine=engine, engine_id=engine_id, model=model,
                provenance=provenance, seconds=seconds, document=document, flags=flags, sentences=sentences,
                from_memory=from_memory,
            ))
    except IntegrityError:
        return False
    return True


def recently_failed_articles(session: Session, reason: str, article_ids: list[int]) -> set[int]:
    """Which of ``article_ids`` have had this translate failure recorded within ``FAILURE_QUIET``."""
    since = utcnow() - FAILURE_QUIET
    return set(session.scalars(select(ErrorRecord.article_id).where(
        ErrorRecord.stage == "translate", ErrorRecord.reason == reason, ErrorRecord.at >= since,
        ErrorRecord.article_id.in_(article_ids))))


def recently_failed_sources(session: Session, reason: str) -> set[int]:
    """The sources that have had this translate failure recorded on themselves (not on one of their
    articles) within ``FAILURE_QUIET``."""
    since = utcnow() - FAILURE_QUIET
    return set(session.scalars(select(ErrorRecord.source_id).where(
        ErrorRecord.stage == "translate", ErrorRecord.reason == reason, ErrorRecord.at >= since,
        ErrorRecord.article_id.is_(None))))
