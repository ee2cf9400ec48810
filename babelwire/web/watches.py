"""Watches in the reader: a page per watch (its matches, newest first, the matched words marked in
the translation and the original), its Atom feed, and the admin API to add, list, try and remove
watches.

A private watch's page and feed need its token (``?token=``, printed by ``babelwire watch add``);
they answer 404 without it, as if the watch did not exist. Adding and trying a watch parse its
query, which the web layer does not do itself: the app is handed a ``WatchAdmin`` (the watch
service of ``babelwire.alerts``) by whoever builds it, as it is handed its source admin. The admin answers are never
cached (they depend on the token); their ETag is their content's hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from babelwire.errors import BabelwireError
from babelwire.languages import language_names
from babelwire.store.watches import (
    MatchDetail,
    WatchExistsError,
    WatchRecord,
    get_watch,
    list_watches,
    remove_watch,
    watch_matches,
)
from babelwire.web.api import Admin
from babelwire.web.context import WatchAdmin, WebContext, web_context
from babelwire.web.problems import ADMIN, problem, responses
from babelwire.web.schemas import HTTP_URL, ok_example
from babelwire.web.security import safe_href

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
admin = APIRouter(
    prefix="/api/watches",
    tags=["admin"],
    # The API's operation ids: the function's name without "api_" (api_add_watch -> add_watch).
    generate_unique_id_function=lambda route: route.name.removeprefix("api_"),
)
Context = Annotated[WebContext, Depends(web_context)]
ATOM = "application/atom+xml; charset=utf-8"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Token = Annotated[str | None, Query(max_length=200, description="The private watch's token.")]


def highlight(text: str | None, words: list[str]) -> Markup:
    """``text`` escaped, with each of ``words`` (as matched) in ``<mark>``."""
    text = text or ""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    out, last = [], 0
    for found in pattern.finditer(text):
        out += [str(escape(text[last : found.start()])), f"<mark>{escape(found.group())}</mark>"]
        last = found.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def _blocks(document: dict[str, Any] | None) -> list[str]:
    return [b.get("text") or "" for b in (document or {}).get("blocks") or [] if b.get("text")]


def _visible(ctx: WebContext, name: str, token: str | None) -> WatchRecord:
    """The watch, if it is public or the token is its own; else 404 (a private watch is not revealed)."""
    watch = get_watch(ctx.reader, name) if len(name) <= 100 and re.fullmatch(WATCH_NAME, name) else None
    if watch is None or (
        watch.private
        and not (token and watch.feed_token and hmac.compare_digest(token.encode(), watch.feed_token.encode()))
    ):
        raise HTTPException(404, f"no watch {name!r}")
    return watch


def _lead(match: MatchDetail, document: dict[str, Any] | None, words: list[str]) -> list[Markup]:
    """The blocks that hold a matched word (else the first), highlighted."""
    blocks = _blocks(document)
    lowered = [w.casefold() for w in words]
    chosen = [b for b in blocks if any(w in b.casefold() for w in lowered)][:3] or blocks[:1]
    return [highlight(b, words) for b in chosen]


def match_view(match: MatchDetail) -> dict[str, Any]:
    original_title = match.document.get("title") or match.title or ""
    translated_title = (match.translation or {}).get("title") or ""
    return {
        "match": match,
        "title": highlight(translated_title or original_title, match.translation_words or match.original_words),
        "original_title": highlight(original_title, match.original_words),
        "translation": _lead(match, match.translation, match.translation_words) if match.translation else [],
        "original": _lead(match, match.document, match.original_words),
        "href": safe_href(match.url),
    }


@router.get("/watches")
def watches_page(request: Request, ctx: Context) -> Response:
    """Every public watch with its number of matches."""
    watches = [w for w in list_watches(ctx.reader) if not w.private]
    return ctx.renderer.page(request, "watches.html", watches=watches)


@router.get("/watches/{name}")
def watch_page(
    request: Request, ctx: Context, name: str, token: Token = None, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    """A watch's matches, newest first, the matched words marked in the translation and the original."""
    watch = _visible(ctx, name, token)
    size = ctx.settings.web.page_size
    rows = watch_matches(
        ctx.reader, watch.id, limit=size + 1, offset=(page - 1) * size, target=ctx.settings.translate.to[0]
    )
    token_q = f"?token={token}" if watch.private and token else ""
    return ctx.renderer.page(
        request,
        "watch.html",
        watch=watch,
        matches=[match_view(m) for m in rows[:size]],
        page=page,
        has_next=len(rows) > size,
        token=token if watch.private else None,
        feed=f"/feeds/watch/{name}.atom{token_q}",
    )


