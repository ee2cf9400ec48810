"""Adding, listing, removing and trying watches: what ``babelwire watch`` and the admin API share.

The web layer reads through the store only, so the server hands it a :class:`WatchService`
(like the sources' ``SourceService``); the CLI calls it directly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from babelwire.alerts.matching import Article, compile_watch
from babelwire.alerts.query import QueryError, parse
from babelwire.alerts.webhook import check_webhook_url
from babelwire.config import Settings
from babelwire.errors import BabelwireError
from babelwire.store import Store
from babelwire.store.models import utcnow
from babelwire.store.watches import (
    MAX_NAME,
    RecentArticle,
    WatchRecord,
    add_watch,
    get_watch,
    list_watches,
    recent_articles,
    remove_watch,
    source_ids_named,
)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
EMAIL = re.compile(r"^[^@\s<>\x00-\x1f]+@[^@\s<>\x00-\x1f]+$")


class WatchInputError(BabelwireError):
    """A watch that cannot be stored: a bad name, source, language, URL or address (not the query,
    which raises :class:`babelwire.alerts.query.QueryError` with its position)."""


class UnknownSourceError(WatchInputError, LookupError):
    """A ``--source`` that names no source (a LookupError: the admin API answers 404)."""


@dataclass(frozen=True)
class TestHit:
    """An article ``watch test`` found: when, where, what it matched."""

    article: RecentArticle
    terms: tuple[str, ...]
    original: tuple[str, ...]
    translation: tuple[str, ...]


def check_name(name: str) -> str:
    if not NAME.fullmatch(name or "") or len(name) > MAX_NAME:
        raise WatchInputError(
            f"invalid watch name {name!r}: use letters, digits, '-', '_' and '.', at most "
            f"{MAX_NAME} characters, starting with a letter or digit (it is part of URLs)"
        )
    return name


class WatchService:
    """Watches over one store, checked as they are added."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings

    def add(
        self,
        name: str,
        query: str,
        *,
        sources: Sequence[str] = (),
        languages: Sequence[str] = (),
        private: bool = False,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        email: str | None = None,
        digest: bool = True,
    ) -> WatchRecord:
        """Check and store a watch; raises QueryError, WatchInputError or WatchExistsError."""
        from babelwire.languages import check_language

        check_name(name)
        if "\x00" in query:
            raise QueryError("a NUL character", query.index("\x00") + 1, query)
        parse(query)  # QueryError with the position
        for what, value in (
            ("source", " ".join(sources)),
            ("webhook URL", webhook_url or ""),
            ("webhook secret", webhook_secret or ""),
        ):
            if "\x00" in value:
                raise WatchInputError(f"the {what} contains a NUL character")
        source_ids, unknown = source_ids_named(self.store, sources)
        if unknown:
            raise UnknownSourceError(
                f"no source {', '.join(map(repr, unknown))} (give an id, URL or name, see `babelwire source list`)"
            )
        try:
            langs = [check_language(code) for code in languages]
        except ValueError as exc:
            raise WatchInputError(str(exc)) from exc
        if webhook_url:
            try:
                check_webhook_url(webhook_url)
            except ValueError as exc:
                raise WatchInputError(f"webhook: {exc}") from exc
        if email and not EMAIL.fullmatch(email):
            raise WatchInputError(f"not an e-mail address: {email!r}")
        return add_watch(
            self.store,
            name=name,
            query=query,
            source_ids=source_ids,
            languages=langs,
            private=private,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            email=email,
            email_mode=("digest" if digest else "immediate") if email else None,
        )

    def remove(self, name: str) -> bool:
        return remove_watch(self.store, name)

    def get(self, name: str) -> WatchRecord | None:
        return get_watch(self.store, name)

    def list(self) -> list[WatchRecord]:
        return list_watches(self.store)

    def test(
        self,
        query: str,
        *,
        days: float = 7,
        sources: Sequence[int] | None = None,
        languages: Sequence[str] | None = None,
        limit: int = 5000,
    ) -> list[TestHit]:
        """What the query would have matched among the articles first seen in the last ``days``,
        newest first (nothing is recorded or sent)."""
        watch = compile_watch(0, query, sources, languages)
        hits = []
        for item in recent_articles(self.store, utcnow() - timedelta(days=days), limit=limit):
            article = Article.of(item)
            match = watch.match(article)
            if match is not None:
                hits.append(TestHit(item, match.terms, match.original, match.translation))
        return hits
