"""Atom feeds (feedgen): everything, per source, per story, per original language.

Each entry is the translated article as sanitised HTML, opened by the machine-translation notice
(engine, model) and a link to the original, which is also the entry's ``rel="via"`` link. An
article updated by its outlet (a new revision) is an updated entry: same id, its ``updated`` time
moves to the new revision, and its content opens with what changed ("revision 2: 3 paragraphs
changed, 1 added").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import escape
from starlette.requests import Request

from babelwire.languages import language_name
from babelwire.store.queries import latest_articles, latest_changes, revision_texts, source_names, story_summary
from babelwire.store.readmodels import ArticleSummary, RevisionChange, StoredDocument, TranslationText
from babelwire.web.context import WebContext, web_context
from babelwire.web.security import safe_href, sanitize_html
from babelwire.web.views import license_notice, mt_label, target_language

router = APIRouter(prefix="/feeds", include_in_schema=False)
Context = Annotated[WebContext, Depends(web_context)]
ATOM = "application/atom+xml; charset=utf-8"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TAGS = {"heading": "h3", "quote": "blockquote", "list_item": "li"}
_ATOM_NS = "{http://www.w3.org/2005/Atom}"


def _restore_entry_links(atom: bytes, links: list[list[dict[str, str]]]) -> bytes:
    """Put back the rel/type/hreflang of entry links, which feedgen 1.0 drops (it shadows its loop
    variable), so ``rel="via"`` reaches readers."""
    root = etree.fromstring(atom)
    for entry, specs in zip(root.iter(f"{_ATOM_NS}entry"), links, strict=True):
        for element, spec in zip(entry.iter(f"{_ATOM_NS}link"), specs, strict=True):
            for key in ("rel", "type", "hreflang"):
                if spec.get(key):
                    element.set(key, spec[key])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def entry_html(row: ArticleSummary, original: StoredDocument, translation: TranslationText | None,
               change: RevisionChange | None = None, page: str | None = None) -> str:
    """The entry content: what the latest update changed (if the article was updated), notice +
    link to the original, then the text block by block."""
    href = safe_href(row.url)
    language = row.language
    name = f" ({escape(language_name(language))})" if language else ""
    link = f' <a href="{escape(href)}" hreflang="{escape(language or "")}">Original{name}</a>' if href else ""
    if translation is not None:
        notice = mt_label(language, translation.engine, translation.model)
        if (licence := license_notice(translation.provenance)) is not None:
            notice = f"{notice} {licence}"
        document = translation.document
    else:
        notice = "Not translated yet: this is the original text."
        document = original
    parts = []
    if change is not None:
        when = _time(change.at)
        at = f" ({when.strftime('%-d %b %Y, %H:%M UTC')})" if when else ""
        history = f' <a href="{escape(page)}#history-heading">See the changes</a>' if page else ""
        parts.append(f"<p><strong>Updated{escape(at)}</strong>: revision {change.revision} — "
                     f"{escape(change.summary)}.{history}</p>")
    parts.append(f"<p><em>{escape(notice)}</em>{link}</p>")
    for block in document.blocks:
        tag = _TAGS.get(block.type, "p")
        text = escape(block.text)
        parts.append(f"<blockquote><p>{text}</p></blockquote>" if tag == "blockquote" else f"<{tag}>{text}</{tag}>")
    return sanitize_html("\n".join(parts))


def build_feed(request: Request, ctx: WebContext, *, path: str, title: str, html_path: str,
               rows: list[ArticleSummary], target: str) -> Response:
    """An Atom document for ``rows`` (from ``latest_articles``)."""
    base = ctx.base_url(request)
    documents = revision_texts(ctx.reader, [r.revision_id for r in rows if r.revision_id], target=target)
    changes = latest_changes(ctx.reader, [r.id for r in rows if r.revisions > 1])
    fg = FeedGenerator()
    fg.id(f"{base}{path}")
    fg.title(title)
    fg.subtitle(f"Machine translations into {language_name(target)}, each linked to its original.")
    fg.author({"name": ctx.renderer.site_name})
    fg.link(href=f"{base}{path}", rel="self", type="application/atom+xml")
    fg.link(href=f"{base}{html_path}", rel="alternate", type="text/html")
    fg.language(target)
    fg.generator("babelwire")
    newest = EPOCH
    entry_links: list[list[dict[str, str]]] = []
    lang_q = f"?lang={target}" if target != target_language(ctx.settings, None) else ""
    for row in rows:
        original, translation = documents.get(row.revision_id or 0, (StoredDocument(), None))
        change = changes.get(row.id)
        updated = max(t for t in (_time(row.updated), _time(translation and translation.created_at),
                                  _time(change and change.at), EPOCH) if t)
        newest = max(newest, updated)
        entry = fg.add_entry(order="append")
        page = f"{base}/articles/{row.id}{lang_q}"
        entry.id(f"{base}/articles/{row.id}")
        entry.title((translation and translation.document.title) or row.title or "Untitled article")
        specs = [{"href": page, "rel": "alternate", "type": "text/html", "hreflang": target}]
        if safe_href(row.url):
            specs.append({"href": row.url, "rel": "via", "type": "text/html", "hreflang": row.language or ""})
        entry.link([{k: v for k, v in spec.items() if v} for spec in specs])
        entry_links.append(specs)
        entry.author({"name": row.source or "unknown outlet"})
        entry.published(_time(row.published) or _time(row.first_seen_at))
        entry.updated(updated)
        entry.content(entry_html(row, original, translation, change, page), type="html")
    fg.updated(newest)
    return Response(_restore_entry_links(fg.atom_str(pretty=False), entry_links), media_type=ATOM)


def _rows(ctx: WebContext, target: str, **filters: Any) -> list[ArticleSummary]:
    return latest_articles(ctx.reader, target=target, limit=ctx.settings.web.page_size, by="seen", **filters)


@router.get("/all.atom")
def feed_all(request: Request, ctx: Context, lang: str | None = None) -> Response:
    target = target_language(ctx.settings, lang)
    return build_feed(request, ctx, path="/feeds/all.atom", title=f"{ctx.renderer.site_name}: latest articles",
                      html_path="/", rows=_rows(ctx, target), target=target)


@router.get("/sources/{source_id}.atom")
def feed_source(request: Request, ctx: Context, source_id: int, lang: str | None = None) -> Response:
    names = dict(source_names(ctx.reader))
    if source_id not in names:
        raise HTTPException(404, f"no source {source_id}")
    target = target_language(ctx.settings, lang)
    return build_feed(request, ctx, path=f"/feeds/sources/{source_id}.atom", title=f"{names[source_id]} (translated)",
                      html_path=f"/?source={source_id}", rows=_rows(ctx, target, source_id=source_id), target=target)


@router.get("/stories/{story_id}.atom")
def feed_story(request: Request, ctx: Context, story_id: int, lang: str | None = None) -> Response:
    story = story_summary(ctx.reader, story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    target = target_language(ctx.settings, lang)
    return build_feed(request, ctx, path=f"/feeds/stories/{story_id}.atom",
                      title=f"Story: {story.title or story_id}", html_path=f"/stories/{story_id}",
                      rows=_rows(ctx, target, story_id=story_id), target=target)


@router.get("/languages/{language}.atom")
def feed_language(request: Request, ctx: Context, language: str, lang: str | None = None) -> Response:
    """Articles originally written in ``language``, translated."""
    language = language.strip().lower()[:16]
    target = target_language(ctx.settings, lang)
    return build_feed(request, ctx, path=f"/feeds/languages/{language}.atom",
                      title=f"{ctx.renderer.site_name}: articles from {language_name(language)}",
                      html_path=f"/?language={language}", rows=_rows(ctx, target, language=language), target=target)
