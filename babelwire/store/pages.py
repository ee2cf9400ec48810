"""Pre-rendered pages in the store (``rendered_pages``): the page cache's second level.

Each row is one answer (an article or story page, or its ``/api`` twin) with the version it was
rendered under: the store's content stamp prefixed by the web layer's code stamp (see
``web.prerender``), so a stored answer is served only while both are current.
"""

from __future__ import annotations

import gzip
import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.exc import SQLAlchemyError

from babelwire.store.database import Store
from babelwire.store.models import RenderedPage, utcnow

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StoredPage:
    version: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


_LOOKUP = "SELECT etag, headers, body FROM rendered_pages WHERE key = :key AND version = :version"
_CURRENT = "SELECT 1 FROM rendered_pages WHERE key = :key AND version = :version"


class RenderedPages:
    """The page cache's second level: stored answers of article and story pages, each with the
    version of the change stamp it was rendered under (plus the code stamp); one is served while
    that is the store's current version: the same rule as the memory level. Reads through
    ``reader`` (on SQLite a plain connection per thread: the pool costs more than the query),
    writes through ``writer``."""

    def __init__(self, reader: Store, writer: Store, *, code_stamp: str = "") -> None:
        self.reader = reader
        self.writer = writer
        self.code_stamp = code_stamp  # what else a stored answer depends on (the templates, the code)
        self.inline = reader.is_sqlite  # an indexed read: cheaper in the loop than a thread hop
        self._local = threading.local()
        self._sql = {name: sql if reader.is_sqlite else
                     sql.replace(":key", "%(key)s").replace(":version", "%(version)s")
                     for name, sql in (("lookup", _LOOKUP), ("current", _CURRENT))}

    def stored_version(self, version: str) -> str:
        return self.code_stamp + ":" + version

    def _row(self, name: str, path: str, version: str) -> tuple[Any, ...] | None:
        params = {"key": path, "version": self.stored_version(version)}
        if self.reader.is_sqlite:
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = sqlite3.connect(self.reader.engine.url.database, timeout=60, isolation_level=None)
                connection.execute("PRAGMA query_only=ON")
                self._local.connection = connection
            cursor = connection.cursor()
            try:
                cursor.execute(self._sql[name], params)
                row = cursor.fetchone()
            finally:
                cursor.close()
            return tuple(row) if row is not None else None
        connection = self.reader.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self._sql[name], params)
            row = cursor.fetchone()
            cursor.close()
            connection.rollback()  # end the read transaction before the connection goes back to the pool
        finally:
            connection.close()
        return tuple(row) if row is not None else None

    def is_current(self, path: str, version: str) -> bool:
        """Whether the stored copy of ``path`` was rendered under ``version``."""
        return self._row("current", path, version) is not None

    def lookup(self, path: str, version: str) -> StoredPage | None:
        """The stored answer for ``path`` if it was rendered under ``version``, in one indexed query."""
        row = self._row("lookup", path, version)
        if row is None:
            return None
        etag, headers, body = row
        if isinstance(headers, str):  # sqlite3 hands JSON back as text, psycopg parses it
            headers = json.loads(headers)
        return StoredPage(version, 200, [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
                          gzip.decompress(body), etag.encode())

    def save(self, path: str, page: StoredPage) -> None:
        """Store (replace) the answer for ``path``; a failure only costs a later re-render."""
        headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in page.headers]
        row = {"key": path, "version": self.stored_version(page.version), "etag": page.etag.decode(),
               "headers": headers, "body": gzip.compress(page.body, 5), "rendered_at": utcnow()}
        try:
            with self.writer.transaction() as session:
                session.execute(delete(RenderedPage).where(RenderedPage.key == path))
                session.execute(insert(RenderedPage).values(**row))
        except SQLAlchemyError as exc:  # e.g. the database is locked by a long write: render again later
            log.warning("could not store the rendered page %s: %s", path, exc)


def recent_paths(reader: Store, *, articles: int | None, stories: int | None) -> list[str]:
    """Page paths of the newest articles and stories (all of them with None)."""
    with reader.engine.connect() as conn:
        article_ids = conn.execute(text(
            "SELECT id FROM articles ORDER BY first_seen_at DESC, id DESC" + (" LIMIT :n" if articles else "")),
            {"n": articles}).scalars().all()
        story_ids = conn.execute(text(
            "SELECT id FROM stories ORDER BY end_at DESC, id DESC" + (" LIMIT :n" if stories else "")),
            {"n": stories}).scalars().all()
    return [f"/articles/{i}" for i in article_ids] + [f"/stories/{i}" for i in story_ids]
