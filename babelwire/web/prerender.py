"""Pre-rendered article and story pages: the reader as fast as a static site.

An article or story page (and its ``/api`` twin) is a pure function of a handful of rows. Each
rendered answer is stored in ``rendered_pages`` with a **version** read from those rows: the
article's own columns, its source's name, its story, the newest revision and translation ids and
their counts (revisions and translations are never edited, only added); for a story, its own
columns and the newest revision and translation of its articles. Serving a page is then one
indexed query that reads the current version and the stored one; when they match, the stored
bytes are the answer, otherwise the page is rendered, answered and stored again. A page is thus
never served stale, whoever changed the store (a poll, a Celery worker on another machine, the
admin API), and nothing in the pipeline has to know about pages.

:class:`Prerenderer` renders ahead of readers: ``babelwire render`` (or :func:`prerender`) renders
every page whose stored version is missing or stale, and ``babelwire serve``/``run`` do it in a
background thread for the most recent articles and stories after every change, so readers and
crawlers find pages already rendered.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.exc import SQLAlchemyError

from babelwire import __version__
from babelwire.store.database import Store
from babelwire.store.models import RenderedPage, utcnow

log = logging.getLogger(__name__)
ENTITY_PATH = re.compile(r"^/(?:api/)?(articles|stories)/([0-9]{1,18})$")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _code_stamp() -> str:
    """Changes when babelwire or its templates change, so an upgrade re-renders every page."""
    digest = hashlib.sha1(__version__.encode())
    for path in sorted(TEMPLATES.rglob("*.html")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


CODE_STAMP = _code_stamp()

# The rows a page is rendered from, the stored copy's version and (with_body) the stored answer, in
# one indexed query; written in the driver's own SQL (sqlite3 ``:name``, psycopg ``%(name)s``) and
# run on the raw connection, since SQLAlchemy's statement handling costs more than the query itself.
_ARTICLE_VERSION = """
SELECT a.url, a.title, a.language, a.published, a.modified, a.source_id, s.name, s.language, a.story_id,
       (SELECT max(r.id) FROM revisions r WHERE r.article_id = a.id),
       (SELECT count(r.id) FROM revisions r WHERE r.article_id = a.id),
       (SELECT max(t.id) FROM translations t JOIN revisions r ON r.id = t.revision_id WHERE r.article_id = a.id),
       (SELECT count(t.id) FROM translations t JOIN revisions r ON r.id = t.revision_id WHERE r.article_id = a.id),
       p.version{body}
FROM articles a JOIN sources s ON s.id = a.source_id LEFT JOIN rendered_pages p ON p.key = :key
WHERE a.id = :id
"""

_STORY_VERSION = """
SELECT st.title, st.start_at, st.end_at, st.article_count, st.updated_at,
       (SELECT count(a.id) FROM articles a WHERE a.story_id = st.id),
       (SELECT sum(a.id) FROM articles a WHERE a.story_id = st.id),
       (SELECT max(r.id) FROM revisions r JOIN articles a ON a.id = r.article_id WHERE a.story_id = st.id),
       (SELECT max(t.id) FROM translations t JOIN revisions r ON r.id = t.revision_id
          JOIN articles a ON a.id = r.article_id WHERE a.story_id = st.id),
       (SELECT sum(length(s.name)) FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.story_id = st.id),
       p.version{body}
