"""The JSON API: a twin of every page under /api/v1 (``/api`` is an alias), plus the admin endpoints
for sources. The routes live under /api; ``access.ApiVersionAlias`` maps /api/v1 onto them, and the
OpenAPI document names the versioned paths."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import Request

from babelwire.errors import BabelwireError, SourceExistsError
from babelwire.store import queries, readmodels
from babelwire.web import schemas
from babelwire.web.context import SourceAdmin, WebContext, web_context
from babelwire.web.paging import (
    CURSOR_PATTERN,
    BadCursor,
    Cursor,
    KeysetPage,
    Window,
    cursor_links,
    keyset_page,
    link_header,
    links,
    optional_text,
    window,
)
from babelwire.web.problems import ADMIN, READ, responses
from babelwire.web.views import (
    article_page,
    one_outlet_message,
    search_results,
    source_list,
    story_compare_page,
    story_of_article,
    story_page,
    target_language,
)

log = logging.getLogger(__name__)
TAGS = [
    {"name": "articles", "description": "Articles with their originals and machine translations."},
    {"name": "stories", "description": "Stories: the articles of several outlets on one event."},
    {"name": "sources", "description": "The watched sources and their health."},
    {"name": "search", "description": "Full-text search over originals and translations."},
    {"name": "admin", "description": "Adding and removing sources: needs the admin token "
                                     "(BABELWIRE_ADMIN_TOKEN) as 'Authorization: Bearer <token>'."},
]


def _operation_id(route: APIRoute) -> str:
    return route.name.removeprefix("api_")  # api_articles -> articles: stable names for clients


router = APIRouter(prefix="/api", generate_unique_id_function=_operation_id)
admin = APIRouter(prefix="/api", tags=["admin"], generate_unique_id_function=_operation_id)
Context = Annotated[WebContext, Depends(web_context)]
# Path ids: the OpenAPI document also gets the largest id the store's columns can hold (web.app);
# an id outside that range is answered 404 before any query (IdRangeGuard).
ID_PARAMETERS = ("article_id", "story_id", "source_id", "source")
LANGUAGE_CODE = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"
ArticleId = Annotated[int, Path(ge=0, description="An article's id.", examples=[1])]
StoryId = Annotated[int, Path(ge=0, description="A story's id.", examples=[1])]
SourceId = Annotated[int, Path(ge=0, description="A source's id.", examples=[1])]
Limit = Annotated[int | None, Query(ge=1, le=100, description="Items per page, at most 100 (default: [web] "
                                                                "page_size, at most 100).", examples=[20])]
Offset = Annotated[int | None, Query(ge=0, le=10_000_000, description="Items to skip.", examples=[0])]
PageNo = Annotated[int | None, Query(ge=1, le=100_000, description="Page number (instead of offset).",
                                     examples=[1])]
CursorText = Annotated[str | None, Query(
    min_length=24, max_length=24, pattern=CURSOR_PATTERN, examples=["AAEABdVl7uW9AAAAAAAAAAAq"],
    description="Where the page starts: the opaque cursor of a `next` or `previous` link (offset and page are then "
                "ignored). Keyset pagination: items added meanwhile never make a page repeat or skip one.")]
# Offset paging on the keyset lists is kept for the clients of version 1's first release: deprecated.
OldOffset = Annotated[int | None, Query(ge=0, le=10_000_000, deprecated=True, examples=[0],
                                        description="Items to skip; deprecated: follow the `next` links (cursors).")]
OldPageNo = Annotated[int | None, Query(ge=1, le=100_000, deprecated=True, examples=[1],
                                        description="Page number; deprecated: follow the `next` links (cursors).")]
Lang = Annotated[str | None, Query(max_length=16, pattern=LANGUAGE_CODE, examples=["en"],
                                   description="Target language of translations (default: first configured).")]
SourceFilter = Annotated[int | None, Query(ge=0, description="Only this source's articles (its id).",
                                           examples=[1])]
LanguageFilter = Annotated[str | None, Query(max_length=16, pattern=LANGUAGE_CODE, examples=["fr"],
                                             description="Only articles in this original language.")]
SearchQuery = Annotated[str, Query(max_length=300, examples=["Bruxelles"],
                                   description="Words to find (empty: no hits).")]


def _cursor(text: str | None) -> Cursor | None:
    if text is None:
        return None
    try:
        return Cursor.decode(text)
    except BadCursor as exc:
        raise HTTPException(422, f"Invalid query cursor: {exc}") from exc


def _position(ctx: WebContext, cursor: Cursor | None) -> queries.Position | None:
    """A cursor's position, its id within what the id column can hold (any cursor is a position)."""
    return None if cursor is None else (cursor.at, min(max(cursor.id, -1), ctx.store.max_id))


def _linked(response: Response, next_url: str | None, previous_url: str | None) -> None:
    if link := link_header(next_url, previous_url):
        response.headers["Link"] = link


