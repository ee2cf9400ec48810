"""Watches in the store: the watches themselves, the notify stage's scans and matches, and the
deliveries of those matches (webhook, e-mail, digest). Every query and write of the feature is here.

Exactly once: a revision is scanned once (``watch_scans``, primary key), a watch matches a
revision once (unique ``(watch_id, revision_id)``), a match is delivered once per channel (unique
``(match_id, channel)``), and a delivery is claimed with a compare-and-set on its attempt count
before it is sent, so two workers never send the same one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from babelwire.store.database import Store
from babelwire.store.models import (
    Article,
    Revision,
    Source,
    Story,
    Translation,
    Watch,
    WatchDelivery,
    WatchMatch,
    WatchScan,
    utcnow,
)

MAX_NAME = 100
CHANNELS = ("webhook", "mail", "digest")


class WatchExistsError(ValueError):
    """A watch of that name exists already."""


@dataclass(frozen=True)
class WatchRecord:
    """A watch as the CLI, the API and the pages show it (secrets included: callers mask them)."""

    id: int
    name: str
    query: str
    source_ids: list[int] | None
    languages: list[str] | None
    private: bool
    feed_token: str | None
    webhook_url: str | None
    webhook_secret: str | None
    email: str | None
    email_mode: str | None
    created_at: datetime
    last_digest_at: datetime | None
    matches: int = 0
    last_match_at: datetime | None = None

    def public(self) -> dict[str, Any]:
        """The watch without its secrets (feed token, webhook secret), for lists, logs and JSON."""
        return {
            "id": self.id,
            "name": self.name,
            "query": self.query,
            "sources": self.source_ids,
            "languages": self.languages,
            "private": self.private,
            "webhook_url": self.webhook_url,
            "email": self.email,
            "email_mode": self.email_mode,
            "created_at": self.created_at.isoformat(),
            "matches": self.matches,
            "last_match_at": self.last_match_at.isoformat() if self.last_match_at else None,
        }


def _record(watch: Watch, matches: int = 0, last: datetime | None = None) -> WatchRecord:
    return WatchRecord(
        watch.id,
        watch.name,
        watch.query,
        watch.source_ids,
        watch.languages,
        watch.private,
        watch.feed_token,
        watch.webhook_url,
        watch.webhook_secret,
        watch.email,
        watch.email_mode,
        watch.created_at,
        watch.last_digest_at,
        matches,
        last,
    )


def add_watch(
    store: Store,
    *,
    name: str,
    query: str,
    source_ids: Sequence[int] | None = None,
    languages: Sequence[str] | None = None,
    private: bool = False,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    email: str | None = None,
    email_mode: str | None = None,
) -> WatchRecord:
    """Store a new watch (the query already checked by the caller); a private watch gets a feed token,
    a webhook a secret (random unless given). Raises WatchExistsError."""
    watch = Watch(
        name=name,
        query=query,
        source_ids=list(source_ids) or None if source_ids else None,
        languages=list(languages) if languages else None,
        private=private,
        feed_token=secrets.token_urlsafe(24) if private else None,
        webhook_url=webhook_url or None,
        webhook_secret=(webhook_secret or secrets.token_urlsafe(32)) if webhook_url else None,
        email=email or None,
        email_mode=(email_mode or "digest") if email else None,
    )
    try:
        with store.transaction() as session:
            if session.scalar(select(Watch.id).where(Watch.name == name)) is not None:
                raise WatchExistsError(f"a watch named {name!r} exists already (see `babelwire watch list`)")
            session.add(watch)
    except IntegrityError as exc:  # added by someone else meanwhile
        raise WatchExistsError(f"a watch named {name!r} exists already (see `babelwire watch list`)") from exc
    return _record(watch)


def _counts(session: Session) -> dict[int, tuple[int, datetime | None]]:
    rows = session.execute(
        select(WatchMatch.watch_id, func.count(WatchMatch.id), func.max(WatchMatch.matched_at)).group_by(
            WatchMatch.watch_id
        )
    )
    return {watch_id: (count, last) for watch_id, count, last in rows}


def list_watches(store: Store) -> list[WatchRecord]:
    """Every watch by name, with its number of matches and the time of the last one."""
    with store.session() as session:
        counts = _counts(session)
        return [_record(w, *counts.get(w.id, (0, None))) for w in session.scalars(select(Watch).order_by(Watch.name))]


def get_watch(store: Store, name: str) -> WatchRecord | None:
    """The watch of that name, or None."""
    with store.session() as session:
        watch = session.scalar(select(Watch).where(Watch.name == name))
        if watch is None:
            return None
        count, last = session.execute(
            select(func.count(WatchMatch.id), func.max(WatchMatch.matched_at)).where(WatchMatch.watch_id == watch.id)
        ).one()
        return _record(watch, count, last)


def remove_watch(store: Store, name: str) -> bool:
    """Delete a watch, its matches and deliveries; False when there is no such watch."""
    with store.transaction() as session:
        watch_id = session.scalar(select(Watch.id).where(Watch.name == name))
        if watch_id is None:
            return False
        # Explicit deletes: SQLite enforces ON DELETE CASCADE only with foreign keys on, which the
        # store turns on, but this keeps the order (deliveries, matches, watch) obvious.
        session.execute(delete(WatchDelivery).where(WatchDelivery.watch_id == watch_id))
        session.execute(delete(WatchMatch).where(WatchMatch.watch_id == watch_id))
        session.execute(delete(Watch).where(Watch.id == watch_id))
    return True


def source_ids_named(store: Store, refs: Iterable[str]) -> tuple[list[int], list[str]]:
    """Source ids for ``--source`` values (an id, a URL or a name); and the values that name none."""
    found, unknown = [], []
    with store.session() as session:
        for ref in refs:
            ref = ref.strip()
            condition = or_(Source.url == ref, func.lower(Source.name) == ref.lower())
            if ref.isdigit():
                condition = or_(condition, Source.id == int(ref))
            ids = list(session.scalars(select(Source.id).where(condition)))
            found += ids
            if not ids:
                unknown.append(ref)
    return list(dict.fromkeys(found)), unknown


# --- the notify stage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchQuery:
    id: int
    query: str
    source_ids: list[int] | None
    languages: list[str] | None


def watch_queries(store: Store) -> list[WatchQuery]:
    """Every watch's query and restrictions (what the matcher compiles)."""
    with store.session() as session:
        rows = session.execute(select(Watch.id, Watch.query, Watch.source_ids, Watch.languages).order_by(Watch.id))
        return [WatchQuery(*row) for row in rows]