@router.get("/feeds/watch/{name}.atom")
def watch_feed(request: Request, ctx: Context, name: str, token: Token = None) -> Response:
    """The watch's matches as an Atom feed: one entry per match (an article, or a revision that
    brought new matched terms)."""
    watch = _visible(ctx, name, token)
    rows = watch_matches(ctx.reader, watch.id, limit=ctx.settings.web.page_size, target=ctx.settings.translate.to[0])
    base = ctx.base_url(request)
    token_q = f"?token={token}" if watch.private and token else ""
    fg = FeedGenerator()
    fg.id(f"{base}/watches/{name}")
    fg.title(f"Watch {name}: {watch.query}")
    fg.link(href=f"{base}/feeds/watch/{name}.atom{token_q}", rel="self")
    fg.link(href=f"{base}/watches/{name}{token_q}", rel="alternate")
    fg.language(ctx.settings.translate.to[0])
    newest = EPOCH
    for match in rows:
        view = match_view(match)
        entry = fg.add_entry(order="append")
        entry.id(f"{base}/watches/{name}/matches/{match.id}")
        entry.title(
            str((match.translation or {}).get("title") or match.document.get("title") or match.title or match.url)
        )
        entry.link(href=f"{base}/articles/{match.article_id}")
        entry.author({"name": match.source_name or "unknown outlet"})
        entry.published(match.published or match.matched_at)
        entry.updated(match.matched_at)
        newest = max(newest, match.matched_at)
        parts = [
            f"<p>Matched: {escape(', '.join(match.terms))}. Machine translation"
            f"{' (' + escape(match.translation_engine) + ')' if match.translation_engine else ''}; "
            + (f'<a href="{escape(view["href"])}">original</a>' if view["href"] else "original")
            + ".</p>"
        ]
        parts += [f"<p>{block}</p>" for block in view["translation"]]
        parts += ["<hr>"] + [f'<p lang="{escape(match.language or "")}">{block}</p>' for block in view["original"]]
        entry.content("".join(parts), type="html")
    fg.updated(newest)
    return Response(fg.atom_str(pretty=False), media_type=ATOM)


# --- admin ---------------------------------------------------------------------------------------


