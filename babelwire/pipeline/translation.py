"""Translate stage: every new revision into its source's target languages, one transaction each.

Which revisions need work is read from the store (the newest revision of each article that has
no translation for a target yet), not remembered in memory, so a killed poll simply picks up the
remainder next time, and a second worker finds nothing left to do.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from babelwire.config import Settings
from babelwire.document import Document
from babelwire.errors import BabelwireError
from babelwire.pipeline.ingest import record_error
from babelwire.store import Store
from babelwire.store.glossary import glossary_terms
from babelwire.store.memory import StoreMemory
from babelwire.store.models import Source
from babelwire.store.translations import (
    TranslationJob,
    count_pending_translations,
    pending_translation_jobs,
    pending_translation_revision_ids,
    recently_failed_articles,
    recently_failed_sources,
    store_translation,
)
from babelwire.translate.document import TranslatedDocument, translate_documents
from babelwire.translate.engines import EngineCache
from babelwire.translate.engines.base import TranslationEngine, provenance
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


def targets_for(source: Source, settings: Settings) -> list[str]:
    """The languages a source's articles are translated into ([] when translation is off)."""
    if not settings.translate.enabled or not source.translate:
        return []
    return list(source.translate_to or settings.translate.to)


def pending_jobs(store: Store, settings: Settings, *, revision_ids: list[int] | None = None,
                 limit: int = 2000) -> list[TranslationJob]:
    """(revision, target) pairs still to translate: newest revisions without that translation."""
    if not settings.translate.enabled:
        return []
    return pending_translation_jobs(store, default_targets=settings.translate.to,
                                    default_engine=settings.translate.engine, revision_ids=revision_ids, limit=limit)


def pending_revision_ids(store: Store, settings: Settings, *, limit: int | None = 2000) -> list[int]:
    """Ids of the revisions with a translation still to make, oldest first (documents not read);
    ``limit=None`` for all of them."""
    if not settings.translate.enabled:
        return []
    return pending_translation_revision_ids(store, default_targets=settings.translate.to, limit=limit)


def count_pending(store: Store, settings: Settings) -> int:
    """How many (revision, target) translations are still to make."""
    if not settings.translate.enabled:
        return 0
    return count_pending_translations(store, default_targets=settings.translate.to)


def translate_pending(
    store: Store, settings: Settings, engines: EngineCache, *, revision_ids: list[int] | None = None,
    on_progress: Callable[[], None] | None = None,
) -> TranslateSummary:
    """Translate every pending (revision, target); failures are recorded and skipped."""
    summary = TranslateSummary()
    # Jobs are grouped by engine, pair and glossary (global terms, overridden per source), so that
    # each group is one batch through one protected engine.
    groups: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], list[TranslationJob]] = defaultdict(list)
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
                recent = recently_failed_articles(session, exc.reason, [j.article_id for j in jobs])
                for job in [j for j in jobs if j.article_id not in recent][:20]:
                    record_error(session, "translate", exc.reason, source_id=job.source_id,
                                 article_id=job.article_id)
                # And one per source, which every other article of the source shows as its reason.
                recent_sources = recently_failed_sources(session, exc.reason)
                for source_id in sorted({j.source_id for j in jobs} - recent_sources):
                    record_error(session, "translate", exc.reason, source_id=source_id)
            continue
        total_sentences = sum(r.sentences for r in results) or 1
        for job, result in zip(jobs, results, strict=True):
            stored = store_translation(
                store, revision_id=job.revision_id, target=target, engine=engine.name, engine_id=engine.id,
                model=engine.model, provenance=provenance(engine),
                seconds=seconds * result.sentences / total_sentences,
                document=result.document.to_stored(),
                # "title"/"blocks": flag names, as always; "evidence": each flag's evidence
                # (rows stored before it have none).
                flags={"title": result.title_flags, "blocks": result.flags,
                       "evidence": {"title": result.title_evidence,
                                    "blocks": [b.evidence for b in result.blocks]}},
                sentences=result.sentences, from_memory=result.from_memory,
            )
            if not stored:
                continue  # another worker stored it first: same inputs, same result
            summary.translated += 1
            summary.sentences += result.sentences
            summary.from_memory += result.from_memory
            if on_progress:
                on_progress()
    return summary


def translate_outside_store(
    store: Store, document: Document, engine: TranslationEngine, *, source: str, target: str,
) -> TranslatedDocument:
    """``babelwire translate``: one document that is not in the store, translated as the pipeline
    translates (names protected, the pair's global glossary applied and checked), with a memory of
    its own (nothing is remembered in the store)."""
    from babelwire.translate.document import DictMemory, translate_document

    terms = glossary_terms(store, source, target)
    return translate_document(document, protect(engine, terms), source, target, memory=DictMemory(), glossary=terms)


def document_from_text(text: str) -> Document:
    """Plain text as a document: blocks separated by blank lines, white space inside a block collapsed."""
    from babelwire.document import Block

    return Document(blocks=[Block("paragraph", " ".join(part.split())) for part in text.split("\n\n") if part.strip()])
