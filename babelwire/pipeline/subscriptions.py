"""Managing sources: probe a URL to learn its kind, add, edit, remove, import and export (OPML)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from babelwire.config import Settings, parse_duration
from babelwire.document import iso
from babelwire.errors import (
    BabelwireError,
    ConfigError,
    ExtractionError,
    FeedError,
    InvalidSourceError,
    SourceExistsError,
)
from babelwire.extract import extract_document
from babelwire.fetch import Fetcher
from babelwire.sources import (
    Outline,
    common_feed_urls,
    detect_kind,
    discover_feed_links,
    parse_listing,
    parse_opml,
    write_opml,
)
from babelwire.store import Store, queries
from babelwire.store.limits import MAX_LANGUAGE, MAX_URL
from babelwire.store.models import Source
from babelwire.store.readmodels import SourceHealth
from babelwire.store.sources import (
    MAX_ENGINE,
    create_source,
    delete_source,
    list_sources,
    next_poll_times,
    update_source,
)
from babelwire.store.sources import find_source as find_source  # re-exported (it moved to the store)
from babelwire.urls import normalise_url

log = logging.getLogger(__name__)
ProbeKind = Literal["feed", "sitemap", "page", "site"]
MIN_ARTICLE_CHARS = 400


def _check_fields(url: str | None, language: str | None, engine: str | None) -> None:
    """Refuse what cannot be stored, on SQLite as on PostgreSQL (see babelwire.store.limits)."""
    if url is not None and len(url) > MAX_URL:
        raise InvalidSourceError(f"URL longer than {MAX_URL} characters ({len(url)}): not a source",
                                 url=url[:200] + "…")
    if language is not None and len(language) > MAX_LANGUAGE:
        raise InvalidSourceError(f"language code longer than {MAX_LANGUAGE} characters: {language[:40]!r} "
                                 "(use an ISO 639-1 code such as fr)")
    if engine is not None and len(engine) > MAX_ENGINE:
        raise InvalidSourceError(f"engine name longer than {MAX_ENGINE} characters: {engine[:40]!r}")


@dataclass
class FeedCandidate:
    url: str
    kind: str
    title: str | None = None
    entries: int = 0


@dataclass
class Probe:
    """What a URL turned out to be."""

    url: str
    kind: ProbeKind
    title: str | None = None
    language: str | None = None
    entries: int = 0
    feeds: list[FeedCandidate] = field(default_factory=list)  # for kind "site"


def _try_listing(fetcher: Fetcher, url: str, settings: Settings) -> FeedCandidate | None:
    try:
        result = fetcher.fetch(url)
        kind = detect_kind(result.content, result.content_type, result.final_url)
        if kind not in ("feed", "sitemap"):
            return None
        listing = parse_listing(result.content, result.final_url, max_bytes=settings.fetch.max_decompressed_bytes)
    except BabelwireError:
        return None
    return FeedCandidate(normalise_url(result.final_url), listing.kind, listing.title,
                         len(listing.entries) + len(listing.sitemaps))


def probe_url(fetcher: Fetcher, url: str, settings: Settings,
              on_probe: Callable[[str], None] | None = None) -> Probe:
    """Fetch ``url`` and say whether it is a feed, a sitemap, an article page, or a site home
    page, whose feeds are then discovered: the ones its ``<link rel=alternate>`` declare; only
    when it declares none (or none that works) are common feed paths probed, each reported to
    ``on_probe`` before it is fetched (a site answers them slowly: ~15 requests took 17 s)."""
    result = fetcher.fetch(url)
    final = normalise_url(result.final_url)
    kind = detect_kind(result.content, result.content_type, result.final_url)
    if kind in ("feed", "sitemap"):
        listing = parse_listing(result.content, result.final_url, max_bytes=settings.fetch.max_decompressed_bytes)
        return Probe(final, listing.kind, listing.title, listing.language,
                     len(listing.entries) + len(listing.sitemaps))
    if kind != "page":
        raise FeedError("not a feed, a sitemap or an HTML page", url=url)
    html = result.text
    document = None
    with contextlib.suppress(ExtractionError):
        document = extract_document(html, result.final_url)
    is_home = urlsplit(final).path in ("", "/") or (urlsplit(final).path.count("/") <= 1 and not urlsplit(
        final).path.strip("/").count("-"))
    if document is not None and len(document.text) >= MIN_ARTICLE_CHARS and not is_home:
        return Probe(final, "page", document.title, document.language)
    candidates: list[FeedCandidate] = []
    seen: set[str] = set()
    for links, probing in ((discover_feed_links(html, result.final_url), False),
                           (common_feed_urls(result.final_url), True)):
        if probing and candidates:
            break  # the page declares its feeds: no guessing
        for link in links:
            link = normalise_url(link)
            if link in seen or len(candidates) >= 8:
                continue
            seen.add(link)
            if probing and on_probe is not None:
                on_probe(link)
            candidate = _try_listing(fetcher, link, settings)
            if candidate and candidate.url not in {c.url for c in candidates}:
                candidates.append(candidate)
    if not candidates and document is not None:
        return Probe(final, "page", document.title, document.language)
    title = document.title if document else None
    return Probe(final, "site", title, document.language if document else None, feeds=candidates)


def add_source(
    store: Store, settings: Settings, url: str, kind: str, *, name: str | None = None,
    language: str | None = None, every: str | None = None, translate_to: list[str] | None = None,
    engine: str | None = None, translate: bool = True,
) -> Source:
    """Store a new source (its URL must be new); it is due for polling at once.

    A name (or feed title) longer than its column is cut at a word boundary; a URL, language code
    or engine name too long to store raises :class:`InvalidSourceError`."""
    _check_fields(url, language, engine)
    url = normalise_url(url)
    _check_fields(url, None, None)
    interval = parse_duration(every) if every else settings.poll.every.total_seconds()
    if interval <= 0:
        raise ConfigError(f"poll interval must be positive, not {every!r}")
    return create_source(store, url=url, kind=kind, name=name, language=language, interval=interval,
                         translate_to=translate_to, engine=engine, translate=translate)


def remove_source(store: Store, ref: str) -> tuple[Source, int] | None:
    """Delete a source and its articles; returns (source, articles removed) or None."""
    return delete_source(store, ref)


def edit_source(store: Store, ref: str, **changes: object) -> Source | None:
    """Change a source's settings; keys with value None are left alone (limits as in add_source).

    ``every`` (a duration such as ``"2h"``) sets the poll interval and makes the source due at once;
    other keys are the source's columns (``name``, ``language``, ``translate_to``, ``engine``,
    ``translate``)."""
    _check_fields(None, changes.get("language") if isinstance(changes.get("language"), str) else None,
                  changes.get("engine") if isinstance(changes.get("engine"), str) else None)
    columns = {key: value for key, value in changes.items() if value is not None}
    every = columns.pop("every", None)
    interval = parse_duration(str(every)) if every is not None else None
    return update_source(store, ref, columns, interval=interval)


def import_opml(store: Store, settings: Settings, content: bytes) -> tuple[list[Source], list[str]]:
    """Add every outline of an OPML file; returns (added, skipped URLs with reasons)."""
    added, skipped = [], []
    for outline in parse_opml(content):
        try:
            added.append(add_source(store, settings, outline.url, "feed", name=outline.title,
                                    language=outline.language))
        except (SourceExistsError, InvalidSourceError) as exc:
            skipped.append(f"{outline.url[:200]}: {exc.reason}")
    return added, skipped


def export_opml(store: Store) -> str:
    """Every source as an OPML document."""
    return write_opml([Outline(url=s.url, title=s.name, language=s.language) for s in list_sources(store)])


def source_health(store: Store) -> list[SourceHealth]:
    """Every source with its health (the query and its read model live in the store)."""
    return queries.source_health(store)


@dataclass(frozen=True)
class PollSchedule:
    """When ``babelwire run`` polls next: how many sources, and the earliest next poll."""

    sources: int
    next_poll_at: str | None  # ISO time; None when a source is due now, or there are no sources


def poll_schedule(store: Store) -> PollSchedule:
    """How many sources there are and when the first of them is due (None: at once)."""
    due = next_poll_times(store)
    if not due or any(at is None for at in due):
        return PollSchedule(sources=len(due), next_poll_at=None)
    return PollSchedule(sources=len(due), next_poll_at=iso(min(due)))


class SourceService:
    """Adding and removing sources for the admin API: the web layer is handed one of these (it
    reads through the store only, and this needs the fetch stack to probe a URL)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings

    def add(self, url: str, *, name: str | None = None, lang: str | None = None,
            every: str | None = None) -> Source:
        """Probe ``url`` (a feed, a sitemap, a page, or a site whose first discovered feed is taken)
        and watch it; raises SourceExistsError, InvalidSourceError or the fetch/feed error."""
        from babelwire.fetch import Fetcher

        with Fetcher(self.settings.fetch) as fetcher:
            probe = probe_url(fetcher, url, self.settings)
        target, kind, title = probe.url, probe.kind, probe.title
        if probe.kind == "site":
            if not probe.feeds:
                raise FeedError(f"{url} is a site home page and no feed or sitemap was found on it")
            target, kind, title = probe.feeds[0].url, probe.feeds[0].kind, probe.feeds[0].title
        return add_source(self.store, self.settings, target, kind, name=name or title,
                          language=lang or probe.language, every=every)

    def remove(self, source_id: int) -> bool:
        """Stop watching a source and delete its articles; False when there is no such source."""
        return remove_source(self.store, str(source_id)) is not None