#: The language codes babelwire knows, as a pattern (a code outside it would match nothing).
LANGUAGE = "^(?:" + "|".join(language_names()) + ")$"
WATCH_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class NewWatch(BaseModel):
    """A watch to add (see the README, Watchlists and alerts, for the query language)."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "grushko",
                    "query": "Grushko OR Ryabkov",
                    "languages": ["fr", "ru"],
                    "email": "analyst@example.org",
                    "digest": True,
                }
            ]
        },
    )

    name: str = Field(
        min_length=1,
        max_length=100,
        pattern=WATCH_NAME,
        examples=["grushko"],
        description="Letters, digits, '-', '_', '.' (it is part of URLs).",
    )
    query: str = Field(
        min_length=1,
        max_length=1000,
        pattern=r"^[^\x00]*[^\W_][^\x00]*$",  # a letter or digit; no NUL (PostgreSQL text refuses it)
        examples=['Grushko OR "Alexandre Grouchko"'],
        description='Words, "phrases", names, lang:CODE, source:ID with AND, OR, NOT, ( ); an invalid one is '
        "a 422 whose errors[0].position says where.",
    )
    sources: list[Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^[^\x00]+$")]] = Field(
        default_factory=list,
        max_length=100,
        description="Only these sources (ids, URLs, names); 404 if one is unknown.",
    )
    languages: list[Annotated[str, Field(pattern=LANGUAGE)]] = Field(
        default_factory=list, max_length=50, description="Only these original languages (ISO 639-1)."
    )
    private: bool = Field(False, description="The page and feed need the token returned once.")
    webhook_url: str | None = Field(
        None, max_length=2048, pattern=HTTP_URL, description="POST each match here (JSON, signed)."
    )
    webhook_secret: str | None = Field(
        None, max_length=200, pattern=r"^[!-~]+$", description="Printable ASCII; default: a random one, returned once."
    )
    email: str | None = Field(None, max_length=320, pattern=r"^[^@\s<>\x00-\x1f]+@[^@\s<>\x00-\x1f]+$")
    digest: bool = Field(True, description="One e-mail a day ([alerts] digest_every) rather than one per match.")


class WatchInfo(BaseModel):
    """A watch without its secrets."""

    id: int
    name: str
    query: str
    sources: list[int] | None
    languages: list[str] | None
    private: bool
    webhook_url: str | None
    email: str | None
    email_mode: str | None
    created_at: str
    matches: int
    last_match_at: str | None


class CreatedWatch(WatchInfo):
    """The watch as stored, with its secrets (shown this once)."""

    feed_token: str | None
    webhook_secret: str | None


class Matched(BaseModel):
    original: list[str]
    translation: list[str]


class WatchArticle(BaseModel):
    id: int
    url: str
    title: str | None
    language: str | None
    source: str


class WatchMatchInfo(BaseModel):
    """One match: the article (or the revision of it that brought new terms), the terms, the words."""

    id: int
    matched_at: str
    terms: list[str]
    matched: Matched
    article: WatchArticle
    revision: int
    story: int | None


class TestHitInfo(BaseModel):
    """An article the watch would have matched."""

    article: WatchArticle
    first_seen_at: str
    terms: list[str]
    matched: Matched


WATCH_EXAMPLE = {
    "id": 1,
    "name": "grushko",
    "query": "Grushko OR Ryabkov",
    "sources": None,
    "languages": ["fr", "ru"],
    "private": False,
    "webhook_url": "https://hooks.example.org/babelwire",
    "email": "analyst@example.org",
    "email_mode": "digest",
    "created_at": "2022-01-12T08:00:00+00:00",
    "matches": 2,
    "last_match_at": "2022-01-12T18:31:02+00:00",
}
WATCH_ARTICLE_EXAMPLE = {
    "id": 42,
    "url": "https://www.rfi.fr/fr/europe/20220112-otan-russie",
    "language": "fr",
    "title": "L'Otan et la Russie se parlent à Bruxelles",
    "source": "RFI",
}
MATCHED_EXAMPLE = {"original": ["Grouchko"], "translation": ["Grushko"]}
MATCH_EXAMPLE = {
    "id": 7,
    "matched_at": "2022-01-12T18:31:02+00:00",
    "terms": ["Grushko"],
    "matched": MATCHED_EXAMPLE,
    "article": WATCH_ARTICLE_EXAMPLE,
    "revision": 1,
    "story": 3,
}
TEST_EXAMPLE = {
    "article": WATCH_ARTICLE_EXAMPLE,
    "first_seen_at": "2022-01-12T18:30:40+00:00",
    "terms": ["Grushko"],
    "matched": MATCHED_EXAMPLE,
}


NameParam = Annotated[
    str, Path(max_length=100, pattern=WATCH_NAME, description="The watch's name.", examples=["grushko"])
]
NOT_FOUND = "No watch of that name."


def _validated(response: Response, data: Any) -> Any:
    """``data`` with the validators every GET of the API carries: the ETag is the hash of the
    answer (these answers bypass the page cache, which would not tell tokens apart)."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    response.headers["ETag"] = f'"{digest}"'
    response.headers["Last-Modified"] = formatdate(usegmt=True)
    response.headers["Cache-Control"] = "no-store"
    return data


def _watch(ctx: WebContext, name: str) -> WatchRecord:
    watch = get_watch(ctx.reader, name)
    if watch is None:
        raise HTTPException(404, f"no watch {name!r}")
    return watch


def _watch_admin(ctx: WebContext) -> WatchAdmin:
    if ctx.watches is None:
        raise HTTPException(503, "This app was built without watch management (babelwire serve and run provide it).")
    return ctx.watches


@admin.get("", response_model=list[WatchInfo], responses={**responses(*ADMIN), **ok_example([WATCH_EXAMPLE])})
def api_watches(response: Response, ctx: Context, _: Admin) -> Any:
    """Every watch, by name (without its secrets)."""
    return _validated(response, [w.public() for w in list_watches(ctx.reader)])


