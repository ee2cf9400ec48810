"""Stories in the shapes the CLI, the web pages and the JSON API share (plain dicts)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Story, Translation
from babelwire.stories.quotes import extract_quotes, translated_quotes


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _lead(document: dict[str, Any] | None) -> str | None:
    for block in (document or {}).get("blocks") or []:
        if block.get("type") != "heading" and (block.get("text") or "").strip():
            return block["text"].strip()
    return None


def list_stories(
    store: Store, *, limit: int = 30, offset: int = 0, language: str | None = None
) -> list[dict[str, Any]]:
    """Stories, most recently active first, with their outlets and the languages they were reported in."""
    query = select(Story).order_by(Story.end_at.desc(), Story.id.desc()).offset(offset).limit(limit)
    if language is not None:
        query = query.where(Story.id.in_(select(Article.story_id).where(Article.language == language)))
    with store.session() as session:
        stories = list(session.scalars(query))
        outlets: dict[int, set[str]] = defaultdict(set)
        languages: dict[int, set[str]] = defaultdict(set)
        if stories:
            for story_id, name, lang in session.execute(
                select(Article.story_id, Source.name, Article.language)
                .join(Source, Source.id == Article.source_id)
                .where(Article.story_id.in_([s.id for s in stories]))
            ):
                outlets[story_id].add(name)
                if lang:
                    languages[story_id].add(lang)
        return [
            {
                "id": story.id,
                "title": story.title,
                "start_at": _iso(story.start_at),
                "end_at": _iso(story.end_at),
                "article_count": story.article_count,
                "outlets": sorted(outlets[story.id]),
                "languages": sorted(languages[story.id]),
            }
            for story in stories
        ]


def story_of(store: Store, article_id: int) -> int | None:
    """The id of the story an article belongs to, or None."""
    with store.session() as session:
        return session.scalar(select(Article.story_id).where(Article.id == article_id))


def get_story(store: Store, story_id: int, *, target: str | None = None) -> dict[str, Any] | None:
    """A story with each article side by side (outlet, titles, lead, quotations), oldest first.

    ``target`` picks the translation shown; by default the one the article was grouped by.
    """
    with store.session() as session:
        story = session.get(Story, story_id)
        if story is None:
            return None
        at = func.coalesce(Article.published, Article.first_seen_at)
        rows = session.execute(
            select(Article, Source.name).join(Source, Source.id == Article.source_id)
            .where(Article.story_id == story_id).order_by(at, Article.id)
        ).all()
        newest = dict(session.execute(
            select(Revision.article_id, func.max(Revision.id))
            .where(Revision.article_id.in_([a.id for a, _ in rows])).group_by(Revision.article_id)
        ).all())
        revisions = {r.id: r for r in session.scalars(select(Revision).where(Revision.id.in_(newest.values())))}
        translations: dict[int, list[Translation]] = defaultdict(list)
        for t in session.scalars(select(Translation).where(Translation.revision_id.in_(newest.values()))
                                 .order_by(Translation.target)):
            translations[t.revision_id].append(t)
        articles = []
        for article, source_name in rows:
            revision = revisions.get(newest.get(article.id, -1))
            original = revision.document if revision is not None else {}
            translation = _pick(translations.get(revision.id, []) if revision else [], target, article)
            shown = translation.document if translation is not None else original
            language = translation.target if translation is not None else (article.language or "")
            articles.append({
                "id": article.id,
                "url": article.url,
                "source": source_name,
                "language": article.language,
                "title": original.get("title") or article.title,
                "translated_title": translation.document.get("title") if translation is not None else None,
                "translation_target": translation.target if translation is not None else None,
                "published": _iso(article.published or article.first_seen_at),
                "lead": _lead(shown),
                "quotes": [q.to_dict() for q in (translated_quotes(original, shown) if translation is not None
                                                 else extract_quotes(shown, language))],
            })
        return {
            "id": story.id,
            "title": story.title,
            "start_at": _iso(story.start_at),
            "end_at": _iso(story.end_at),
            "article_count": story.article_count,
            "outlets": sorted({a["source"] for a in articles}),
            "languages": sorted({a["language"] for a in articles if a["language"]}),
            "articles": articles,
        }


def _pick(translations: list[Translation], target: str | None, article: Article) -> Translation | None:
    if target is not None:
        return next((t for t in translations if t.target == target), None)
    basis = (article.story_features or {}).get("basis", "")
    grouped_by = basis.split(":t")[-1] if ":t" in basis else None
    return next((t for t in translations if str(t.id) == grouped_by), translations[0] if translations else None)
