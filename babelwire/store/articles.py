"""Compatibility: the CLI's and the pipeline tests' article shapes as plain dicts.

The queries live in ``store.queries`` and return read models; these two keep the old callers
(``article list``/``article show``, pipeline tests) working until they use the models directly.
"""

from __future__ import annotations

from typing import Any

from babelwire.store import queries
from babelwire.store.database import Store


def list_articles(
    store: Store, *, source_id: int | None = None, language: str | None = None, limit: int | None = None,
    offset: int = 0, target: str | None = None,
) -> list[dict[str, Any]]:
    """Articles newest first (by first seen), each with its source and revision count, and with
    ``target`` the title of its newest revision's translation into it (None if there is none)."""
    return [
        {"id": a.id, "url": a.url, "title": a.title, "translated_title": a.translated_title,
         "language": a.article_language, "source": a.source, "source_id": a.source_id, "revisions": a.revisions,
         "first_seen_at": a.first_seen_at, "published": a.published, "last_error": a.last_error}
        for a in queries.latest_articles(store, target=target, source_id=source_id, language=language, limit=limit,
                                         offset=offset, by="seen")
    ]


def get_article(store: Store, article_id: int) -> dict[str, Any] | None:
    """One article with every revision (oldest first) and their translations, as ``article show --json``
    prints it (documents with their derived ``text``)."""
    record = queries.article_record(store, article_id)
    return None if record is None else record.model_dump(mode="json")
