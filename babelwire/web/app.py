"""The reader web application: pages, JSON API and Atom feeds over one store.

``create_app(store, settings)`` is what ``babelwire serve``/``run`` hand to uvicorn. Reads go
through a read-only view of the store; every GET answer carries an ETag and Last-Modified, is
answered 304 when the client has it, and is cached until the store changes.

Every answer, errors and 500s included, carries the security headers. A request whose Host the
reader does not answer to gets 400 (``[web] allowed_hosts``); an id no row can have (negative, or
beyond the id column's range) is a 404 on every route that takes one, before any query runs.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from babelwire import __version__
from babelwire.config import Settings
from babelwire.errors import ConfigError
from babelwire.store.database import Store
from babelwire.store.pages import RenderedPages
from babelwire.store.queries import ReadStore
from babelwire.web import api, apidocs, feeds, pages
from babelwire.web import watches as watch_pages
from babelwire.web.access import ApiAccess, ApiCors, ApiVersionAlias
from babelwire.web.caching import ChangeClock, ConditionalCacheMiddleware, RouteTable, cancel_at_statements
from babelwire.web.context import SourceAdmin, WatchAdmin, WebContext
from babelwire.web.paging import API_PREFIX
from babelwire.web.prerender import CODE_STAMP, BackgroundWarmer
from babelwire.web.problems import (
    READ_TOKEN_ANSWERS,
    ProblemDetails,
    ProblemOnlyMiddleware,
    allowed_methods,
    declared,
    problem,
    validation_errors,
)
from babelwire.web.rendering import Renderer
from babelwire.web.security import SECURITY_HEADERS, HostGuard, HostPolicy, SecurityHeadersMiddleware

STATIC = Path(__file__).resolve().parent / "static"
_HEADINGS = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 422: "Bad request",
             500: "Something went wrong"}
_INT = TypeAdapter(int)
CACHE_HEADERS = {
    "ETag": {"required": True, "schema": {"type": "string"},
             "description": "The answer's version: send it back as If-None-Match to get 304 while it holds."},
    "Last-Modified": {"required": True, "schema": {"type": "string"},
                      "description": "When the store last changed (HTTP date)."},
}


API_DESCRIPTION = (
    "Machine-translated foreign-language news: articles with their originals, stories across outlets, source "
    "health and full-text search.\n\n"
    "**Version 1** lives under `/api/v1`; `/api` is an alias of the current version (the README's *API changelog* "
    "lists every change). **Pages**: the article and story lists page by opaque keyset cursors — follow `next` "
    "and `previous`, in the body or in the RFC 8288 `Link` header; items added meanwhile never make a page repeat "
    "or skip one. `limit` is 1–100. Search, ranked by relevance, pages by `offset`. **Caching**: every GET "
    "answers with an `ETag` and `Last-Modified` and honours `If-None-Match` (304). **Errors** are RFC 9457 "
    "problem details (`application/problem+json`: type, title, status, detail, instance). **Access**: the "
    "reader is public unless `[api] read_tokens` is set (then `Authorization: Bearer <token>`); rate limits "
    "answer 429 with `Retry-After`; browser clients need their origin in `[api] cors_origins`."
)
_JSON_PATHS = ("/api/", "/feeds/", "/openapi.json")  # errors there are problem details, elsewhere HTML pages


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(_JSON_PATHS)


class IdRangeGuard:
    """ASGI middleware: 404 for an integer id in the path that no row can have, on every route
    (pages, API, feeds, admin), instead of a database error (a 500) on the query."""

    def __init__(self, app: ASGIApp, routes: RouteTable, largest: int,
                 not_found: Callable[[Request], Awaitable[Response]]) -> None:
        self.app = app
        self.routes = routes
        self.largest = largest
        self.not_found = not_found

    def _out_of_range(self, scope: Scope) -> bool:
        found = self.routes.match(scope)
        if found is None:
            return False
        info, params = found
        for name in info.ids:
            try:
                value = _INT.validate_python(params.get(name))  # as the route will read it
            except ValidationError:
                continue  # not a number: the route answers as it always did
            if not 0 <= value <= self.largest:
                return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._out_of_range(scope):
            response = await self.not_found(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(store: Store, settings: Settings, *, warm: bool = False, listen_host: str | None = None,
               sources: SourceAdmin | None = None, watches: WatchAdmin | None = None) -> FastAPI:
    """The FastAPI application serving the reader for ``store``; with ``warm``, a background thread
    keeps the newest ``[web] prerender`` articles' and stories' pages pre-rendered. ``listen_host``
    (default ``[web] host``) is the address the server listens on, one of the hosts it answers to.
    ``sources`` adds and removes sources for the admin API (without it, the admin API is off);
    ``watches`` adds and tries watches (without it, those two admin routes answer 503)."""
    try:
        policy = HostPolicy(settings.web.allowed_hosts, base_url=settings.web.base_url,
                            listen_host=settings.web.host if listen_host is None else listen_host)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    reader = ReadStore(store)
    cancel_at_statements(reader)  # a render whose readers all left stops at its next query
    rendered = RenderedPages(reader, store, code_stamp=CODE_STAMP)

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
        clock.close()
        reader.close()

    app = FastAPI(
        title="babelwire", version=__version__, lifespan=lifespan,
        description=API_DESCRIPTION,
        # FastAPI's own /docs loads Swagger UI from a CDN with an inline script, which the
        # Content-Security-Policy forbids: web.apidocs serves it from local files instead.
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    clock = ChangeClock(reader)
    app.state.pages = rendered
    app.state.web = WebContext(store=store, reader=reader, settings=settings, renderer=Renderer(), clock=clock,
                               sources=sources, watches=watches)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(api.admin)
    app.include_router(feeds.router)
    app.include_router(watch_pages.router)
    app.include_router(watch_pages.admin)
    if settings.api.docs:
        app.include_router(apidocs.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # From the routers themselves: their routes carry the full paths (no prefix is added on include).
    own_routes = [*pages.router.routes, *api.router.routes, *api.admin.routes, *feeds.router.routes,
                  *(apidocs.router.routes if settings.api.docs else []), *watch_pages.router.routes,
                  *watch_pages.admin.routes]

    def error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if _wants_json(request):
            return problem(request, status, message, headers=headers)
        return app.state.web.renderer.page(request, "error.html", status=status,
                                           heading=_HEADINGS.get(status, "Error"), message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method the path serves, not only the first route's
            headers["Allow"] = ", ".join(allowed_methods(own_routes, request.scope)) or headers.get("Allow", "")
        if _wants_json(request):
            return problem(request, exc.status_code, str(exc.detail), headers=headers or None)
        response = error(request, exc.status_code, str(exc.detail))
        response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            detail, errors = validation_errors(exc.errors())
            return problem(request, 422, detail, errors=errors)
        # A page address with a malformed id or parameter is simply a page that does not exist.
        return error(request, 404, "There is no page at this address.")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette answers (and then re-raises, for the server's log) from its outermost layer,
        # outside SecurityHeadersMiddleware: the headers are added here.
        try:
            response = error(request, 500, "Something went wrong while preparing this answer. Try again later.")
        except Exception:  # the error page itself failed
            response = PlainTextResponse("Internal Server Error", status_code=500)
        for name, value in SECURITY_HEADERS:
            response.headers[name.decode("latin-1")] = value.decode("latin-1")
        return response

    def contract() -> dict[str, Any]:
        """The OpenAPI document, with what only the store knows (the id range) and the error shape."""
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes, tags=api.TAGS)
            components = document.setdefault("components", {})
            schemas = components.setdefault("schemas", {})
            schemas["ProblemDetails"] = ProblemDetails.model_json_schema(
                ref_template="#/components/schemas/{model}")
            # The routes live under /api; integrators address them under /api/v1 (ApiVersionAlias).
            document["paths"] = {API_PREFIX + path.removeprefix("/api") if path.startswith("/api/") else path:
                                 operations for path, operations in document.get("paths", {}).items()}
            if settings.api.read_tokens:
                components.setdefault("securitySchemes", {})["readToken"] = {
                    "type": "http", "scheme": "bearer", "description": "One of [api] read_tokens."}
            limited = settings.api.anonymous_rate_limit or (settings.api.read_tokens and settings.api.rate_limit)
            for operations in document.get("paths", {}).values():
                if "get" in operations:  # the conditional-GET headers ConditionalCacheMiddleware adds
                    operations["get"]["responses"]["200"].setdefault("headers", {}).update(CACHE_HEADERS)
                for method, operation in operations.items():
                    if settings.api.read_tokens and method == "get" and "security" not in operation:
                        # (an admin GET keeps its own scheme: the admin token also reads)
                        operation["security"] = [{"readToken": []}]
                        for code, text in READ_TOKEN_ANSWERS.items():
                            operation["responses"][str(code)] = declared(code, text)
                    if limited:
                        operation["responses"]["429"] = declared(429, "Too many requests from this token or "
                                                                      "client: retry after Retry-After seconds.")
                    operation["responses"] = dict(sorted(operation["responses"].items()))
                for operation in operations.values():
                    for parameter in operation.get("parameters", []):
                        if parameter["name"] in api.ID_PARAMETERS:
                            schema = parameter["schema"]
                            for branch in [schema, *schema.get("anyOf", [])]:
                                if branch.get("type") == "integer":
                                    branch["maximum"] = store.max_id
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = contract  # type: ignore[method-assign]

    async def not_found(request: Request) -> Response:
        return error(request, 404, "There is no page at this address.")

    routes = RouteTable(own_routes)
    # Added last = outermost: security headers wrap every answer, 304s and refusals included; the
    # Host is checked before anything reads it, CORS answers preflights, /api/v1 is mapped onto the
    # routes, tokens and rate limits are checked before the cache can answer, ids before any query.
    app.add_middleware(ProblemOnlyMiddleware, prefixes=_JSON_PATHS)
    # The watch admin API answers per token: never from the cache.
    app.add_middleware(ConditionalCacheMiddleware, clock=clock, pages=rendered, routes=routes,
                       skip=("/static/", "/api/watches"))
    app.add_middleware(IdRangeGuard, routes=routes, largest=store.max_id, not_found=not_found)
    app.add_middleware(ApiAccess, settings=settings)
    app.add_middleware(ApiVersionAlias)
    if settings.api.cors_origins:
        app.add_middleware(ApiCors, origins=settings.api.cors_origins)
    app.add_middleware(HostGuard, policy=policy)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
