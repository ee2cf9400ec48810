"""The JSON API: a twin of every page under /api, plus the admin endpoints for sources."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from starlette.requests import Request

from babelwire.errors import BabelwireError, SourceExistsError
from babelwire.store import readmodels
from babelwire.web import schemas
from babelwire.web.context import SourceAdmin, WebContext, web_context
from babelwire.web.paging import links, optional_int, optional_text, window
from babelwire.web.views import (
    article_list,
    article_page,
    one_outlet_message,
    search_results,
    source_list,
    story_compare_page,
    story_list,
    story_of_article,
    story_page,
    target_language,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["read"])
admin = APIRouter(prefix="/api", tags=["admin"])
Context = Annotated[WebContext, Depends(web_context)]
Limit = Annotated[int | None, Query(ge=1, le=100, description="Items per page (default: [web] page_size).")]
Offset = Annotated[int | None, Query(ge=0, le=10_000_000, description="Items to skip.")]
PageNo = Annotated[int | None, Query(ge=1, le=100_000, description="Page number (instead of offset).")]
Lang = Annotated[str | None, Query(description="Target language of translations (default: first configured).")]


def _page(request: Request, ctx: WebContext, rows: list[Any], w: Any, **extra: Any) -> dict[str, Any]:
    has_next = len(rows) > w.limit
    next_url, previous_url = links(request, w, has_next, base=ctx.base_url(request))
    return {"items": rows[:w.limit], "limit": w.limit, "offset": w.offset, "next": next_url,
            "previous": previous_url, **extra}


@router.get("/articles", response_model=schemas.ArticlePage)
def api_articles(request: Request, ctx: Context, source: str | None = None, language: str | None = None,
                 lang: Lang = None, limit: Limit = None, offset: Offset = None, page: PageNo = None) -> Any:
    """Articles newest first, optionally of one source or original language."""
    w = window(ctx.settings.web.page_size, page=page, limit=limit, offset=offset)
    rows = article_list(ctx.reader, target=target_language(ctx.settings, lang), source_id=optional_int(source),
                        language=optional_text(language), limit=w.limit + 1, offset=w.offset)
    return _page(request, ctx, rows, w)


@router.get("/articles/{article_id}", response_model=readmodels.ArticleDetail,
            responses={404: {"description": "No such article"}})
def api_article(ctx: Context, article_id: int, lang: Lang = None) -> Any:
    """One article: original and translated blocks with flags, the MT label, its versions."""
    view = article_page(ctx.reader, article_id, target=target_language(ctx.settings, lang), diffs=False)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view


@router.get("/articles/{article_id}/story", response_model=readmodels.StoryDetail,
            responses={404: {"description": "No such article"}})
def api_article_story(ctx: Context, article_id: int, lang: Lang = None) -> Any:
    """The story of an article, or the article alone (id null) while it is in none."""
    target = target_language(ctx.settings, lang)
    story_id, view = story_of_article(ctx.reader, article_id, target=target)
    if story_id is not None:
        view = story_page(ctx.reader, story_id, target=target)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view


@router.get("/stories", response_model=schemas.StoryPage)
def api_stories(request: Request, ctx: Context, lang: Lang = None, limit: Limit = None, offset: Offset = None,
                page: PageNo = None) -> Any:
    """Stories, most recently updated first."""
    w = window(ctx.settings.web.page_size, page=page, limit=limit, offset=offset)
    rows = story_list(ctx.reader, limit=w.limit + 1, offset=w.offset)
    return _page(request, ctx, rows, w)


@router.get("/stories/{story_id}", response_model=readmodels.StoryDetail,
            responses={404: {"description": "No such story"}})
def api_story(ctx: Context, story_id: int, lang: Lang = None) -> Any:
    """Every outlet's article on one event."""
    view = story_page(ctx.reader, story_id, target=target_language(ctx.settings, lang))
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    return view


@router.get("/stories/{story_id}/compare", response_model=readmodels.StoryComparison,
            responses={404: {"description": "No such story, or a story with one outlet (nothing to compare)"}})
def api_story_compare(ctx: Context, story_id: int, lang: Lang = None) -> Any:
    """The outlets of a story side by side: headlines and leads, facts aligned sentence by sentence
    (what only one outlet reports marked), quotations by speaker, numbers that disagree."""
    view = story_compare_page(ctx.reader, story_id, target=target_language(ctx.settings, lang))
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    if len(view.outlets) < 2:
        raise HTTPException(404, one_outlet_message(view))
    return view


@router.get("/sources", response_model=list[readmodels.SourceHealth])
def api_sources(ctx: Context) -> Any:
    """Every source with its health."""
    return source_list(ctx.reader)


@router.get("/search", response_model=schemas.SearchPage)
def api_search(request: Request, ctx: Context, q: str = "", limit: Limit = None, offset: Offset = None,
               page: PageNo = None) -> Any:
    """Full-text search over original and translated titles and texts (any input is accepted)."""
    q = q.strip()[:300]
    w = window(ctx.settings.web.page_size, page=page, limit=limit, offset=offset)
    hits = search_results(ctx.reader, q, limit=w.limit + 1, offset=w.offset)
    return _page(request, ctx, hits, w, q=q)


# --- admin --------------------------------------------------------------------------------------
def require_admin(request: Request, ctx: Context) -> None:
    """Bearer token check (constant time); 403 with instructions when no token is configured."""
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


@admin.post("/sources", status_code=201, response_model=schemas.CreatedSource,
            responses={401: {}, 403: {}, 409: {"description": "Already watched"}, 422: {"description": "Unusable URL"}})
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
              responses={401: {}, 403: {}, 404: {"description": "No such source"}})
def api_remove_source(source_id: int, ctx: Context, _: Admin) -> Response:
    """Stop watching a source and delete its articles."""
    if not _sources(ctx).remove(source_id):
        raise HTTPException(404, f"no source {source_id}")
    ctx.clock.invalidate()
    log.info("source removed via the API", extra={"source_id": source_id})
    return Response(status_code=204)
