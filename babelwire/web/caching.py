"""HTTP caching of every read-only response: ETag, Last-Modified, 304s and a response cache.

Pages, API answers and feeds are pure functions of the store and the URL, so a rendered body is
reused until the store changes. Whether it changed is read from ``change_stamp`` (a handful of
index lookups) at most once per ``ttl`` seconds, which makes a repeated page view cost a dict
lookup instead of queries and a template; entries also expire after ``max_age`` seconds so edits
the stamp does not see (a renamed source) show up soon.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from babelwire.store.database import Store
from babelwire.store.reading import change_stamp
from babelwire.web.prerender import PageStore, StoredPage, page_key

log = logging.getLogger(__name__)
CACHE_CONTROL = b"no-cache"  # clients may keep a copy but must revalidate (cheap: 304)


class ChangeClock:
    """The store's change stamp, re-read at most every ``ttl`` seconds."""

    def __init__(self, store: Store, ttl: float = 1.0) -> None:
        self.store = store
        self.ttl = ttl
        self._lock = threading.Lock()
        self._checked = 0.0
        self._refreshing = False
        self._version = ""
        self._last_modified = datetime.now(UTC).replace(microsecond=0)
        self._header_for: datetime | None = None
        self._header = b""

    def refresh(self) -> None:
        """Read the stamp from the store now."""
        with self.store.session() as session:
            stamp, changed = change_stamp(session)
        version = hashlib.sha1(repr(stamp).encode()).hexdigest()[:16]
        with self._lock:
            if version != self._version:
                now = datetime.now(UTC).replace(microsecond=0)
                seen = (changed or now).replace(microsecond=0)
                # A change the stamp's times do not show (a deletion) must still move
                # Last-Modified forward, or If-Modified-Since would wrongly get a 304.
                if self._version and seen <= self._last_modified:
                    seen = max(now, self._last_modified)
                self._version = version
                self._last_modified = seen
            self._checked = time.monotonic()

    async def refresh_if_stale(self) -> None:
        """Re-read the stamp when it is older than ``ttl``, one request at a time: the others
        answer with the stamp they have instead of all querying the store at once."""
        if not self.stale or self._refreshing:
            return
        self._refreshing = True
        try:
            await anyio.to_thread.run_sync(self.refresh)
        finally:
            self._refreshing = False

    def invalidate(self) -> None:
        """Forget the stamp so the next request re-reads it (after a write through the API)."""
        self._checked = 0.0

    @property
    def stale(self) -> bool:
        return time.monotonic() - self._checked >= self.ttl

    @property
    def version(self) -> str:
        return self._version

    @property
    def last_modified(self) -> datetime:
        return self._last_modified

    @property
    def last_modified_header(self) -> bytes:
        """``last_modified`` as an HTTP date, formatted once per change."""
        if self._header_for != self._last_modified:
            self._header = format_datetime(self._last_modified, usegmt=True).encode()
            self._header_for = self._last_modified
        return self._header


@dataclass
class _Entry:
    version: str
    stored: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == etag for candidate in header.split(","))