def _keyset_answer(request: Request, response: Response, ctx: WebContext, page: KeysetPage, items: list[Any],
                   w: Window, cursor: Cursor | None) -> dict[str, Any]:
    next_url, previous_url = cursor_links(request, page, w.limit, base=ctx.base_url(request))
    _linked(response, next_url, previous_url)
    return {"items": items, "limit": w.limit, "offset": None if cursor else w.offset, "next": next_url,
            "previous": previous_url}


def _in_order(rows: list[Any], page: KeysetPage) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[ident] for _, ident in page.keys if ident in by_id]


@router.get("/articles", response_model=schemas.ArticlePage, tags=["articles"],
            responses={**responses(*READ), **schemas.ok_example(schemas.ARTICLE_PAGE_EXAMPLE, paged=True)})
def api_articles(request: Request, response: Response, ctx: Context, source: SourceFilter = None,
                 language: LanguageFilter = None, lang: Lang = None, limit: Limit = None, cursor: CursorText = None,
                 offset: OldOffset = None, page: OldPageNo = None) -> Any:
    """Articles newest first (by publication time), optionally of one source or original language,
    a page at a time: follow `next` (and `previous`), in the body or the `Link` header."""
    if source is not None and source > ctx.store.max_id:  # the document declares this maximum
        raise HTTPException(422, f"Invalid query source: no source id is above {ctx.store.max_id}")
    w = window(ctx.settings.web.page_size, page=page, limit=limit, offset=offset)
    at = _cursor(cursor)
    keys = queries.article_positions(
        ctx.reader, source_id=source, language=optional_text(language), limit=w.limit + 1,
        position=_position(ctx, at), backward=bool(at and at.backward), offset=0 if at else w.offset)
    shown = keyset_page(keys, at, w.limit, offset=0 if at else w.offset)
    rows = queries.latest_articles(ctx.reader, target=target_language(ctx.settings, lang),
                                   ids=[ident for _, ident in shown.keys], limit=None) if shown.keys else []
    return _keyset_answer(request, response, ctx, shown, _in_order(rows, shown), w, at)


@router.get("/articles/{article_id}", response_model=readmodels.ArticleDetail, tags=["articles"],
            responses={**responses(*READ, 404, d404="No such article (or an id no row can have)."),
                       **schemas.ok_example(schemas.ARTICLE_EXAMPLE)})
def api_article(ctx: Context, article_id: ArticleId, lang: Lang = None) -> Any:
    """One article: original and translated blocks with flags, the MT label, its versions."""
    view = article_page(ctx.reader, article_id, target=target_language(ctx.settings, lang), diffs=False)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view


@router.get("/articles/{article_id}/story", response_model=readmodels.StoryDetail, tags=["stories"],
            responses={**responses(*READ, 404, d404="No such article (or an id no row can have)."),
                       200: {"description": "The article's story, or the article alone while it is in none.",
                             "content": {"application/json": {"examples": {
                                 "grouped": {"summary": "An article in a story", "value": schemas.STORY_EXAMPLE},
                                 "alone": {"summary": "An article not grouped yet (id null)",
                                           "value": schemas.LONE_STORY_EXAMPLE}}}}}})
def api_article_story(ctx: Context, article_id: ArticleId, lang: Lang = None) -> Any:
    """The story of an article, or the article alone (id null) while it is in none."""
    target = target_language(ctx.settings, lang)
    story_id, view = story_of_article(ctx.reader, article_id, target=target)
    if story_id is not None:
        view = story_page(ctx.reader, story_id, target=target)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view


@router.get("/stories", response_model=schemas.StoryPage, tags=["stories"],
            responses={**responses(*READ), **schemas.ok_example(schemas.STORY_PAGE_EXAMPLE, paged=True)})
def api_stories(request: Request, response: Response, ctx: Context, lang: Lang = None, limit: Limit = None,
                cursor: CursorText = None, offset: OldOffset = None, page: OldPageNo = None) -> Any:
    """Stories, most recently active first (by their latest article), a page at a time: follow
    `next` (and `previous`), in the body or the `Link` header."""
    w = window(ctx.settings.web.page_size, page=page, limit=limit, offset=offset)
    at = _cursor(cursor)
    keys = queries.story_positions(ctx.reader, limit=w.limit + 1, position=_position(ctx, at),
                                   backward=bool(at and at.backward), offset=0 if at else w.offset)
    shown = keyset_page(keys, at, w.limit, offset=0 if at else w.offset)
    rows = queries.list_stories(ctx.reader, ids=[ident for _, ident in shown.keys], limit=None) if shown.keys else []
    return _keyset_answer(request, response, ctx, shown, _in_order(rows, shown), w, at)


@router.get("/stories/{story_id}", response_model=readmodels.StoryDetail, tags=["stories"],
            responses={**responses(*READ, 404, d404="No such story (or an id no row can have)."),
                       **schemas.ok_example(schemas.STORY_EXAMPLE)})
def api_story(ctx: Context, story_id: StoryId, lang: Lang = None) -> Any:
    """Every outlet's article on one event."""
    view = story_page(ctx.reader, story_id, target=target_language(ctx.settings, lang))
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    return view


@router.get("/stories/{story_id}/compare", response_model=readmodels.StoryComparison, tags=["stories"],
            responses={**responses(*READ, 404, d404="No such story, or a story with one outlet (nothing to compare)."),
                       **schemas.ok_example(schemas.COMPARE_EXAMPLE)})