@dataclass
class ScanInput:
    """One revision to match: its article's outlet and language, original, translations, and what
    each watch already matched in the article's earlier revisions."""

    revision_id: int
    article_id: int
    source_id: int
    source_name: str
    language: str | None
    document: dict[str, Any]
    translations: list[dict[str, Any]] = field(default_factory=list)


def pending_scans(
    store: Store, *, waiting: Iterable[int] = (), wait_until: datetime | None = None, limit: int = 200
) -> list[ScanInput]:
    """Revisions not matched yet, oldest first, with their documents; those in ``waiting`` (their
    translation is still to come) are left for later, unless fetched before ``wait_until``."""
    waiting = set(waiting)
    with store.session() as session:
        # Ids first (no documents), so that many revisions waiting for their translation cost little.
        candidates = session.execute(
            select(Revision.id, Revision.fetched_at)
            .where(~exists().where(WatchScan.revision_id == Revision.id))
            .order_by(Revision.id)
            .limit(limit + len(waiting))
        ).all()
        chosen = [
            rid
            for rid, fetched_at in candidates
            if rid not in waiting or (wait_until is not None and fetched_at <= wait_until)
        ][:limit]
        found: list[ScanInput] = []
        if chosen:
            rows = session.execute(
                select(
                    Revision.id,
                    Revision.article_id,
                    Revision.document,
                    Article.source_id,
                    Source.name,
                    Article.language,
                )
                .join(Article, Article.id == Revision.article_id)
                .join(Source, Source.id == Article.source_id)
                .where(Revision.id.in_(chosen))
                .order_by(Revision.id)
            )
            found = [
                ScanInput(rid, aid, sid, sname or "", language, document or {})
                for rid, aid, document, sid, sname, language in rows
            ]
        by_id = {s.revision_id: s for s in found}
        if by_id:
            for rid, document in session.execute(
                select(Translation.revision_id, Translation.document)
                .where(Translation.revision_id.in_(by_id))
                .order_by(Translation.id)
            ):
                by_id[rid].translations.append(document or {})
        return found


