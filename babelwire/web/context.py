"""What every route needs: the stores, settings, templates and the change clock of one app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request

from babelwire.config import Settings
from babelwire.store.database import Store
from babelwire.store.queries import ReadStore
from babelwire.web.caching import ChangeClock, check_cancelled
from babelwire.web.rendering import Renderer
from babelwire.web.security import request_base_url


class SourceAdmin(Protocol):
    """What the admin API needs to add and remove sources (``pipeline.subscriptions.SourceService``,
    handed in by whoever builds the app: web reads through the store and never probes URLs itself)."""

    def add(self, url: str, *, name: str | None = None, lang: str | None = None,
            every: str | None = None) -> Any: ...

    def remove(self, source_id: int) -> bool: ...


class WatchAdmin(Protocol):
    """What the admin API needs to add and try watches (``alerts.service.WatchService``, handed in
    like ``SourceAdmin``: web reads through the store and never parses a watch query itself)."""

    def add(self, name: str, query: str, **options: Any) -> Any: ...

    def test(self, query: str, **options: Any) -> list[Any]: ...


@dataclass
class WebContext:
    store: Store  # the writing store (admin API only)
    reader: ReadStore  # every page, API answer and feed reads through this one
    settings: Settings
    renderer: Renderer
    clock: ChangeClock
    sources: SourceAdmin | None = None  # None: the admin API answers 503
    watches: WatchAdmin | None = None  # None: adding and trying watches answers 503

    def base_url(self, request: Request) -> str:
        """The public URL of the reader: [web] base_url, else the one the request came to, as
        ``HostGuard`` checked it (never a header nobody checked)."""
        return request_base_url(request.scope, self.settings.web.base_url)


async def web_context(request: Request) -> WebContext:
    """The app's context. ``async`` so that FastAPI calls it in the event loop: a plain function
    dependency would cost every request a hop to a worker thread and back."""
    check_cancelled()  # every route starts here: a render nobody waits for any more stops before it begins
    return request.app.state.web
