"""Every read query of the reader, the JSON API, the feeds and the CLI's read commands.

Each returns read models (``store.readmodels``), never ORM rows or loose dicts. Queries select
columns with SQLAlchemy Core (no ORM objects are loaded: a page nobody has rendered yet costs a
few index lookups and the JSON decoding of one or two documents), a few round trips per page.
``ReadStore`` is the same database for reading only, without SQLite's write lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise, zip_longest
from typing import Any, Literal

from sqlalchemy import bindparam, create_engine, event, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from babelwire.document import iso
from babelwire.flags import FLAG_DESCRIPTIONS, describe_finding
from babelwire.languages import language_name
from babelwire.store.database import Store
from babelwire.store.models import Article, ArticleURL, ErrorRecord, Revision, Source, Story, Translation, utcnow
from babelwire.store.readmodels import (
    ArticleDetail,
    ArticleRecord,
    ArticleSummary,
    Block,
    ComparedArticle,
    ComparedQuote,
    ComparedSentence,
    FactRow,
    FigureRow,
    Flag,
    Quote,
    QuoteRow,
    RevisionChange,
    RevisionDiff,
    RevisionInfo,
    SearchHit,
    SourceHealth,
    SpeakerQuotes,
    StoredDocument,
    StoredRevision,
    StoredTranslation,
    StoryArticle,
    StoryComparison,
    StoryDetail,
    StorySummary,
    TimelineEntry,
    TranslationInfo,
    TranslationText,
)

MAX_DIFFS = 5  # revision pairs diffed on an article page (newest first); older ones: not shown
LEAD_CHARS = 400  # a story article's lead is cut (at a word) beyond this
Differ = Callable[[str, dict[str, Any], str, dict[str, Any]], str]


class ReadStore(Store):
    """The same database for reading only. On SQLite its transactions are deferred (WAL readers
    never wait for each other or for a writer), where ``Store`` begins every transaction
    IMMEDIATE, which would serialise concurrent page views behind one lock."""

    def __init__(self, store: Store, *, pool_size: int = 8) -> None:  # no super(): no migration, own engine
        self.url = store.url
        self.is_sqlite = store.is_sqlite
        self.writer = store
        if not store.is_sqlite:
            self.engine = store.engine
        else:
            self.engine = create_engine(store.url, connect_args={"check_same_thread": False, "timeout": 60},
                                        pool_size=pool_size, max_overflow=4 * pool_size)

            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA query_only=ON")
                cursor.execute("PRAGMA busy_timeout=60000")
                cursor.close()

            @event.listens_for(self.engine, "begin")
            def _on_begin(connection: Any) -> None:
                # One snapshot per page (several queries), without the write lock.
                connection.exec_driver_sql("BEGIN")

        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Nothing to do: the writing store migrated the schema."""

    def close(self) -> None:
        if self.engine is not self.writer.engine:
            self.engine.dispose()


# --- shared rules ---------------------------------------------------------------------------------
def mt_label(source_lang: str | None, engine: str, model: str | None) -> str:
    """The notice every machine translation carries, naming the engine and model."""
    origin = f"from {language_name(source_lang)} " if source_lang else ""
    by = f"{engine} ({model})" if model else engine
    return f"Machine translation {origin}by {by}. Not reviewed by a human."


def describe_flags(names: Sequence[str], evidence: Any = None) -> list[Flag]:
    """Each flag with its description, its evidence (strings; none on translations stored before
    evidence was kept) and ``detail``, the one line a reader sees ("left untranslated: …")."""
    if not names:
        return []
    found = evidence if isinstance(evidence, dict) else {}
    described = []
    for name in names:
        items = found.get(name)
        items = [str(e) for e in items] if isinstance(items, list) else []
        described.append(Flag(name=name, description=FLAG_DESCRIPTIONS.get(name, name), evidence=items,
                              detail=describe_finding(name, items)))
    return described


def document_text(document: dict[str, Any] | None) -> str:
    """The plain text of a stored document: its blocks joined by blank lines (not stored)."""
    return "\n\n".join(block.get("text") or "" for block in (document or {}).get("blocks") or [])


def lead_of(document: dict[str, Any] | None) -> str | None:
    """The lead of a story article: its first non-empty block that is not a heading, cut at a word
    after ``LEAD_CHARS`` characters."""
    for block in (document or {}).get("blocks") or []:
        text = (block.get("text") or "").strip()
        if block.get("type") != "heading" and text:
            return text[:LEAD_CHARS].rsplit(" ", 1)[0] + "…" if len(text) > LEAD_CHARS else text
    return None


def _no_translation_note(language: str | None, target: str, available: list[str], reason: str | None = None) -> str:
    if language and language == target:
        return f"This article is in {language_name(target)}: no translation needed. Showing the original."
    if not language:
        return "The language of this article is unknown, so it was not translated. Showing the original."
    also = f" (available: {', '.join(language_name(t) for t in available)})" if available else ""
    why = f" Not translated: {reason}." if reason else ""
    return (f"No {language_name(target)} translation of this version yet{also}.{why} "
            f"Showing the original in {language_name(language)}.")


def _flag_evidence(flags: Any) -> tuple[Any, list[Any]]:
    """(title evidence, per-block evidence) of a translation's stored flags; empty for old rows."""
    evidence = flags.get("evidence") if isinstance(flags, dict) else None
    if not isinstance(evidence, dict):
        return {}, []
    blocks = evidence.get("blocks")
    return evidence.get("title"), blocks if isinstance(blocks, list) else []