def count_pending_scans(store: Store) -> int:
    """Revisions the notify stage has not matched yet."""
    with store.session() as session:
        return (
            session.scalar(select(func.count(Revision.id)).where(~exists().where(WatchScan.revision_id == Revision.id)))
            or 0
        )


def mark_scanned(store: Store, revision_ids: Sequence[int]) -> None:
    """Record revisions as matched when there is no watch (nothing else to write)."""
    if not revision_ids:
        return
    try:
        with store.transaction() as session:
            done = set(session.scalars(select(WatchScan.revision_id).where(WatchScan.revision_id.in_(revision_ids))))
            session.add_all([WatchScan(revision_id=r) for r in revision_ids if r not in done])
    except IntegrityError:  # another worker scanned some of them meanwhile: do them one by one
        for revision_id in revision_ids:
            record_scan(store, revision_id, 0, [])


@dataclass(frozen=True)
class FoundMatch:
    watch_id: int
    terms: dict[str, Any]  # {"terms": [...], "original": [...], "translation": [...]}


def record_scan(store: Store, revision_id: int, article_id: int, matches: Sequence[FoundMatch]) -> list[int]:
    """In one transaction: the revision is scanned, and each match recorded with its deliveries —
    unless the article's earlier matches for that watch already had every term it matched (a
    revision that only changes wording). Returns the new match ids; [] when another worker scanned
    the revision first."""
    try:
        with store.transaction() as session:
            session.add(WatchScan(revision_id=revision_id))
            session.flush()  # the scan row first: a second worker stops here
            if not matches:
                return []
            earlier: dict[int, set[str]] = {}
            for watch_id, terms in session.execute(
                select(WatchMatch.watch_id, WatchMatch.terms).where(WatchMatch.article_id == article_id)
            ):
                earlier.setdefault(watch_id, set()).update(t.casefold() for t in (terms or {}).get("terms", []))
            watches = {
                w.id: w for w in session.scalars(select(Watch).where(Watch.id.in_([m.watch_id for m in matches])))
            }
            created = []
            for found in matches:
                watch = watches.get(found.watch_id)
                if watch is None:
                    continue  # removed meanwhile
                new_terms = {t.casefold() for t in found.terms.get("terms", [])}
                if found.watch_id in earlier and new_terms <= earlier[found.watch_id]:
                    continue
                match = WatchMatch(watch_id=watch.id, article_id=article_id, revision_id=revision_id, terms=found.terms)
                session.add(match)
                session.flush()
                channels = (["webhook"] if watch.webhook_url else []) + (
                    ["digest" if watch.email_mode == "digest" else "mail"] if watch.email else []
                )
                session.add_all([WatchDelivery(match_id=match.id, watch_id=watch.id, channel=c) for c in channels])
                created.append(match.id)
            return created
    except IntegrityError:
        return []


