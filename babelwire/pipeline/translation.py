"""Translate stage: every new revision into its source's target languages, one transaction each.

Which revisions need work is read from the store (the newest revision of each article that has
no translation for a target yet), not remembered in memory, so a killed poll simply picks up the
remainder next time, and a second worker finds nothing left to do.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from babelwire.config import Settings
from babelwire.document import Document
from babelwire.errors import BabelwireError
from babelwire.pipeline.ingest import record_error
from babelwire.store import Store
from babelwire.store.glossary import glossary_terms
from babelwire.store.memory import StoreMemory
from babelwire.store.models import Article, ErrorRecord, Revision, Source, Translation, utcnow
from babelwire.translate.document import translate_documents
from babelwire.translate.engines import EngineCache
from babelwire.translate.engines.base import provenance
from babelwire.translate.names import protect

log = logging.getLogger(__name__)


@dataclass
class TranslateSummary:
    translated: int = 0
    sentences: int = 0
    from_memory: int = 0
    failed: int = 0
    skipped: int = 0  # already in the target language, or language unknown
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    revision_id: int
    article_id: int
    source_id: int
    source_lang: str | None
    target: str
    engine: str
    document: dict


def targets_for(source: Source, settings: Settings) -> list[str]:
    """The languages a source's articles are translated into ([] when translation is off)."""
    if not settings.translate.enabled or not source.translate:
        return []
    return list(source.translate_to or settings.translate.to)


def _pending(session: Session, settings: Settings, *, revision_ids: list[int] | None, limit: int | None,
             documents: bool) -> Iterator[tuple[str, Revision, Article, Source]]:
    """(target, revision, article, source) still to translate: newest revisions without that
    translation, oldest first per target; ``documents=False`` leaves the documents unread."""
    newest = (
        select(Revision.article_id, func.max(Revision.number).label("number"))
        .group_by(Revision.article_id).subquery()
    )
    overrides = session.scalars(select(Source.translate_to).where(Source.translate_to.is_not(None))).all()
    all_targets = sorted({*settings.translate.to, *(t for targets in overrides if targets for t in targets)})
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
            if target in targets_for(source, settings):
                yield target, revision, article, source


def pending_jobs(store: Store, settings: Settings, *, revision_ids: list[int] | None = None,
                 limit: int = 2000) -> list[_Job]:
    """(revision, target) pairs still to translate: newest revisions without that translation."""
    if not settings.translate.enabled:
        return []
    with store.session() as session:
        jobs = [
            _Job(revision.id, article.id, source.id,
                 source.language or article.language or revision.document.get("language"), target,
                 source.engine or settings.translate.engine, revision.document)
            for target, revision, article, source in _pending(session, settings, revision_ids=revision_ids,
                                                              limit=limit, documents=True)
        ]
    return jobs[:limit]


def pending_revision_ids(store: Store, settings: Settings, *, limit: int | None = 2000) -> list[int]:
    """Ids of the revisions with a translation still to make, oldest first (documents not read);
    ``limit=None`` for all of them."""
    if not settings.translate.enabled:
        return []
    with store.session() as session:
        ids = dict.fromkeys(revision.id for _target, revision, _article, _source
                            in _pending(session, settings, revision_ids=None, limit=limit, documents=False))
    return list(ids)[:limit]


def count_pending(store: Store, settings: Settings) -> int:
    """How many (revision, target) translations are still to make."""
    if not settings.translate.enabled:
        return 0
    with store.session() as session:
        return sum(1 for _ in _pending(session, settings, revision_ids=None, limit=None, documents=False))


def translate_pending(
    store: Store, settings: Settings, engines: EngineCache, *, revision_ids: list[int] | None = None,
    on_progress: Callable[[], None] | None = None,
) -> TranslateSummary:
    """Translate every pending (revision, target); failures are recorded and skipped."""
    summary = TranslateSummary()
    # Jobs are grouped by engine, pair and glossary (global terms, overridden per source), so that
    # each group is one batch through one protected engine.
    groups: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], list[_Job]] = defaultdict(list)
    glossaries: dict[tuple[str, str, int], tuple[tuple[str, str], ...]] = {}
    for job in pending_jobs(store, settings, revision_ids=revision_ids):
        if not job.source_lang or job.source_lang == job.target:
            summary.skipped += 1
            continue
        key = (job.source_lang, job.target, job.source_id)
        if key not in glossaries:
            glossaries[key] = tuple(sorted(glossary_terms(store, *key).items()))
        groups[(job.engine, job.source_lang, job.target, glossaries[key])].append(job)
    memory = StoreMemory(store)
    for (engine_name, source_lang, target, terms), jobs in groups.items():
        try:
            # Names stay names and glossary terms are applied, whatever the engine.
            engine = protect(engines.get(engine_name, source_lang, target), dict(terms))
            start = time.perf_counter()
            results = translate_documents([Document.from_dict(j.document) for j in jobs], engine, source_lang,
                                          target, memory=memory, batch_size=settings.translate.batch_size,
                                          glossary=dict(terms))
            seconds = time.perf_counter() - start
        except BabelwireError as exc:
            summary.failed += len(jobs)
            summary.errors.append((f"{engine_name} {source_lang}→{target}", exc.reason))
            with store.transaction() as session:
                # One record per article, not thousands for one missing model, and not again while
                # the same failure was recorded within the hour (workers retry pending work often).
                since = utcnow() - timedelta(hours=1)
                recent = set(session.scalars(select(ErrorRecord.article_id).where(
                    ErrorRecord.stage == "translate", ErrorRecord.reason == exc.reason, ErrorRecord.at >= since,
                    ErrorRecord.article_id.in_([j.article_id for j in jobs]))))
                for job in [j for j in jobs if j.article_id not in recent][:20]:
                    record_error(session, "translate", exc.reason, source_id=job.source_id,
                                 article_id=job.article_id)
                # And one per source, which every other article of the source shows as its reason.
                recent_sources = set(session.scalars(select(ErrorRecord.source_id).where(
                    ErrorRecord.stage == "translate", ErrorRecord.reason == exc.reason, ErrorRecord.at >= since,
                    ErrorRecord.article_id.is_(None))))
                for source_id in sorted({j.source_id for j in jobs} - recent_sources):
                    record_error(session, "translate", exc.reason, source_id=source_id)
            continue
        total_sentences = sum(r.sentences for r in results) or 1
        for job, result in zip(jobs, results, strict=True):
            try:
                with store.transaction() as session:
                    session.add(Translation(
                        revision_id=job.revision_id, target=target, engine=engine.name, engine_id=engine.id,
                        model=engine.model, provenance=provenance(engine),
                        seconds=seconds * result.sentences / total_sentences,
                        document=result.document.to_stored(),
                        # "title"/"blocks": flag names, as always; "evidence": each flag's evidence
                        # (rows stored before it have none).
                        flags={"title": result.title_flags, "blocks": result.flags,
                               "evidence": {"title": result.title_evidence,
                                            "blocks": [b.evidence for b in result.blocks]}},
                        sentences=result.sentences, from_memory=result.from_memory,
                    ))
            except IntegrityError:
                continue  # another worker stored it first: same inputs, same result
            summary.translated += 1
            summary.sentences += result.sentences
            summary.from_memory += result.from_memory
            if on_progress:
                on_progress()
    return summary
