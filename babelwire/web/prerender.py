"""Pre-rendered article and story pages: the page cache's second level.

An article or story page (and its ``/api`` twin) is stored in ``rendered_pages`` with the version
of the store's content stamp it was rendered under (and ``CODE_STAMP``, so an upgrade re-renders);
it is served while that is the current version: the one rule of ``caching`` (see there), so a
stored page is never served after a change, whoever made it. A reader's first view is cached in
memory only (no write on the reading path); pages are stored by :class:`Prerenderer`, which renders
through the app's own cache and route handlers (the code path of a reader's request) in one event
loop: ``babelwire render`` (:func:`prerender`) for every page, ``babelwire serve``/``run`` in a
background thread (:class:`BackgroundWarmer`) for the newest ones after every content change.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from babelwire import __version__
from babelwire.store.database import Store
from babelwire.store.pages import RenderedPages, StoredPage, recent_paths

__all__ = ["CODE_STAMP", "BackgroundWarmer", "Prerenderer", "RenderedPages", "StoredPage", "page_key",
           "prerender", "recent_paths"]

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


def page_key(path: str) -> tuple[str, int] | None:
    """(kind, id) for an article or story page or API answer without query, else None."""
    match = ENTITY_PATH.match(path)
    return (match.group(1), int(match.group(2))) if match else None


def cache_of(app: Any) -> Any:
    """The app's page cache (its ``ConditionalCacheMiddleware``), building the middleware stack if
    no request did yet."""
    from babelwire.web.caching import ConditionalCacheMiddleware

    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    layer: Any = app.middleware_stack
    while layer is not None and not isinstance(layer, ConditionalCacheMiddleware):
        layer = getattr(layer, "app", None)
    if layer is None:
        raise RuntimeError("the app has no page cache")
    return layer


class Prerenderer:
    """Renders pages ahead of readers through the app's own cache and route handlers (the code path
    of a reader's request), all in one event loop."""

    def __init__(self, app: Any, pages: RenderedPages | None = None) -> None:
        self.app = app
        self.cache = cache_of(app)

    async def render_async(self, paths: Iterable[str], *, on_page: Callable[[], None] | None = None,
                           stop: threading.Event | None = None) -> int:
        """Render and store the pages among ``paths`` whose stored copy is missing or stale; how many."""
        done = 0
        for path in paths:
            if stop is not None and stop.is_set():
                break
            try:
                done += await self.cache.prerender(path, self.app)
            except Exception:  # one page failing (a row deleted meanwhile) does not stop the others
                log.exception("pre-rendering %s failed", path)
            if on_page:
                on_page()
        return done

    def render(self, paths: Iterable[str], *, on_page: Callable[[], None] | None = None,
               stop: threading.Event | None = None) -> int:
        """:meth:`render_async` in an event loop of its own (call it from a thread without one)."""
        coroutine = self.render_async(paths, on_page=on_page, stop=stop)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(coroutine)
        # Called from code that runs an event loop in this thread (a notebook, an async caller):
        # render on a loop of its own in another thread instead of failing.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coroutine).result()


def prerender(store: Store, settings: Any, *, paths: Iterable[str] | None = None,
              on_page: Callable[[], None] | None = None) -> int:
    """Render every stale article and story page of ``store`` (or just ``paths``); how many."""
    from babelwire.web.app import create_app

    app = create_app(store, settings)
    pages: RenderedPages = app.state.pages
    todo = list(paths) if paths is not None else recent_paths(pages.reader, articles=None, stories=None)
    try:
        return Prerenderer(app).render(todo, on_page=on_page)
    finally:
        app.state.web.clock.close()
        pages.reader.close()


class BackgroundWarmer:
    """In a serving process: after each change of the pages' stamp, render the newest pages into
    the cache and the store, in one thread with one event loop of its own. A reader asking for a
    page while the warmer renders it waits for that render, which the cache hands over between
    loops through a thread-safe future (``caching.ConditionalCacheMiddleware``)."""

    def __init__(self, app: Any, *, articles: int = 2000, stories: int = 500, interval: float = 5.0) -> None:
        self.app = app
        self.articles = articles
        self.stories = stories
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen = ""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="babelwire-prerender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        clock = self.app.state.web.clock
        pages: RenderedPages = self.app.state.pages
        renderer = Prerenderer(self.app)
        while True:
            try:
                await clock.current()
                if clock.content != self._seen:
                    self._seen = clock.content
                    paths = await asyncio.to_thread(recent_paths, pages.reader, articles=self.articles,
                                                    stories=self.stories)
                    count = await renderer.render_async(paths, stop=self._stop)
                    if count:
                        log.info("pre-rendered %d pages", count)
            except Exception:  # never let the warmer take the server down
                log.exception("pre-rendering failed")
            if await asyncio.to_thread(self._stop.wait, self.interval):
                return