def record_scans(store: Store, items: Sequence[tuple[int, int, Sequence[FoundMatch]]]) -> list[int]:
    """:func:`record_scan` for many (revision, article, matches) at once, in one transaction (the
    notify stage's batches); if another worker scanned one of them meanwhile, they are recorded one
    by one instead. Returns the new match ids."""
    if not items:
        return []
    now = utcnow()
    try:
        with store.transaction() as session:
            session.execute(insert(WatchScan), [{"revision_id": r, "scanned_at": now} for r, _a, _m in items])
            found = [(r, a, m) for r, a, matches in items for m in matches]
            if not found:
                return []
            earlier: dict[tuple[int, int], set[str]] = {}
            for article_id, watch_id, terms in session.execute(
                select(WatchMatch.article_id, WatchMatch.watch_id, WatchMatch.terms).where(
                    WatchMatch.article_id.in_({a for _r, a, _m in found})
                )
            ):
                earlier.setdefault((article_id, watch_id), set()).update(
                    t.casefold() for t in (terms or {}).get("terms", [])
                )
            watches = {
                w.id: w
                for w in session.execute(
                    select(Watch.id, Watch.webhook_url, Watch.email, Watch.email_mode).where(
                        Watch.id.in_({m.watch_id for _r, _a, m in found})
                    )
                )
            }
            rows, channels = [], []
            for revision_id, article_id, match in found:
                watch = watches.get(match.watch_id)
                if watch is None:
                    continue
                new_terms = {t.casefold() for t in match.terms.get("terms", [])}
                seen = earlier.get((article_id, match.watch_id))
                if seen is not None and new_terms <= seen:
                    continue
                earlier.setdefault((article_id, match.watch_id), set()).update(new_terms)
                rows.append(
                    {
                        "watch_id": match.watch_id,
                        "article_id": article_id,
                        "revision_id": revision_id,
                        "matched_at": now,
                        "terms": match.terms,
                    }
                )
                channels.append(
                    (["webhook"] if watch.webhook_url else [])
                    + (["digest" if watch.email_mode == "digest" else "mail"] if watch.email else [])
                )
            if not rows:
                return []
            ids = list(session.scalars(insert(WatchMatch).returning(WatchMatch.id, sort_by_parameter_order=True), rows))
            deliveries = [
                {
                    "match_id": match_id,
                    "watch_id": row["watch_id"],
                    "channel": channel,
                    "status": "pending",
                    "attempts": 0,
                }
                for match_id, row, names in zip(ids, rows, channels, strict=True)
                for channel in names
            ]
            if deliveries:
                session.execute(insert(WatchDelivery), deliveries)
            return ids
    except IntegrityError:
        return [mid for r, a, matches in items for mid in record_scan(store, r, a, matches)]


# --- reading matches -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchDetail:
    """A match with everything a page, a feed, a webhook or an e-mail shows of it."""

    id: int
    watch_id: int
    watch_name: str
    matched_at: datetime
    terms: list[str]
    original_words: list[str]
    translation_words: list[str]
    article_id: int
    url: str
    title: str | None
    language: str | None
    source_id: int
    source_name: str
    published: datetime | None
    revision: int
    document: dict[str, Any]
    translation_target: str | None
    translation_engine: str | None
    translation: dict[str, Any] | None
    story_id: int | None
    story_title: str | None