def api_story_compare(ctx: Context, story_id: StoryId, lang: Lang = None) -> Any:
    """The outlets of a story side by side: headlines and leads, facts aligned sentence by sentence
    (what only one outlet reports marked), quotations by speaker, numbers that disagree."""
    view = story_compare_page(ctx.reader, story_id, target=target_language(ctx.settings, lang))
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    if len(view.outlets) < 2:
        raise HTTPException(404, one_outlet_message(view))
    return view


@router.get("/sources", response_model=list[readmodels.SourceHealth], tags=["sources"],
            responses={**responses(304, 400, 500), **schemas.ok_example(schemas.SOURCES_EXAMPLE)})
def api_sources(ctx: Context) -> Any:
    """Every source with its health."""
    return source_list(ctx.reader)


@router.get("/search", response_model=schemas.SearchPage, tags=["search"],
            responses={**responses(*READ), **schemas.ok_example(schemas.SEARCH_PAGE_EXAMPLE, paged=True)})
def api_search(request: Request, response: Response, ctx: Context, q: SearchQuery = "", limit: Limit = None,
               offset: Offset = None, page: PageNo = None) -> Any:
    """Full-text search over original and translated titles and texts (any words up to 300 characters),
    best match first. Ranked by relevance, so it pages by position (limit and offset, `next` and
    `previous` links in the body and the `Link` header), not by cursor."""
    q = q.strip()
    w = window(ctx.settings.web.page_size, page=page, limit=limit, offset=offset)
    hits = search_results(ctx.reader, q, limit=w.limit + 1, offset=w.offset)
    next_url, previous_url = links(request, w, len(hits) > w.limit, base=ctx.base_url(request))
    _linked(response, next_url, previous_url)
    return {"q": q, "items": hits[:w.limit], "limit": w.limit, "offset": w.offset, "next": next_url,
            "previous": previous_url}


# --- admin --------------------------------------------------------------------------------------
ADMIN_TOKEN = HTTPBearer(auto_error=False, scheme_name="adminToken",
                         description="The admin token (BABELWIRE_ADMIN_TOKEN or [admin] token).")


def require_admin(request: Request, ctx: Context,
                  _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(ADMIN_TOKEN)]) -> None:
    """Bearer token check (constant time); 403 with instructions when no token is configured.
    (``ADMIN_TOKEN`` puts the scheme in the OpenAPI document; the header is checked here.)"""
    token = ctx.settings.admin.token
    if not token:
        raise HTTPException(403, "The admin API is off. Enable it by setting BABELWIRE_ADMIN_TOKEN "
                                 "(or token in the [admin] section of babelwire.toml) and restarting.")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(401, "Send the admin token as 'Authorization: Bearer <token>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(403, "Wrong admin token.")


Admin = Annotated[None, Depends(require_admin)]


def _sources(ctx: WebContext) -> SourceAdmin:
    if ctx.sources is None:
        raise HTTPException(503, "This app was built without source management (babelwire serve and run "
                                 "provide it).")
    return ctx.sources


MAX_BODY = 16_384  # a new source's fields fit in a few kilobytes: a larger body is refused unread


@admin.post("/sources", status_code=201, response_model=schemas.CreatedSource, max_body_size=MAX_BODY,
            responses={**responses(*ADMIN, 409, 413, d422="Invalid input, or a URL that is not a usable feed, sitemap "
                                                     "or page (it is fetched to find out)."),
                       201: {"description": "Watched: the source as stored.", "links": {
                           "remove_source": {"operationId": "remove_source",
                                             "parameters": {"source_id": "$response.body#/id"},
                                             "description": "Stop watching the source just added."},
                           "sources": {"operationId": "sources",
                                       "description": "The list of sources now holds it."}}}})
def api_add_source(body: schemas.NewSource, ctx: Context, _: Admin) -> Any:
    """Probe a URL (feed, sitemap, page, or a site whose first feed is taken) and watch it."""
    try:
        source = _sources(ctx).add(body.url, name=body.name, lang=body.lang, every=body.every)
    except SourceExistsError as exc:
        raise HTTPException(409, str(exc)) from exc
    except BabelwireError as exc:
        raise HTTPException(422, f"cannot add {body.url}: {exc.reason}") from exc
    ctx.clock.invalidate()
    log.info("source added via the API", extra={"source_id": source.id, "url": source.url})
    return {"id": source.id, "name": source.name, "url": source.url, "kind": source.kind,
            "language": source.language, "interval": source.interval}


@admin.delete("/sources/{source_id}", status_code=204, response_class=Response,
              responses=responses(*ADMIN, 404, d404="No such source (or an id no row can have)."))
def api_remove_source(source_id: SourceId, ctx: Context, _: Admin) -> Response:
    """Stop watching a source and delete its articles."""
    if not _sources(ctx).remove(source_id):
        raise HTTPException(404, f"no source {source_id}")
    ctx.clock.invalidate()
    log.info("source removed via the API", extra={"source_id": source_id})
    return Response(status_code=204)
