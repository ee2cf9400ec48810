"""The tables of the store (SQLAlchemy 2 declarative models).

Every schema change goes through an Alembic migration in ``store/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def listing_time(published: datetime | None, first_seen_at: datetime | None) -> datetime | None:
    """When the reader lists an article: its publication time, unless it claims to be published
    after babelwire first saw it (a wrong time zone, a future date), then the first sighting."""
    if published is None or first_seen_at is None:
        return first_seen_at
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    if first_seen_at.tzinfo is None:
        first_seen_at = first_seen_at.replace(tzinfo=UTC)
    return min(published, first_seen_at)


def _default_listed_at(context: Any) -> datetime | None:
    row = context.get_current_parameters()
    return listing_time(row.get("published"), row.get("first_seen_at"))


class Base(DeclarativeBase):
    pass


class Source(Base):
    """A feed, sitemap or single page that babelwire watches."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # feed | sitemap | page
    name: Mapped[str] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(16))  # declared; None = detect
    interval: Mapped[float] = mapped_column(Float)  # seconds between polls
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # HTTP validators of the listing (feed/sitemap) for conditional GET
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    # health
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # translation overrides (None = use [translate] settings)
    translate_to: Mapped[list[str] | None] = mapped_column(JSON)
    engine: Mapped[str | None] = mapped_column(String(64))
    translate: Mapped[bool] = mapped_column(Boolean, default=True)

    articles: Mapped[list[Article]] = relationship(back_populates="source", passive_deletes=True)


class Article(Base):
    """One article, identified by its canonical URL; its content lives in revisions."""

    __tablename__ = "articles"
    # Reader lists (per source, per language, newest first); migrations 0003 and 0005.
    __table_args__ = (
        Index("ix_articles_source_first_seen", "source_id", "first_seen_at"),
        Index("ix_articles_language_first_seen", "language", "first_seen_at"),
        Index("ix_articles_listed_at", "listed_at"),
        Index("ix_articles_source_listed_at", "source_id", "listed_at"),
        Index("ix_articles_language_listed_at", "language", "listed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # listing_time(published, first_seen_at): the order of the reader's lists, kept by ingest.
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=_default_listed_at)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"), index=True)
    # What the article was grouped by (revision/translation it was read from, its vector, its title),
    # so re-placing an unchanged article is a no-op and a story's centroid is rebuilt from its members.
    story_features: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    source: Mapped[Source] = relationship(back_populates="articles")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="article", order_by="Revision.number", passive_deletes=True
    )


class Story(Base):
    """Articles from any outlet and language that report the same event."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)  # representative title (target language)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # earliest article time
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # latest article time
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    features: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # representation used for matching


class ArticleURL(Base):
    """Every URL an article was reached by (feed links, redirects, canonical): dedup by URL."""

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class Revision(Base):
    """One distinct version of an article's content. Old revisions are kept."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per article
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)

    article: Mapped[Article] = relationship(back_populates="revisions")


class QueueItem(Base):
    """A URL waiting to be fetched and extracted: the durable hand-off between the listing stage
    and the article stage, so a killed poll resumes where it stopped."""

    __tablename__ = "fetch_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # kept so the URL is not retried
    entry_title: Mapped[str | None] = mapped_column(Text)
    entry_published: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ErrorRecord(Base):
    """A failure a user should see: which source/article/URL, which stage, why."""

    __tablename__ = "errors"
    __table_args__ = (Index("ix_errors_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    url: Mapped[str | None] = mapped_column(String(2048))
    reason: Mapped[str] = mapped_column(Text)


class Translation(Base):
    """A revision translated into one target language by one engine."""

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("revision_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(64))  # engine kind: ct2, apertium, ...
    engine_id: Mapped[str] = mapped_column(String(256))  # stable id (kind + model identity)
    model: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    flags: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"title": [...], "blocks": [[...], ...]}
    # Where the translation comes from, shown with it: model name, licence, its link, attribution.
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sentences: Mapped[int] = mapped_column(Integer, default=0)
    from_memory: Mapped[int] = mapped_column(Integer, default=0)


class MemoryEntry(Base):
    """Translation memory: a normalised sentence translated once per engine and pair."""

    __tablename__ = "translation_memory"
    __table_args__ = (UniqueConstraint("engine_id", "source", "target", "key_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engine_id: Mapped[str] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(40))  # sha1 of the normalised sentence
    key: Mapped[str] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RenderedPage(Base):
    """A pre-rendered reader answer (article or story page, or its API twin) and the version of the
    rows it was rendered from (see babelwire.web.prerender)."""

    __tablename__ = "rendered_pages"

    key: Mapped[str] = mapped_column(String(600), primary_key=True)  # the path
    version: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str] = mapped_column(String(64))
    headers: Mapped[list[Any]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)  # gzip
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossaryEntry(Base):
    """A required translation of a term (a name, a title) for one language pair: for every source
    (``source_id`` NULL) or for one source, whose entries override the global ones (migration 0007)."""

    __tablename__ = "glossary"
    __table_args__ = (
        UniqueConstraint("source_lang", "target_lang", "term", "source_id"),
        # NULLs are distinct in unique constraints: this keeps one global entry per term too.
        Index("uq_glossary_global_term", "source_lang", "target_lang", "term", unique=True,
              sqlite_where=text("source_id IS NULL"), postgresql_where=text("source_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(300))
    translation: Mapped[str] = mapped_column(String(300))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Watch(Base):
    """A named query over every article, in the original and its translations, with where its
    matches go (Atom feed, webhook, e-mail); migration 0009."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    query: Mapped[str] = mapped_column(Text)
    source_ids: Mapped[list[int] | None] = mapped_column(JSON)  # only these outlets (None: all)
    languages: Mapped[list[str] | None] = mapped_column(JSON)  # only these original languages (None: all)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_token: Mapped[str | None] = mapped_column(String(64))  # private watches: in the feed's URL
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    email_mode: Mapped[str | None] = mapped_column(String(16))  # immediate | digest
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WatchMatch(Base):
    """One article revision a watch matched: recorded once per watch and revision, and only for a
    revision that brings terms the article's earlier matches did not have."""

    __tablename__ = "watch_matches"
    __table_args__ = (
        UniqueConstraint("watch_id", "revision_id"),
        Index("ix_watch_matches_watch_matched_at", "watch_id", "matched_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {"terms": [query terms matched], "original": [words as written], "translation": [words as translated]}
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)


class WatchScan(Base):
    """A revision the notify stage has matched against every watch (so it is matched once)."""

    __tablename__ = "watch_scans"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchDelivery(Base):
    """One match to send through one channel (webhook, mail, digest): pending until sent, retried
    with backoff, failed after the last attempt."""

    __tablename__ = "watch_deliveries"
    __table_args__ = (
        UniqueConstraint("match_id", "channel"),
        Index("ix_watch_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("watch_matches.id", ondelete="CASCADE"))
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # webhook | mail | digest
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