def _details(
    session: Session, condition: Any, *, limit: int | None = None, offset: int = 0, target: str | None = None
) -> list[MatchDetail]:
    query = (
        select(WatchMatch, Watch.name, Article, Source.name, Revision.number, Revision.document, Story.title)
        .join(Watch, Watch.id == WatchMatch.watch_id)
        .join(Article, Article.id == WatchMatch.article_id)
        .join(Source, Source.id == Article.source_id)
        .join(Revision, Revision.id == WatchMatch.revision_id)
        .outerjoin(Story, Story.id == Article.story_id)
        .where(condition)
        .order_by(WatchMatch.matched_at.desc(), WatchMatch.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    translations: dict[int, list[Translation]] = {}
    revision_ids = [m.revision_id for m, *_ in rows]
    if revision_ids:
        for t in session.scalars(
            select(Translation).where(Translation.revision_id.in_(revision_ids)).order_by(Translation.id)
        ):
            translations.setdefault(t.revision_id, []).append(t)
    out = []
    for match, watch_name, article, source_name, number, document, story_title in rows:
        options = translations.get(match.revision_id, [])
        chosen = next((t for t in options if t.target == target), options[0] if options else None)
        terms = match.terms or {}
        out.append(
            MatchDetail(
                match.id,
                match.watch_id,
                watch_name,
                match.matched_at,
                list(terms.get("terms", [])),
                list(terms.get("original", [])),
                list(terms.get("translation", [])),
                article.id,
                article.url,
                article.title,
                article.language,
                article.source_id,
                source_name or "",
                article.published,
                number,
                document or {},
                chosen.target if chosen else None,
                chosen.engine if chosen else None,
                chosen.document if chosen else None,
                article.story_id,
                story_title,
            )
        )
    return out


def watch_matches(
    store: Store, watch_id: int, *, limit: int = 30, offset: int = 0, target: str | None = None
) -> list[MatchDetail]:
    """A watch's matches, newest first."""
    with store.session() as session:
        return _details(session, WatchMatch.watch_id == watch_id, limit=limit, offset=offset, target=target)


def matches_by_id(store: Store, match_ids: Sequence[int], *, target: str | None = None) -> list[MatchDetail]:
    with store.session() as session:
        return _details(session, WatchMatch.id.in_(list(match_ids)), target=target) if match_ids else []


@dataclass(frozen=True)
class RecentArticle:
    article_id: int
    revision_id: int
    source_id: int
    source_name: str
    language: str | None
    title: str | None
    url: str
    first_seen_at: datetime
    document: dict[str, Any]
    translations: list[dict[str, Any]]


def recent_articles(store: Store, since: datetime, *, limit: int = 5000) -> list[RecentArticle]:
    """The newest revision of each article first seen since ``since``, newest first, with its
    translations (what ``watch test`` matches)."""
    with store.session() as session:
        newest = (
            select(Revision.article_id, func.max(Revision.number).label("number"))
            .group_by(Revision.article_id)
            .subquery()
        )
        rows = session.execute(
            select(Article, Source.name, Revision.id, Revision.document)
            .join(Source, Source.id == Article.source_id)
            .join(newest, newest.c.article_id == Article.id)
            .join(Revision, and_(Revision.article_id == Article.id, Revision.number == newest.c.number))
            .where(Article.first_seen_at >= since)
            .order_by(Article.first_seen_at.desc())
            .limit(limit)
        ).all()
        translations: dict[int, list[dict[str, Any]]] = {}
        ids = [rid for _a, _s, rid, _d in rows]
        for start in range(0, len(ids), 500):
            for rid, document in session.execute(
                select(Translation.revision_id, Translation.document).where(
                    Translation.revision_id.in_(ids[start : start + 500])
                )
            ):
                translations.setdefault(rid, []).append(document or {})
        return [
            RecentArticle(
                a.id,
                rid,
                a.source_id,
                sname or "",
                a.language,
                a.title,
                a.url,
                a.first_seen_at,
                document or {},
                translations.get(rid, []),
            )
            for a, sname, rid, document in rows
        ]


# --- deliveries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryJob:
    id: int
    channel: str
    attempts: int  # including this one
    match_id: int
    watch_id: int
    watch_name: str
    webhook_url: str | None
    webhook_secret: str | None
    email: str | None


def claim_deliveries(
    store: Store, channels: Sequence[str], *, now: datetime, hold: timedelta, limit: int = 100
) -> list[DeliveryJob]:
    """Pending deliveries due now, each claimed for this caller (its attempt counted, its next
    attempt moved ``hold`` ahead so that nobody else takes it meanwhile) with a compare-and-set."""
    claimed = []
    with store.session() as session:
        due = session.execute(
            select(WatchDelivery.id, WatchDelivery.attempts)
            .where(
                WatchDelivery.status == "pending",
                WatchDelivery.channel.in_(list(channels)),
                or_(WatchDelivery.next_attempt_at.is_(None), WatchDelivery.next_attempt_at <= now),
            )
            .order_by(WatchDelivery.id)
            .limit(limit)
        ).all()
    for delivery_id, attempts in due:
        with store.transaction() as session:
            done = session.execute(
                update(WatchDelivery)
                .where(
                    WatchDelivery.id == delivery_id,
                    WatchDelivery.attempts == attempts,
                    WatchDelivery.status == "pending",
                )
                .values(attempts=attempts + 1, next_attempt_at=now + hold)
            )
            if done.rowcount != 1:
                continue  # another worker claimed it
            row = session.execute(
                select(WatchDelivery, Watch)
                .join(Watch, Watch.id == WatchDelivery.watch_id)
                .where(WatchDelivery.id == delivery_id)
            ).one()
            d, w = row
            claimed.append(
                DeliveryJob(
                    d.id, d.channel, attempts + 1, d.match_id, w.id, w.name, w.webhook_url, w.webhook_secret, w.email
                )
            )
    return claimed


def finish_delivery(
    store: Store, delivery_ids: Sequence[int], *, error: str | None = None, retry_at: datetime | None = None
) -> None:
    """Sent (no error), to be retried at ``retry_at``, or failed for good (an error, no retry)."""
    values: dict[str, Any]
    if error is None:
        values = {"status": "sent", "sent_at": utcnow(), "last_error": None}
    elif retry_at is not None:
        values = {"last_error": error, "next_attempt_at": retry_at}
    else:
        values = {"status": "failed", "last_error": error}
    with store.transaction() as session:
        session.execute(update(WatchDelivery).where(WatchDelivery.id.in_(list(delivery_ids))).values(**values))


@dataclass(frozen=True)
class DigestJob:
    watch_id: int
    watch_name: str
    email: str
    delivery_ids: list[int]
    match_ids: list[int]
    attempts: int
    previous: datetime | None  # last_digest_at before this claim (put back on failure)


def claim_digests(store: Store, *, now: datetime, every: timedelta) -> list[DigestJob]:
    """Watches whose digest is due (pending items, and ``every`` since the last digest or since the
    watch was added), each claimed by moving its ``last_digest_at`` to ``now`` with a compare-and-set."""
    jobs = []
    with store.session() as session:
        rows = session.execute(
            select(Watch.id, Watch.created_at, Watch.last_digest_at).where(
                Watch.email.is_not(None),
                exists().where(
                    WatchDelivery.watch_id == Watch.id,
                    WatchDelivery.channel == "digest",
                    WatchDelivery.status == "pending",
                    or_(WatchDelivery.next_attempt_at.is_(None), WatchDelivery.next_attempt_at <= now),
                ),
            )
        ).all()
    for watch_id, created_at, last in rows:
        if (last or created_at) + every > now:
            continue
        with store.transaction() as session:
            condition = Watch.last_digest_at.is_(None) if last is None else Watch.last_digest_at == last
            done = session.execute(update(Watch).where(Watch.id == watch_id, condition).values(last_digest_at=now))
            if done.rowcount != 1:
                continue
            watch = session.get(Watch, watch_id)
            items = session.execute(
                select(WatchDelivery.id, WatchDelivery.match_id, WatchDelivery.attempts)
                .where(
                    WatchDelivery.watch_id == watch_id,
                    WatchDelivery.channel == "digest",
                    WatchDelivery.status == "pending",
                )
                .order_by(WatchDelivery.id)
            ).all()
            if not items or watch is None or not watch.email:
                continue
            attempts = max(a for _d, _m, a in items) + 1
            session.execute(
                update(WatchDelivery).where(WatchDelivery.id.in_([d for d, _m, _a in items])).values(attempts=attempts)
            )
            jobs.append(
                DigestJob(
                    watch_id,
                    watch.name,
                    watch.email,
                    [d for d, _m, _a in items],
                    [m for _d, m, _a in items],
                    attempts,
                    last,
                )
            )
    return jobs


def release_digest(store: Store, job: DigestJob) -> None:
    """Put a failed digest's watch back as it was, so the digest is due again at the next retry."""
    with store.transaction() as session:
        session.execute(update(Watch).where(Watch.id == job.watch_id).values(last_digest_at=job.previous))


def count_pending_deliveries(store: Store, *, now: datetime | None = None) -> int:
    """Deliveries still to send (due now, when ``now`` is given)."""
    with store.session() as session:
        query = select(func.count(WatchDelivery.id)).where(WatchDelivery.status == "pending")
        if now is not None:
            query = query.where(or_(WatchDelivery.next_attempt_at.is_(None), WatchDelivery.next_attempt_at <= now))
        return session.scalar(query) or 0
