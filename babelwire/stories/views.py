"""Stories as the CLI prints them (plain dicts of the read models of ``store.queries``)."""

from __future__ import annotations

from typing import Any

from babelwire.store import Store, queries
from babelwire.store.queries import story_of

__all__ = ["get_story", "list_stories", "story_of"]


def list_stories(
    store: Store, *, limit: int = 30, offset: int = 0, language: str | None = None
) -> list[dict[str, Any]]:
    """Stories, most recently active first, with their outlets and the languages they were reported in."""
    return [s.model_dump(mode="json") for s in queries.list_stories(store, limit=limit, offset=offset,
                                                                     language=language)]


def get_story(store: Store, story_id: int, *, target: str | None = None) -> dict[str, Any] | None:
    """A story with each article side by side (outlet, titles, lead, quotations), oldest first.

    ``target`` picks the translation shown; by default the one the article was grouped by.
    """
    story = queries.story_detail(store, story_id=story_id, target=target)
    return None if story is None else story.model_dump(mode="json")
