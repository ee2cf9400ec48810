"""The reader web application: pages, JSON API and Atom feeds over one store.

``create_app(store, settings)`` is what ``babelwire serve``/``run`` hand to uvicorn. Reads go
through a read-only view of the store; every GET answer carries an ETag and Last-Modified, is
answered 304 when the client has it, and is cached until the store changes.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from babelwire import __version__
from babelwire.config import Settings
from babelwire.store.database import Store
from babelwire.store.reading import ReadStore
from babelwire.web import api, feeds, pages
from babelwire.web.caching import ChangeClock, ConditionalCacheMiddleware
from babelwire.web.context import WebContext
from babelwire.web.prerender import BackgroundWarmer, PageStore
from babelwire.web.rendering import Renderer
from babelwire.web.security import SecurityHeadersMiddleware

STATIC = Path(__file__).resolve().parent / "static"
_HEADINGS = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 422: "Bad request"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/feeds/", "/openapi.json"))


def create_app(store: Store, settings: Settings, *, warm: bool = False) -> FastAPI:
    """The FastAPI application serving the reader for ``store``; with ``warm``, a background thread
    keeps the newest ``[web] prerender`` articles' and stories' pages pre-rendered."""
    reader = ReadStore(store)
    rendered = PageStore(reader, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything imported and built so far lives as long as the server: keep it out of the
        # garbage collector's full passes, which otherwise stall every answer for ~100 ms now and then.
        gc.collect()
        gc.freeze()
        warmer = None
        if warm and settings.web.prerender > 0:
            warmer = BackgroundWarmer(app, articles=settings.web.prerender, stories=settings.web.prerender // 4)
            warmer.start()
        yield
        if warmer is not None:
            warmer.stop()
        reader.close()

    app = FastAPI(
        title="babelwire", version=__version__, lifespan=lifespan,
        description="Machine-translated foreign-language news: articles with their originals, stories across "
                    "outlets, source health and full-text search. Every list is paginated (limit/offset or page, "
                    "with next links); every GET answers with an ETag and honours If-None-Match.",
        # Swagger UI needs inline scripts from a CDN, which the Content-Security-Policy forbids.
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    clock = ChangeClock(reader)
    app.state.pages = rendered
    app.state.web = WebContext(store=store, reader=reader, settings=settings, renderer=Renderer(), clock=clock)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(api.admin)
    app.include_router(feeds.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        heading = _HEADINGS.get(exc.status_code, "Error")
        return app.state.web.renderer.page(request, "error.html", status=exc.status_code, heading=heading,
                                           message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        # A page address with a malformed id or parameter is simply a page that does not exist.
        return app.state.web.renderer.page(request, "error.html", status=404, heading="Not found",
                                           message="There is no page at this address.")

    # Added last = outermost: security headers wrap every answer, 304s included.
    app.add_middleware(ConditionalCacheMiddleware, clock=clock, pages=rendered)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
