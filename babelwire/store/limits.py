"""How long stored strings may be, and how untrusted values are made to fit.

PostgreSQL refuses a value longer than its ``varchar(n)`` column (and the whole transaction with
it); SQLite stores it silently. So everything that comes from the outside (feed and sitemap links,
feed titles, canonical URLs, language tags, validators) is checked against the limits here,
before it reaches the store, on both databases alike. The column limits are read from the models
themselves, so they cannot drift apart; the title and author limits are policy (those columns are
unbounded ``text``, but a megabyte ``<title>`` is not a title).
"""

from __future__ import annotations

from sqlalchemy import Column

from babelwire.store.models import Article, ArticleURL, ErrorRecord, QueueItem, Source

ELLIPSIS = "…"


def _length(column: Column) -> int:
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise RuntimeError(f"column {column} has no length")
    return length


MAX_URL = min(_length(c) for c in (Source.__table__.c.url, Article.__table__.c.url, ArticleURL.__table__.c.url,
                                   QueueItem.__table__.c.url, ErrorRecord.__table__.c.url))
"""Longest URL stored anywhere (sources, articles, their URLs, the fetch queue, errors): 2048."""
MAX_SOURCE_NAME = _length(Source.__table__.c.name)
"""Longest source name (a feed's title by default): 300."""
MAX_LANGUAGE = min(_length(Source.__table__.c.language), _length(Article.__table__.c.language))
"""Longest language code: 16."""
MAX_ETAG = min(_length(Source.__table__.c.etag), _length(Article.__table__.c.etag))
MAX_LAST_MODIFIED = min(_length(Source.__table__.c.last_modified), _length(Article.__table__.c.last_modified))
MAX_TITLE = 1000
"""Longest article or feed-entry title kept (policy: the columns are unbounded text)."""
MAX_AUTHOR = 300
"""Longest author line kept (policy: stored in the revision's document)."""


def url_fits(url: str | None) -> bool:
    """True when ``url`` is None or short enough to be stored."""
    return url is None or len(url) <= MAX_URL


def cut_text(text: str | None, limit: int) -> str | None:
    """``text`` if it fits in ``limit`` characters, else cut at a word boundary, ending with "…"."""
    if text is None or len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    head = text[: limit - len(ELLIPSIS) + 1]
    space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    # A boundary in the last fifth or so; a single giant word is cut where it must be.
    head = head[:space] if space >= (limit * 4) // 5 else head[: limit - len(ELLIPSIS)]
    return head.rstrip() + ELLIPSIS


def cut_url_for_display(url: str | None) -> str | None:
    """An over-long URL cut to fit a URL column (for error records: what it started with)."""
    if url is None or len(url) <= MAX_URL:
        return url
    return url[: MAX_URL - len(ELLIPSIS)] + ELLIPSIS


def fitting(value: str | None, limit: int) -> str | None:
    """``value`` when it fits in ``limit`` characters, else None (codes and validators are
    useless cut: dropped instead)."""
    if value is None or len(value) <= limit:
        return value
    return None