# --- articles -------------------------------------------------------------------------------------
def newest_revision_id() -> Any:
    """Correlated subquery: the id of the current article's newest revision."""
    return (
        select(Revision.id).where(Revision.article_id == Article.id).order_by(Revision.number.desc()).limit(1)
        .correlate(Article).scalar_subquery()
    )


def latest_articles(
    store: Store, *, target: str | None, source_id: int | None = None, language: str | None = None,
    story_id: int | None = None, ids: list[int] | None = None, limit: int | None = 30, offset: int = 0,
    by: Literal["published", "seen"] = "published",
) -> list[ArticleSummary]:
    """Articles newest first with outlet, language, times, revision count and the title translated
    into ``target`` (None when there is no translation yet, or no target). ``by="published"``
    orders them by publication time (``Article.listed_at``) as readers expect; ``by="seen"`` by
    when babelwire first saw them, so a feed shows an old article found today at the top."""
    newest = newest_revision_id()
    revision_count = (
        select(func.count(Revision.id)).where(Revision.article_id == Article.id).correlate(Article)
        .scalar_subquery()
    )
    t = aliased(Translation)
    query = (
        select(Article.id, Article.url, Article.title, Article.language, Article.source_id, Source.name,
               Source.language.label("source_language"), Article.first_seen_at, Article.published,
               Article.modified, Article.last_changed_at, Article.story_id, Article.last_error,
               revision_count.label("revisions"), newest.label("revision_id"),
               t.document["title"].as_string().label("translated_title"), t.engine, t.model)
        .join(Source, Source.id == Article.source_id)
        .outerjoin(t, (t.revision_id == newest) & (t.target == (target or "")))
        .order_by((Article.listed_at if by == "published" else Article.first_seen_at).desc(), Article.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    if language is not None:
        query = query.where(Article.language == language)
    if story_id is not None:
        query = query.where(Article.story_id == story_id)
    if ids is not None:
        query = query.where(Article.id.in_(ids))
    with store.session() as session:
        return [
            ArticleSummary(
                id=row.id, url=row.url, title=row.title, translated_title=row.translated_title, target=target or "",
                language=row.language or row.source_language, source=row.name, source_id=row.source_id,
                story_id=row.story_id, revisions=row.revisions, engine=row.engine, model=row.model,
                first_seen_at=iso(row.first_seen_at), published=iso(row.published), modified=iso(row.modified),
                updated=iso(row.last_changed_at or row.first_seen_at), revision_id=row.revision_id,
                article_language=row.language, last_error=row.last_error,
            )
            for row in session.execute(query)
        ]


# The article page's statements, built once (a first view only binds and runs them).
_ARTICLE = (
    select(Article.url, Article.source_id, Article.story_id, Article.language, Article.title,
           Article.published, Article.modified, Article.first_seen_at, Source.name)
    .outerjoin(Source, Source.id == Article.source_id).where(Article.id == bindparam("article_id"))
)
_REVISIONS = (
    select(Revision.id, Revision.number, Revision.fetched_at, Revision.content_hash, Translation.target)
    .outerjoin(Translation, Translation.revision_id == Revision.id)
    .where(Revision.article_id == bindparam("article_id")).order_by(Revision.number, Translation.target)
)
_DOCUMENTS = select(Revision.id, Revision.document).where(Revision.id.in_(bindparam("ids", expanding=True)))
_TRANSLATION = (
    select(Translation.engine, Translation.model, Translation.created_at, Translation.document,
           Translation.flags, Translation.provenance)
    .where(Translation.revision_id == bindparam("revision_id"), Translation.target == bindparam("target"))
)
_FAILURE = (
    select(ErrorRecord.reason)
    .where(ErrorRecord.stage == "translate", ErrorRecord.at >= bindparam("since"),
           (ErrorRecord.article_id == bindparam("article_id"))
           | ((ErrorRecord.article_id.is_(None)) & (ErrorRecord.source_id == bindparam("source_id"))))
    .order_by(ErrorRecord.article_id.is_(None), ErrorRecord.at.desc()).limit(1)
)


def article_detail(store: Store, article_id: int, *, target: str, diff: Differ | None = None,
                   max_diffs: int = MAX_DIFFS) -> ArticleDetail | None:
    """An article in ``target``: aligned blocks (original + translation + flags), the MT label,
    the revision history and, with ``diff`` (``web.diff.revision_diff``), the word diffs of the
    newest ``max_diffs`` revision pairs. Documents are loaded only for the revisions shown."""
    with store.engine.connect() as connection:  # Core on a connection: no ORM session per view
        article = connection.execute(_ARTICLE, {"article_id": article_id}).first()
        if article is None:
            return None
        revisions: list[Any] = []
        targets: dict[int, list[str]] = {}
        for row in connection.execute(_REVISIONS, {"article_id": article_id}):
            if row.id not in targets:
                revisions.append(row)
                targets[row.id] = []
            if row.target is not None:
                targets[row.id].append(row.target)
        newest = revisions[-1] if revisions else None
        shown = revisions[-(max_diffs + 1):] if diff is not None and len(revisions) > 1 else revisions[-1:]
        documents: dict[int, dict[str, Any]] = dict(  # type: ignore[arg-type]
            connection.execute(_DOCUMENTS, {"ids": [r.id for r in shown]}).all()) if shown else {}
        translation = connection.execute(
            _TRANSLATION, {"revision_id": newest.id, "target": target},
        ).first() if newest is not None and target in targets[newest.id] else None
        original = documents.get(newest.id) if newest is not None else None
        original = original or {"title": article.title, "blocks": []}
        language = article.language or original.get("language")
        available = targets[newest.id] if newest is not None else []
        reason = None
        if translation is None and language and language != target:
            # Why the newest revision has no translation, if translating it failed: the article's
            # own record, else its source's (one failing pair records one reason per source).
            since = newest.fetched_at if newest is not None else article.first_seen_at
            reason = connection.execute(_FAILURE, {"article_id": article_id, "source_id": article.source_id,
                                                   "since": since}).scalar()

    translated = translation.document if translation is not None else None
    flags = (translation.flags or {}) if translation is not None else {}
    block_flags = flags.get("blocks", []) if isinstance(flags, dict) else []
    title_evidence, block_evidence = _flag_evidence(flags)
    blocks = []
    for i, (o, t) in enumerate(zip_longest(original.get("blocks", []), translated["blocks"] if translated else [])):
        names = block_flags[i] if i < len(block_flags) else None
        blocks.append(Block.model_construct(
            index=i, type=(t or o or {}).get("type", "paragraph"),
            original=o["text"] if o else None, translated=t["text"] if t else None,
            flags=describe_flags(names, block_evidence[i] if i < len(block_evidence) else None) if names else [],
        ))
    diffs = []
    if diff is not None:
        for old, new in list(pairwise(shown))[::-1]:
            diffs.append(RevisionDiff(**{"from": old.number}, to=new.number, fetched_at=iso(new.fetched_at),
                                      html=diff(old.content_hash, documents[old.id], new.content_hash,
                                                documents[new.id])))
    info = None
    if translation is not None:
        provenance = translation.provenance or {}
        info = TranslationInfo(
            target=target, engine=translation.engine, model=translation.model,
            created_at=iso(translation.created_at), label=mt_label(language, translation.engine, translation.model),
            license=provenance.get("license"), license_url=provenance.get("license_url"),
            attribution=provenance.get("attribution"), model_url=provenance.get("url"),
            title_flags=describe_flags(flags.get("title", []) if isinstance(flags, dict) else [], title_evidence),
        )
    return ArticleDetail(
        id=article_id, url=article.url, source=article.name, source_id=article.source_id, story_id=article.story_id,
        language=language, target=target, title=original.get("title") or article.title,
        translated_title=translated.get("title") if translated else None, author=original.get("author"),
        authors=list(original.get("authors") or []), agency=original.get("agency"),
        figures=_figures(original, translated),
        published=iso(article.published), modified=iso(article.modified), first_seen_at=iso(article.first_seen_at),
        updated=iso(newest.fetched_at if newest is not None else article.first_seen_at),
        translation=info, note=None if info is not None else _no_translation_note(language, target, available, reason),
        available_targets=available, blocks=blocks,
        revisions=[RevisionInfo(number=r.number, fetched_at=iso(r.fetched_at), content_hash=r.content_hash,
                                targets=targets[r.id]) for r in reversed(revisions)],
        diffs=diffs,
    )


def _figures(original: dict[str, Any], translated: dict[str, Any] | None) -> list[FigureRow]:
    """The original's image captions and credits, each with its translation when the translated
    document carries one that differs (captions stored before they were translated have none)."""
    figures = [f for f in original.get("figures") or [] if isinstance(f, dict)]
    others = [f for f in (translated or {}).get("figures") or [] if isinstance(f, dict)]
    rows = []
    for i, figure in enumerate(figures):
        caption = figure.get("caption") or None
        other = (others[i].get("caption") or None) if i < len(others) and len(others) == len(figures) else None
        rows.append(FigureRow(caption=caption, translated_caption=other if other != caption else None,
                              credit=figure.get("credit") or None))
    return rows


def article_record(store: Store, article_id: int) -> ArticleRecord | None:
    """One article with every revision (oldest first) and their translations (``article show``)."""
    with store.session() as session:
        article = session.execute(
            select(Article.__table__, Source.name.label("source_name"))
            .outerjoin(Source, Source.id == Article.source_id).where(Article.id == article_id)
        ).first()
        if article is None:
            return None
        urls = sorted(session.scalars(select(ArticleURL.url).where(ArticleURL.article_id == article_id)))
        revisions = session.execute(
            select(Revision.id, Revision.number, Revision.fetched_at, Revision.content_hash, Revision.document)
            .where(Revision.article_id == article_id).order_by(Revision.number)
        ).all()
        translations: dict[int, list[StoredTranslation]] = defaultdict(list)
        if revisions:
            for t in session.execute(
                select(Translation.__table__).where(Translation.revision_id.in_([r.id for r in revisions]))
                .order_by(Translation.target)
            ):
                translations[t.revision_id].append(StoredTranslation(
                    target=t.target, engine=t.engine, engine_id=t.engine_id, model=t.model,
                    created_at=iso(t.created_at), seconds=round(t.seconds, 3), sentences=t.sentences,
                    from_memory=t.from_memory, document=StoredDocument.model_validate(t.document or {}),
                    flags=t.flags, provenance=t.provenance or {}))
        newest_at = revisions[-1].fetched_at if revisions else article.first_seen_at
        translate_error = session.scalar(
            select(ErrorRecord.reason)
            .where(ErrorRecord.stage == "translate", ErrorRecord.at >= newest_at,
                   (ErrorRecord.article_id == article_id)
                   | ((ErrorRecord.article_id.is_(None)) & (ErrorRecord.source_id == article.source_id)))
            .order_by(ErrorRecord.article_id.is_(None), ErrorRecord.at.desc()).limit(1)
        )
    return ArticleRecord(
        id=article.id, url=article.url, urls=urls, translate_error=translate_error, source=article.source_name,
        source_id=article.source_id, story=article.story_id, story_id=article.story_id, language=article.language,
        title=article.title, published=iso(article.published), modified=iso(article.modified),
        first_seen_at=iso(article.first_seen_at), last_checked_at=iso(article.last_checked_at),
        last_error=article.last_error, last_error_at=iso(article.last_error_at),
        consecutive_failures=article.consecutive_failures,
        revisions=[StoredRevision(id=r.id, number=r.number, fetched_at=iso(r.fetched_at), content_hash=r.content_hash,
                                  document=StoredDocument.model_validate(r.document or {}),
                                  translations=translations.get(r.id, [])) for r in revisions],
    )


def revision_texts(
    store: Store, revision_ids: list[int], *, target: str
) -> dict[int, tuple[StoredDocument, TranslationText | None]]:
    """For each revision id: its original document and its translation into ``target`` (or
    None). For feeds, which show the full text."""
    if not revision_ids:
        return {}
    with store.session() as session:
        originals = session.execute(select(Revision.id, Revision.document).where(Revision.id.in_(revision_ids))).all()
        translations = {
            t.revision_id: t for t in session.execute(
                select(Translation.revision_id, Translation.engine, Translation.model, Translation.created_at,
                       Translation.provenance, Translation.document)
                .where(Translation.revision_id.in_(revision_ids), Translation.target == target))
        }
    return {
        revision_id: (StoredDocument.model_validate(document or {}),
                      None if (t := translations.get(revision_id)) is None else TranslationText(
                          engine=t.engine, model=t.model, created_at=iso(t.created_at),
                          provenance=t.provenance or {}, document=StoredDocument.model_validate(t.document or {})))
        for revision_id, document in originals
    }


def source_names(store: Store) -> list[tuple[int, str]]:
    """(id, name) of every source, for filters."""
    with store.session() as session:
        return [(row.id, row.name) for row in session.execute(select(Source.id, Source.name).order_by(Source.name))]


def article_languages(store: Store) -> list[str]:
    """The languages articles are written in, for filters."""
    with store.session() as session:
        return sorted(lang for lang in session.scalars(select(Article.language).distinct()) if lang)


# --- stories --------------------------------------------------------------------------------------
def story_of(store: Store, article_id: int) -> int | None:
    """The id of the story an article belongs to, or None."""
    with store.session() as session:
        return session.scalar(select(Article.story_id).where(Article.id == article_id))


def list_stories(store: Store, *, limit: int | None = 30, offset: int = 0, language: str | None = None,
                 ids: list[int] | None = None) -> list[StorySummary]:
    """Stories, most recently active first, with their outlets and the languages they were reported in."""
    query = (select(Story.id, Story.title, Story.start_at, Story.end_at, Story.updated_at, Story.article_count)
             .order_by(Story.end_at.desc(), Story.id.desc()).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    if language is not None:
        query = query.where(Story.id.in_(select(Article.story_id).where(Article.language == language)))
    if ids is not None:
        query = query.where(Story.id.in_(ids))
    with store.session() as session:
        stories = session.execute(query).all()
        outlets: dict[int, set[str]] = defaultdict(set)
        languages: dict[int, set[str]] = defaultdict(set)
        if stories:
            for story_id, name, lang in session.execute(
                select(Article.story_id, Source.name, Article.language)
                .join(Source, Source.id == Article.source_id)
                .where(Article.story_id.in_([s.id for s in stories]))
            ):
                outlets[story_id].add(name)
                if lang:
                    languages[story_id].add(lang)
    return [
        StorySummary(id=s.id, title=s.title, start_at=iso(s.start_at), end_at=iso(s.end_at),
                     article_count=s.article_count, outlets=sorted(outlets[s.id]), languages=sorted(languages[s.id]),
                     updated_at=iso(s.updated_at))
        for s in stories
    ]


def story_summary(store: Store, story_id: int) -> StorySummary | None:
    """One story's own fields (title, span, article count, outlets), or None."""
    found = list_stories(store, limit=1, ids=[story_id])
    return found[0] if found else None


# The story page's statements, built once.
_STORY = select(Story.id, Story.title, Story.start_at, Story.end_at, Story.article_count).where(
    Story.id == bindparam("story_id"))
_AT = func.coalesce(Article.published, Article.first_seen_at)
_MEMBERS = (
    select(Article.id, Article.url, Article.title, Article.language,
           Article.story_features["basis"].as_string().label("basis"),  # not the whole term vector
           _AT.label("at"), Source.name, Source.language.label("source_language"))
    .join(Source, Source.id == Article.source_id).order_by(_AT, Article.id)
)
_STORY_ARTICLES = _MEMBERS.where(Article.story_id == bindparam("story_id"))
_LONE_ARTICLE = _MEMBERS.where(Article.id == bindparam("article_id"))
_NEWEST_REVISIONS = (
    select(Revision.article_id, func.max(Revision.id))
    .where(Revision.article_id.in_(bindparam("ids", expanding=True))).group_by(Revision.article_id)
)
_STORY_TRANSLATIONS = (
    select(Translation.id, Translation.revision_id, Translation.target, Translation.document)
    .where(Translation.revision_id.in_(bindparam("ids", expanding=True))).order_by(Translation.target)
)


def story_detail(store: Store, *, story_id: int | None = None, article_id: int | None = None,
                 target: str | None = None) -> StoryDetail | None:
    """A story with each article side by side (outlet, titles, lead, quotations), oldest first;
    with ``article_id`` instead, that article alone as a group of one (``id`` None), by the same
    rules. ``target`` picks the translation shown; by default the one the article was grouped by."""
    from babelwire.stories.quotes import extract_quotes, translated_quotes

    with store.engine.connect() as connection:  # Core on a connection: no ORM session per view
        story = None
        if story_id is not None:
            story = connection.execute(_STORY, {"story_id": story_id}).first()
            if story is None:
                return None
            rows = connection.execute(_STORY_ARTICLES, {"story_id": story_id}).all()
        else:
            rows = connection.execute(_LONE_ARTICLE, {"article_id": article_id}).all()
        if story is None and not rows:
            return None
        newest = dict(connection.execute(  # article id → its newest revision id
            _NEWEST_REVISIONS, {"ids": [a.id for a in rows]}).all()) if rows else {}
        documents = dict(connection.execute(_DOCUMENTS, {"ids": list(newest.values())}).all()) if newest else {}
        translations: dict[int, list[Any]] = defaultdict(list)
        if newest:
            for t in connection.execute(_STORY_TRANSLATIONS, {"ids": list(newest.values())}):
                translations[t.revision_id].append(t)
        history = _revision_history(connection, [a.id for a in rows])
    articles = []
    for row in rows:
        revision_id = newest.get(row.id)
        original = documents.get(revision_id) or {}
        translation = _pick(translations.get(revision_id, []) if revision_id else [], target, row.basis)
        language = row.language or row.source_language
        shown = translation.document if translation is not None else original
        quotes = (translated_quotes(original, shown) if translation is not None
                  else extract_quotes(shown, language or ""))
        articles.append(StoryArticle(
            id=row.id, url=row.url, source=row.name, language=language, title=original.get("title") or row.title,
            translated_title=translation.document.get("title") if translation is not None else None,
            translation_target=translation.target if translation is not None else None,
            published=iso(row.at), lead=lead_of(shown),
            quotes=[Quote(speaker=q.speaker, text=q.text) for q in quotes],
        ))
    outlets = sorted({a.source for a in articles if a.source})
    languages = sorted({a.language for a in articles if a.language})
    timeline = _timeline(articles, [row.at for row in rows], history)
    if story is not None:
        return StoryDetail(id=story.id, title=story.title, start_at=iso(story.start_at), end_at=iso(story.end_at),
                           article_count=story.article_count, outlets=outlets, languages=languages, articles=articles,
                           timeline=timeline)
    times = [a.published for a in articles if a.published]
    first = articles[0]
    return StoryDetail(id=None, title=first.translated_title or first.title, start_at=min(times, default=None),
                       end_at=max(times, default=None), article_count=len(articles), outlets=outlets,
                       languages=languages, articles=articles, timeline=timeline)


def _pick(translations: list[Any], target: str | None, basis: str | None) -> Any:
    """The translation in ``target``; by default the one the article was grouped by (its
    ``story_features`` basis, "…:t<translation id>"), else the first."""
    if target is not None:
        return next((t for t in translations if t.target == target), None)
    basis = basis or ""
    grouped_by = basis.split(":t")[-1] if ":t" in basis else None
    return next((t for t in translations if str(t.id) == grouped_by), translations[0] if translations else None)


# --- revisions: what changed (story timeline, feeds) ---------------------------------------------
_REVISION_HISTORY = (
    select(Revision.id, Revision.article_id, Revision.number, Revision.fetched_at, Revision.content_hash)
    .where(Revision.article_id.in_(bindparam("ids", expanding=True))).order_by(Revision.article_id, Revision.number)
)
_CHANGES_CACHE = 2048
_changes: OrderedDict[tuple[str, str], RevisionChange] = OrderedDict()  # by content hashes (never change)
_changes_lock = threading.Lock()


def _revision_history(connection: Any, article_ids: list[int], *, newest_pairs: int = MAX_DIFFS
                      ) -> dict[int, list[tuple[Any, RevisionChange | None]]]:
    """Per article, its revisions oldest first, each with what it changed from the one before
    (None for the first, and for revisions older than the newest ``newest_pairs``). Documents are
    read only for pairs not already summarised (a revision's content never changes)."""
    by_article: dict[int, list[Any]] = defaultdict(list)
    if article_ids:
        for row in connection.execute(_REVISION_HISTORY, {"ids": article_ids}):
            by_article[row.article_id].append(row)
    pairs = [(old, new) for revisions in by_article.values() for old, new in list(pairwise(revisions))[-newest_pairs:]]
    with _changes_lock:
        missing = [(old, new) for old, new in pairs if (old.content_hash, new.content_hash) not in _changes]
    if missing:
        from babelwire.stories.compare import paragraph_changes

        ids = sorted({r.id for pair in missing for r in pair})
        documents = dict(connection.execute(_DOCUMENTS, {"ids": ids}).all())
        for old, new in missing:
            changes = paragraph_changes(documents.get(old.id), documents.get(new.id))
            summary = RevisionChange(revision=new.number, at=None, changed=changes.changed, added=changes.added,
                                     removed=changes.removed, title_changed=changes.title_changed,
                                     summary=changes.describe())
            with _changes_lock:
                _changes[(old.content_hash, new.content_hash)] = summary
                while len(_changes) > _CHANGES_CACHE:
                    _changes.popitem(last=False)
    history: dict[int, list[tuple[Any, RevisionChange | None]]] = {}
    with _changes_lock:
        for article_id, revisions in by_article.items():
            entries: list[tuple[Any, RevisionChange | None]] = [(revisions[0], None)]
            for old, new in pairwise(revisions):
                known = _changes.get((old.content_hash, new.content_hash))
                entries.append((new, None if known is None else known.model_copy(
                    update={"revision": new.number, "at": iso(new.fetched_at)})))
            history[article_id] = entries
    return history


def _timeline(articles: list[StoryArticle], first_seen: list[Any],
              history: dict[int, list[tuple[Any, RevisionChange | None]]]) -> list[TimelineEntry]:
    """The story's articles (at their publication time) and later revisions (at their fetch time),
    in time order; the earliest report is marked."""
    events: list[tuple[datetime | None, int, TimelineEntry]] = []
    for article, at in zip(articles, first_seen, strict=True):
        title = article.translated_title or article.title
        common = {"article_id": article.id, "source": article.source, "language": article.language, "title": title}
        events.append((at, 0, TimelineEntry(at=iso(at), revision=1, first_report=False, summary="published",
                                            change=None, **common)))
        for revision, change in history.get(article.id, [])[1:]:
            summary = f"revision {revision.number}: {change.summary}" if change else f"revision {revision.number}"
            events.append((revision.fetched_at, revision.number, TimelineEntry(
                at=iso(revision.fetched_at), revision=revision.number, first_report=False, summary=summary,
                change=change, **common)))
    floor = datetime.min.replace(tzinfo=UTC)

    def when(event: tuple[datetime | None, int, TimelineEntry]) -> tuple[datetime, int, int]:
        at = event[0]
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return at or floor, event[1], event[2].article_id

    ordered = [entry for *_, entry in sorted(events, key=when)]
    if len({e.article_id for e in ordered}) > 1:
        first = next(i for i, e in enumerate(ordered) if e.revision == 1)
        ordered[first] = ordered[first].model_copy(update={"first_report": True, "summary": "first report"})
    return ordered


def latest_changes(store: Store, article_ids: list[int]) -> dict[int, RevisionChange]:
    """For each article with more than one revision, what its newest revision changed (feeds)."""
    if not article_ids:
        return {}
    with store.engine.connect() as connection:
        history = _revision_history(connection, article_ids, newest_pairs=1)
    return {article_id: change for article_id, entries in history.items()
            if len(entries) > 1 and (change := entries[-1][1]) is not None}


# --- comparing a story's outlets ------------------------------------------------------------------
_COMPARE_TRANSLATIONS = (
    select(Translation.revision_id, Translation.engine, Translation.model, Translation.created_at,
           Translation.document, Translation.flags, Translation.provenance)
    .where(Translation.revision_id.in_(bindparam("ids", expanding=True)), Translation.target == bindparam("target"))
)


def _translation_info(language: str | None, target: str, translation: Any) -> TranslationInfo:
    """The label, licence and title flags of a stored translation, as the article page shows them."""
    provenance = translation.provenance or {}
    flags = translation.flags if isinstance(translation.flags, dict) else {}
    title_evidence, _ = _flag_evidence(flags)
    return TranslationInfo(
        target=target, engine=translation.engine, model=translation.model, created_at=iso(translation.created_at),
        label=mt_label(language, translation.engine, translation.model), license=provenance.get("license"),
        license_url=provenance.get("license_url"), attribution=provenance.get("attribution"),
        model_url=provenance.get("url"), title_flags=describe_flags(flags.get("title", []), title_evidence),
    )


def story_comparison(store: Store, story_id: int, *, target: str) -> StoryComparison | None:
    """A story's outlets compared in ``target``: headlines and leads side by side, facts aligned
    sentence by sentence, quotations by speaker, numbers that disagree (``stories.compare``); None
    when there is no such story. With fewer than two outlets, nothing is compared (``facts`` and
    ``speakers`` empty)."""
    from babelwire.stories import compare

    with store.engine.connect() as connection:
        story = connection.execute(_STORY, {"story_id": story_id}).first()
        if story is None:
            return None
        rows = connection.execute(_STORY_ARTICLES, {"story_id": story_id}).all()
        newest = dict(connection.execute(
            _NEWEST_REVISIONS, {"ids": [a.id for a in rows]}).all()) if rows else {}
        documents = dict(connection.execute(_DOCUMENTS, {"ids": list(newest.values())}).all()) if newest else {}
        translations = {t.revision_id: t for t in connection.execute(
            _COMPARE_TRANSLATIONS, {"ids": list(newest.values()), "target": target})} if newest else {}
    outlets = sorted({row.name for row in rows if row.name})
    languages = sorted({lang for row in rows if (lang := row.language or row.source_language)})
    reports: list[compare.Report] = []
    columns: list[ComparedArticle] = []
    block_flags: dict[int, tuple[list[Any], list[Any]]] = {}
    for row in rows:
        language = row.language or row.source_language
        original = documents.get(newest.get(row.id)) or {"title": row.title, "blocks": []}
        translation = translations.get(newest.get(row.id))
        translated = translation.document if translation is not None and language != target else None
        if translation is not None:
            flags = translation.flags if isinstance(translation.flags, dict) else {}
            block_flags[row.id] = (flags.get("blocks") or [], _flag_evidence(flags)[1])
        reports.append(compare.Report(key=row.id, outlet=row.name, language=language, published=iso(row.at),
                                      original=original, translated=translated, target=target))
        columns.append(ComparedArticle(
            id=row.id, url=row.url, source=row.name, language=language, published=iso(row.at),
            title=original.get("title") or row.title, translated_title=None, lead=None, translated_lead=None,
            translation=_translation_info(language, target, translation) if translated is not None else None,
            note=None if translated is not None else _no_translation_note(language, target, []),
        ))
    base = {"id": story.id, "title": story.title, "target": target, "start_at": iso(story.start_at),
            "end_at": iso(story.end_at), "outlets": outlets, "languages": languages}
    if len(outlets) < 2:
        return StoryComparison(**base, threshold=compare.THRESHOLD, articles=columns, facts=[], speakers=[])
    result = compare.compare_reports(reports)
    heads = {h.report: h for h in result.headlines}
    shown = [c.model_copy(update={
        "title": heads[c.id].title or c.title, "translated_title": heads[c.id].translated_title,
        "lead": heads[c.id].lead, "translated_lead": heads[c.id].translated_lead}) for c in columns if c.id in heads]
    source = {r.key: r.outlet for r in reports}

    def flags_of(article_id: int, block: int) -> list[Flag]:
        names, evidence = block_flags.get(article_id, ([], []))
        found = names[block] if block < len(names) else None
        return describe_flags(found, evidence[block] if block < len(evidence) else None) if found else []

    facts = []
    for row in result.facts:
        numbers = {n.report: n for n in row.numbers}
        facts.append(FactRow(
            outlets=list(row.outlets), only_one_outlet=row.only, compared_in=row.basis or None,
            similarity=row.score, numbers_differ=bool(row.numbers),
            sentences=[ComparedSentence(
                article_id=s.report, source=source[s.report], block=s.block, original=s.original,
                translated=s.translated, flags=flags_of(s.report, s.block) if s.translated else [],
                conflicting_numbers=list(numbers[s.report].numbers) if s.report in numbers else [],
                numbers_language=numbers[s.report].language if s.report in numbers else None,
            ) for s in row.sentences],
        ))
    speakers = [SpeakerQuotes(
        speaker=group.speaker, names=list(group.names), outlets=list(group.outlets),
        quotes=[QuoteRow(status=q.status, outlets=list(q.outlets), quotes=[
            ComparedQuote(article_id=item.report, source=source[item.report], speaker=item.speaker,
                          original=item.original, translated=item.translated) for item in q.quotes])
                for q in group.rows],
    ) for group in result.speakers]
    return StoryComparison(**base, threshold=result.threshold, articles=shown, omitted=list(result.omitted),
                           truncated=list(result.cut), facts=facts, speakers=speakers)


# --- sources and search ---------------------------------------------------------------------------
def source_health(store: Store) -> list[SourceHealth]:
    """Every source with its health: last success, last error, failures, articles, recent article errors."""
    since = utcnow() - timedelta(hours=24)
    with store.session() as session:
        counts = dict(session.execute(
            select(Article.source_id, func.count(Article.id)).group_by(Article.source_id)).all())
        errors = dict(session.execute(
            select(ErrorRecord.source_id, func.count(ErrorRecord.id))
            .where(ErrorRecord.stage == "article", ErrorRecord.at >= since).group_by(ErrorRecord.source_id)
        ).all())
        sources = session.execute(
            select(Source.id, Source.name, Source.url, Source.kind, Source.language, Source.interval,
                   Source.last_success_at, Source.last_error, Source.last_error_at, Source.consecutive_failures,
                   Source.next_poll_at).order_by(Source.id)).all()
    return [
        SourceHealth(id=s.id, name=s.name, url=s.url, kind=s.kind, language=s.language, interval=s.interval,
                     articles=counts.get(s.id, 0), last_success_at=iso(s.last_success_at), last_error=s.last_error,
                     last_error_at=iso(s.last_error_at), consecutive_failures=s.consecutive_failures,
                     next_poll_at=iso(s.next_poll_at), article_errors=errors.get(s.id, 0))
        for s in sources
    ]


def search_hits(store: Store, q: str, *, limit: int, offset: int = 0) -> list[SearchHit]:
    """Search results with each article's outlet, original language and times."""
    from babelwire.store.search import search

    hits = search(store, q, limit=limit, offset=offset)
    if not hits:
        return []
    with store.session() as session:
        rows = {row.id: row for row in session.execute(
            select(Article.id, Article.url, Article.language, Article.published, Source.name,
                   Source.language.label("source_language"))
            .join(Source, Source.id == Article.source_id).where(Article.id.in_([h["article_id"] for h in hits])))}
    found = []
    for h in hits:
        if (row := rows.get(h["article_id"])) is not None:
            language = row.language or row.source_language
            found.append(SearchHit(id=row.id, title=h["title"], lang=h["lang"] or language, snippet=str(h["snippet"]),
                                   language=language, source=row.name, url=row.url, published=iso(row.published)))
    return found


# --- keyset pages (the JSON API's cursors) ---------------------------------------------------------
Position = tuple[datetime | None, int]  # where a list item stands: (its sort time, its id)


def _keyset(store: Store, query: Any, at: Any, key: Any, position: Position | None, backward: bool, limit: int,
            offset: int) -> list[Position]:
    """The (time, id) of up to ``limit`` rows of ``query`` after ``position`` (and ``offset`` more) in
    the order ``at`` desc, ``key`` desc, rows without a time last; with ``backward``, the ``limit``
    rows before it, returned in that same order. Rows inserted elsewhere in the order never move a
    position, so pages are stable under inserts.

    Timed and untimed rows are read by separate statements, each a range of an index on ``at`` in
    its own order (a single statement would need NULLS LAST, which PostgreSQL's index cannot give)."""
    timed = query.where(at.is_not(None))
    untimed = query.where(at.is_(None))
    time, ident = position if position is not None else (None, None)
    if backward:  # nearest first: untimed rows above the position, then timed rows from the oldest up
        steps = []
        if position is not None and time is None:
            steps.append(untimed.where(key > ident).order_by(key.asc()))
            steps.append(timed.order_by(at.asc(), key.asc()))
        elif position is not None:
            steps.append(timed.where(at >= time, (at > time) | (key > ident)).order_by(at.asc(), key.asc()))
    else:
        steps = []
        if position is None:
            steps += [timed.order_by(at.desc(), key.desc()), untimed.order_by(key.desc())]
        elif time is None:
            steps.append(untimed.where(key < ident).order_by(key.desc()))
        else:
            steps += [timed.where(at <= time, (at < time) | (key < ident)).order_by(at.desc(), key.desc()),
                      untimed.order_by(key.desc())]
    rows: list[Position] = []
    with store.session() as session:
        for step in steps:
            if len(rows) >= limit:
                break
            found = [(row[1], row[0]) for row in session.execute(step.limit(limit - len(rows)).offset(offset))]
            if offset and not found:  # the offset skips past this part: count what it skipped
                offset = max(0, offset - session.scalar(select(func.count()).select_from(step.subquery())))
            else:
                offset = 0
            rows += found
    return rows[::-1] if backward else rows


def article_positions(store: Store, *, source_id: int | None = None, language: str | None = None,
                      position: Position | None = None, backward: bool = False, limit: int,
                      offset: int = 0) -> list[Position]:
    """The (listing time, id) of up to ``limit`` articles in the reader's order (newest published
    first) after ``position`` (and ``offset`` more), or with ``backward`` the ``limit`` nearest
    before it (still newest first): the keys of a page, whose summaries ``latest_articles(ids=...)``
    reads."""
    query = select(Article.id, Article.listed_at)
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    if language is not None:
        query = query.where(Article.language == language)
    return _keyset(store, query, Article.listed_at, Article.id, position, backward, limit, offset)


def story_positions(store: Store, *, position: Position | None = None, backward: bool = False,
                    limit: int, offset: int = 0) -> list[Position]:
    """The (latest article time, id) of up to ``limit`` stories, most recently active first, after
    (or with ``backward`` before) ``position``: the keys of a page for ``list_stories(ids=...)``."""
    return _keyset(store, select(Story.id, Story.end_at), Story.end_at, Story.id, position, backward, limit, offset)


# --- caching --------------------------------------------------------------------------------------
def _scalar(query: Any) -> Any:
    return query.scalar_subquery()


def change_stamp(session: Session) -> tuple[tuple[Any, ...], tuple[Any, ...], datetime | None]:
    """The store's change stamp, in one round trip of index-backed maxima, counts and sums:
    (content, activity, time of the latest change). *content* moves with every write that can
    change what a page shows (an article, revision or translation added or removed, a story made,
    updated or deleted, a source added, removed or renamed); *activity* with the polling state
    only the source-health answers show (a poll, an error, a failure count)."""
    row = session.execute(select(
        _scalar(select(func.max(Revision.id))),
        _scalar(select(func.max(Translation.id))),
        _scalar(select(func.max(Article.id))),
        _scalar(select(func.count(Article.id))),
        _scalar(select(func.max(Story.updated_at))),
        _scalar(select(func.count(Story.id))),
        _scalar(select(func.sum(Story.article_count))),
        _scalar(select(func.count(Source.id))),
        _scalar(select(func.max(Source.id))),
        _scalar(select(func.sum(func.length(Source.name) * Source.id))),
        _scalar(select(Revision.fetched_at).order_by(Revision.id.desc()).limit(1)),
        _scalar(select(Translation.created_at).order_by(Translation.id.desc()).limit(1)),
        _scalar(select(func.max(Source.last_polled_at))),
        _scalar(select(func.max(Source.last_error_at))),
        _scalar(select(func.sum(Source.consecutive_failures))),
        _scalar(select(func.max(ErrorRecord.id))),
    )).one()
    times = [value for value in (row[4], row[10], row[11], row[12], row[13]) if isinstance(value, datetime)]
    return tuple(row[:12]), tuple(row[12:]), max(times) if times else None