FROM stories st LEFT JOIN rendered_pages p ON p.key = :key
WHERE st.id = :id
"""
_BODY_COLUMNS = ", p.etag, p.headers, p.body"


def _driver_sql(template: str, *, body: bool, sqlite: bool) -> str:
    sql = template.format(body=_BODY_COLUMNS if body else "")
    return sql if sqlite else sql.replace(":key", "%(key)s").replace(":id", "%(id)s")


@dataclass(slots=True)
class StoredPage:
    version: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


def page_key(path: str) -> tuple[str, int] | None:
    """(kind, id) for an article or story page or API answer without query, else None."""
    match = ENTITY_PATH.match(path)
    return (match.group(1), int(match.group(2))) if match else None


class PageStore:
    """Versions and stored bodies of pre-rendered pages (reads through ``reader``, writes through ``writer``)."""

    def __init__(self, reader: Store, writer: Store) -> None:
        self.reader = reader
        self.writer = writer
        self._local = threading.local()
        sqlite = reader.is_sqlite
        self._sql = {(kind, body): _driver_sql(template, body=body, sqlite=sqlite)
                     for kind, template in (("articles", _ARTICLE_VERSION), ("stories", _STORY_VERSION))
                     for body in (False, True)}

    def _row(self, path: str, *, body: bool) -> tuple[Any, ...] | None:
        found = page_key(path)
        if found is None:
            return None
        kind, entity_id = found
        params = {"id": entity_id, "key": path}
        if self.reader.is_sqlite:
            # One plain connection per thread, kept (and closed with its thread): in autocommit mode
            # each SELECT is its own snapshot, and the pool's checkout/checkin cost more than the query.
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = sqlite3.connect(self.reader.engine.url.database, timeout=60, isolation_level=None)
                connection.execute("PRAGMA query_only=ON")
                self._local.connection = connection
            cursor = connection.cursor()
            try:
                cursor.execute(self._sql[kind, body], params)
                row = cursor.fetchone()
            finally:
                cursor.close()
            return tuple(row) if row is not None else None
        connection = self.reader.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self._sql[kind, body], params)
            row = cursor.fetchone()
            cursor.close()
            connection.rollback()  # end the read transaction before the connection goes back to the pool
        finally:
            connection.close()
        return tuple(row) if row is not None else None

    @staticmethod
    def _version(parts: tuple[Any, ...]) -> str:
        return CODE_STAMP + ":" + hashlib.sha1(repr(list(parts)).encode()).hexdigest()[:20]

    def current(self, path: str) -> tuple[str | None, str | None]:
        """(current version, stored version) of the page at ``path``; (None, None) if it has no entity."""
        row = self._row(path, body=False)
        if row is None:
            return None, None
        *parts, stored = row
        return self._version(tuple(parts)), stored

    def lookup(self, path: str) -> tuple[str | None, StoredPage | None]:
        """(current version, the stored answer if it is of that version) for ``path``, in one query;
        (None, None) when the path names no article or story."""
        row = self._row(path, body=True)
        if row is None:
            return None, None
        *parts, stored, etag, headers, body = row
        version = self._version(tuple(parts))
        if stored != version or body is None:
            return version, None
        if isinstance(headers, str):  # sqlite3 hands JSON back as text, psycopg parses it
            headers = json.loads(headers)
        return version, StoredPage(version, 200, [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
                                   gzip.decompress(body), etag.encode())

    def save(self, path: str, page: StoredPage) -> None:
        """Store (replace) the answer for ``path``; a failure only costs a later re-render."""
        headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in page.headers]
        row = {"key": path, "version": page.version, "etag": page.etag.decode(), "headers": headers,
               "body": gzip.compress(page.body, 5), "rendered_at": utcnow()}
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


class Prerenderer:
    """Renders stale pages through the app itself (the same code path as a reader's request)."""

    def __init__(self, app: Any, pages: PageStore) -> None:
        self.app = app
        self.pages = pages

    def render(self, paths: Iterable[str], *, on_page: Callable[[], None] | None = None,
               stop: threading.Event | None = None) -> int:
        """Render the pages among ``paths`` whose stored version is missing or stale; how many."""
        from starlette.testclient import TestClient

        done = 0
        # No `with`: the app's lifespan (which closes its stores on exit) belongs to the server.
        client = TestClient(self.app, raise_server_exceptions=False)
        for path in paths:
            if stop is not None and stop.is_set():
                break
            current, stored = self.pages.current(path)
            if current is not None and current != stored:
                client.get(path)  # the cache middleware renders, answers and stores it
                done += 1
            if on_page:
                on_page()
        return done


def prerender(store: Store, settings: Any, *, paths: Iterable[str] | None = None,
              on_page: Callable[[], None] | None = None) -> int:
    """Render every stale article and story page of ``store`` (or just ``paths``); how many."""
    from babelwire.web.app import create_app

    app = create_app(store, settings)
    pages: PageStore = app.state.pages
    todo = list(paths) if paths is not None else recent_paths(pages.reader, articles=None, stories=None)
    return Prerenderer(app, pages).render(todo, on_page=on_page)


class BackgroundWarmer:
    """In a serving process: after each change of the store, render the newest pages that are stale.

    Its requests run in a thread and event loop of their own (a TestClient's); a reader asking for a
    page while the warmer renders it waits for that render, which the cache middleware hands over
    between loops through a thread-safe future (``caching.ConditionalCacheMiddleware``)."""

    def __init__(self, app: Any, *, articles: int = 2000, stories: int = 500, interval: float = 5.0) -> None:
        self.app = app
        self.articles = articles
        self.stories = stories
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen = ""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="babelwire-prerender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _sweep(self, pages: PageStore, renderer: Prerenderer) -> None:
        paths = recent_paths(pages.reader, articles=self.articles, stories=self.stories)
        count = renderer.render(paths, stop=self._stop)
        if count:
            log.info("pre-rendered %d pages", count)

    def _loop(self) -> None:
        clock = self.app.state.web.clock
        pages: PageStore = self.app.state.pages
        renderer = Prerenderer(self.app, pages)
        while True:
            try:
                clock.refresh()
                if clock.version != self._seen:
                    self._seen = clock.version
                    self._sweep(pages, renderer)
            except Exception:  # never let the warmer take the server down
                log.exception("pre-rendering failed")
            if self._stop.wait(self.interval):
                return