def _not_modified(scope: Scope, etag: str, last_modified: datetime) -> bool:
    headers = dict(scope["headers"])
    if_none_match = headers.get(b"if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match.decode("latin-1"), etag)
    if_modified_since = headers.get(b"if-modified-since")
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified <= since
    return False


class ConditionalCacheMiddleware:
    """ASGI middleware: answer GET/HEAD from the cache or the app, with validators and 304s."""

    def __init__(self, app: ASGIApp, clock: ChangeClock, *, max_entries: int = 2000,
                 max_bytes: int = 64 * 1024 * 1024, max_age: float = 60.0, skip: tuple[str, ...] = ("/static/",),
                 pages: PageStore | None = None) -> None:
        self.app = app
        self.clock = clock
        self.pages = pages
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.skip = skip
        self._entries: OrderedDict[tuple[str, bytes], _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        # Renders under way, so concurrent requests for one uncached answer wait for a single render
        # instead of all rendering it (a new article linked from a busy feed; a cold search).
        self._inflight: dict[tuple[tuple[str, bytes], str], asyncio.Future[_Entry | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return
        entity = self.pages is not None and not scope.get("query_string") and page_key(scope["path"])
        if entity and await self._entity_page(scope, receive, send):
            return
        if not self.clock.version:  # the first request: nothing to answer with yet
            await anyio.to_thread.run_sync(self.clock.refresh)
        else:
            await self.clock.refresh_if_stale()
        version = self.clock.version
        key = (scope["path"], scope.get("query_string", b""))
        entry = self._get(key, version) or await self._fresh(key, scope, receive, send, version)
        if entry is not None:
            await self._send(send, scope, entry, conditional=True)

    async def _fresh(self, key: tuple[str, bytes], scope: Scope, receive: Receive, send: Send,
                     version: str) -> _Entry | None:
        """Render the answer (once for concurrent requests) and cache it; an error answer is sent
        as it is, uncached and without validators, and None returned."""
        entry = await self._render_once(key, scope, receive, version)
        if entry.status != 200:
            await self._send(send, scope, entry, conditional=False)
            return None
        self._put(key, entry)
        return entry

    async def _entity_page(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer an article or story page from memory or its pre-rendered copy when that copy's
        version is the current one (one indexed query), else render, answer and store it; False
        when there is no such entity."""
        pages = self.pages
        assert pages is not None
        path = scope["path"]
        current, page = await self._db(pages.lookup, path)
        if current is None:
            return False
        await self.clock.refresh_if_stale()  # for Last-Modified
        key = (path, b"")
        entry = self._get(key, current)
        if entry is None and page is not None:
            entry = _Entry(current, time.monotonic(), page.status, page.headers, page.body, page.etag)
            self._put(key, entry)
        if entry is None:
            entry = await self._fresh(key, scope, receive, send, current)
            if entry is None:
                return True
            stored = StoredPage(current, entry.status, entry.headers, entry.body, entry.etag)
            await anyio.to_thread.run_sync(pages.save, path, stored)
        await self._send(send, scope, entry, conditional=True)
        return True

    async def _db(self, fn: Any, *args: Any) -> Any:
        """Run a short read: inline on SQLite (two indexed lookups, ~0.1 ms: cheaper than a thread
        hop, and WAL readers never wait for a writer), in a worker thread on a networked database."""
        if self.pages is not None and self.pages.reader.is_sqlite:
            return fn(*args)
        return await anyio.to_thread.run_sync(fn, *args)

    def _get(self, key: tuple[str, bytes], version: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.version != version or time.monotonic() - entry.stored > self.max_age:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def _put(self, key: tuple[str, bytes], entry: _Entry) -> None:
        if len(entry.body) > self.max_bytes // 16:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple[str, bytes]) -> None:
        entry = self._entries.pop(key)
        self._bytes -= len(entry.body)

    async def _render_once(self, key: tuple[str, bytes], scope: Scope, receive: Receive, version: str) -> _Entry:
        """``_render``, shared with every request for the same answer that arrives meanwhile."""
        flight_key = (key, version)
        flight = self._inflight.get(flight_key)
        if flight is not None:
            entry = await asyncio.shield(flight)
            if entry is not None:
                return entry
            return await self._render(scope, receive, version)  # the shared render failed: try ourselves
        future: asyncio.Future[_Entry | None] = asyncio.get_running_loop().create_future()
        self._inflight[flight_key] = future
        try:
            entry = await self._render(scope, receive, version)
        except BaseException:
            future.set_result(None)
            raise
        finally:
            self._inflight.pop(flight_key, None)
        future.set_result(entry)
        return entry

    async def _render(self, scope: Scope, receive: Receive, version: str) -> _Entry:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        # HEAD is rendered as GET so both share one entry (and HEAD gets the real length).
        await self.app({**scope, "method": "GET"}, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"etag", b"last-modified")]
        etag = b'"' + hashlib.sha1(body).hexdigest()[:20].encode() + b'"'
        return _Entry(version, time.monotonic(), start.get("status", 500), headers, body, etag)

    async def _send(self, send: Send, scope: Scope, entry: _Entry, *, conditional: bool) -> None:
        headers = list(entry.headers)
        body = entry.body
        status = entry.status
        if conditional:
            last_modified = self.clock.last_modified
            validators = [(b"etag", entry.etag), (b"last-modified", self.clock.last_modified_header),
                          (b"cache-control", CACHE_CONTROL)]
            headers = [h for h in headers if h[0].lower() != b"cache-control"] + validators
            if _not_modified(scope, entry.etag.decode(), last_modified):
                status, body = 304, b""
                headers = [h for h in headers if h[0].lower() not in (b"content-length", b"content-type")]
        if scope["method"] == "HEAD":
            body = b""
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
