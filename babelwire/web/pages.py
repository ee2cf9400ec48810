"""The HTML pages: server-rendered, working without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.requests import Request

from babelwire.store.queries import article_languages, source_names
from babelwire.web.context import WebContext, web_context
from babelwire.web.paging import optional_int, optional_text, window
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

router = APIRouter(include_in_schema=False)
Context = Annotated[WebContext, Depends(web_context)]
Page = Annotated[int, Query(ge=1, le=100_000)]
HOME_STORIES = 6


def _lang_q(lang: str | None) -> str:
    return f"?lang={lang}" if lang else ""


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ctx: Context, source: str | None = None, language: str | None = None,
         lang: str | None = None, page: Page = 1) -> Response:
    """Latest stories and articles, newest first, filtered by outlet and original language."""
    target = target_language(ctx.settings, lang)
    source_id, language = optional_int(source), optional_text(language)
    w = window(ctx.settings.web.page_size, page=page)
    rows = article_list(ctx.reader, target=target, source_id=source_id, language=language,
                        limit=w.limit + 1, offset=w.offset)
    stories = story_list(ctx.reader, limit=HOME_STORIES) if page == 1 and not source_id else []
    feed_url = (f"/feeds/sources/{source_id}.atom" if source_id else
                f"/feeds/languages/{language}.atom" if language else None)
    return ctx.renderer.page(
        request, "home.html", articles=rows[:w.limit], stories=stories, sources=source_names(ctx.reader),
        languages=article_languages(ctx.reader), source_id=source_id, language=language, target=target,
        lang_q=_lang_q(lang), page=w.page, has_prev=w.page > 1, has_next=len(rows) > w.limit, feed_url=feed_url,
        page_lang=target)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, ctx: Context, article_id: int, lang: str | None = None) -> Response:
    """One article: translation and original aligned block by block, label, flags, versions."""
    target = target_language(ctx.settings, lang)
    view = article_page(ctx.reader, article_id, target=target)
    if view is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    return ctx.renderer.page(request, "article.html", a=view, lang_q=_lang_q(lang), page_lang=target)


@router.get("/articles/{article_id}/story", response_class=HTMLResponse)
def article_story(request: Request, ctx: Context, article_id: int, lang: str | None = None) -> Response:
    """The article's story, or the article alone as a group of one while it has none."""
    target = target_language(ctx.settings, lang)
    story_id, view = story_of_article(ctx.reader, article_id, target=target)
    if story_id is not None:
        return RedirectResponse(f"{request.scope.get('root_path', '')}/stories/{story_id}{_lang_q(lang)}", 307)
    if view is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    return ctx.renderer.page(request, "story.html", s=view, target=target, lang_q=_lang_q(lang), page_lang=target,
                             api_url=f"/api/v1/articles/{article_id}/story{_lang_q(lang)}")


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, ctx: Context, story_id: int, lang: str | None = None) -> Response:
    """Every outlet's article on one event: titles, leads and quotations."""
    target = target_language(ctx.settings, lang)
    view = story_page(ctx.reader, story_id, target=target)
    if view is None:
        raise HTTPException(404, f"There is no story {story_id}.")
    return ctx.renderer.page(request, "story.html", s=view, target=target, lang_q=_lang_q(lang), page_lang=target,
                             api_url=f"/api/v1/stories/{story_id}{_lang_q(lang)}")


@router.get("/stories/{story_id}/compare", response_class=HTMLResponse)
def story_compare(request: Request, ctx: Context, story_id: int, lang: str | None = None) -> Response:
    """The outlets of a story side by side: headlines, facts, quotations, numbers that disagree."""
    target = target_language(ctx.settings, lang)
    view = story_compare_page(ctx.reader, story_id, target=target)
    if view is None:
        raise HTTPException(404, f"There is no story {story_id}.")
    if len(view.outlets) < 2:
        raise HTTPException(404, one_outlet_message(view))
    return ctx.renderer.page(request, "compare.html", c=view, target=target, lang_q=_lang_q(lang), page_lang=target,
                             columns={a.id: a for a in view.articles},
                             positions={a.id: i for i, a in enumerate(view.articles, 1)},
                             api_url=f"/api/v1/stories/{story_id}/compare{_lang_q(lang)}")


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, ctx: Context) -> Response:
    """Health of every source."""
    rows = source_list(ctx.reader)
    return ctx.renderer.page(request, "sources.html", sources=rows)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, ctx: Context, q: str = "", page: Page = 1) -> Response:
    """Full-text search over originals and translations."""
    q = q.strip()[:300]
    w = window(ctx.settings.web.page_size, page=page)
    hits = search_results(ctx.reader, q, limit=w.limit + 1, offset=w.offset)
    return ctx.renderer.page(request, "search.html", q=q, results=hits[:w.limit], page=w.page,
                             has_prev=w.page > 1, has_next=len(hits) > w.limit)