@admin.post(
    "",
    status_code=201,
    response_model=CreatedWatch,
    responses=responses(
        *ADMIN,
        404,
        409,
        d404="A source named in sources does not exist.",
        d409="A watch of that name exists already.",
        d422="Invalid input, or an invalid query (errors[0].position says where).",
    ),
)
def api_add_watch(request: Request, body: NewWatch, ctx: Context, _: Admin) -> Any:
    """Add a watch; an invalid query is a 422 naming the position of the error. The feed token of a
    private watch and the webhook secret are in this answer only."""
    try:
        watch = _watch_admin(ctx).add(
            body.name,
            body.query,
            sources=body.sources,
            languages=body.languages,
            private=body.private,
            webhook_url=body.webhook_url,
            webhook_secret=body.webhook_secret,
            email=body.email,
            digest=body.digest,
        )
    except WatchExistsError as exc:
        raise HTTPException(409, str(exc)) from exc
    except LookupError as exc:  # a source named in sources does not exist
        raise HTTPException(404, str(exc)) from exc
    except BabelwireError as exc:
        if hasattr(exc, "position"):
            return problem(
                request,
                422,
                f"invalid query at position {exc.position}: {exc.message}",
                errors=[{"field": "query", "position": exc.position, "message": exc.message}],
            )
        raise HTTPException(422, exc.reason) from exc
    ctx.clock.invalidate()
    log.info("watch added via the API", extra={"watch": watch.name})
    return {**watch.public(), "feed_token": watch.feed_token, "webhook_secret": watch.webhook_secret}


@admin.get(
    "/{name}",
    response_model=WatchInfo,
    responses={**responses(*ADMIN, 404, d404=NOT_FOUND), **ok_example(WATCH_EXAMPLE)},
)
def api_watch(response: Response, ctx: Context, name: NameParam, _: Admin) -> Any:
    """One watch (without its secrets)."""
    return _validated(response, _watch(ctx, name).public())


@admin.get(
    "/{name}/matches",
    response_model=list[WatchMatchInfo],
    responses={**responses(*ADMIN, 404, d404=NOT_FOUND), **ok_example([MATCH_EXAMPLE])},
)
def api_watch_matches(
    response: Response,
    ctx: Context,
    name: NameParam,
    _: Admin,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 30,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> Any:
    """The watch's matches, newest first, with the matched terms and words."""
    watch = _watch(ctx, name)
    rows = watch_matches(ctx.reader, watch.id, limit=limit, offset=offset, target=ctx.settings.translate.to[0])
    return _validated(
        response,
        [
            {
                "id": m.id,
                "matched_at": m.matched_at.isoformat(),
                "terms": m.terms,
                "matched": {"original": m.original_words, "translation": m.translation_words},
                "article": {
                    "id": m.article_id,
                    "url": m.url,
                    "title": m.title,
                    "language": m.language,
                    "source": m.source_name,
                },
                "revision": m.revision,
                "story": m.story_id,
            }
            for m in rows
        ],
    )


@admin.get(
    "/{name}/test",
    response_model=list[TestHitInfo],
    responses={**responses(*ADMIN, 404, d404=NOT_FOUND), **ok_example([TEST_EXAMPLE])},
)
def api_test_watch(
    response: Response,
    ctx: Context,
    name: NameParam,
    _: Admin,
    days: Annotated[float, Query(gt=0, le=3650, description="How far back to look.")] = 7,
) -> Any:
    """What the watch would have matched among the articles first seen in the last ``days`` (nothing
    is recorded or sent)."""
    watch = _watch(ctx, name)
    hits = _watch_admin(ctx).test(watch.query, days=days, sources=watch.source_ids, languages=watch.languages)
    return _validated(
        response,
        [
            {
                "article": {
                    "id": h.article.article_id,
                    "url": h.article.url,
                    "title": h.article.title,
                    "language": h.article.language,
                    "source": h.article.source_name,
                },
                "first_seen_at": h.article.first_seen_at.isoformat(),
                "terms": list(h.terms),
                "matched": {"original": list(h.original), "translation": list(h.translation)},
            }
            for h in hits
        ],
    )


@admin.delete("/{name}", status_code=204, response_class=Response, responses=responses(*ADMIN, 404, d404=NOT_FOUND))
def api_remove_watch(ctx: Context, name: NameParam, _: Admin) -> Response:
    """Delete a watch with its matches (nothing more is sent)."""
    if not remove_watch(ctx.store, name):
        raise HTTPException(404, f"no watch {name!r}")
    ctx.clock.invalidate()
    return Response(status_code=204)
