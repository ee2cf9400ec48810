"""The data of each reader page, shared by the HTML pages, the JSON API and the feeds."""

from __future__ import annotations

from itertools import pairwise, zip_longest
from typing import Any

from babelwire.config import Settings
from babelwire.store.articles import get_article
from babelwire.store.database import Store
from babelwire.store.reading import latest_articles, revision_documents
from babelwire.store.search import search
from babelwire.translate.engines.openai import language_name
from babelwire.translate.quality import FLAG_DESCRIPTIONS, describe_finding
from babelwire.web.diff import revision_diff

MAX_DIFFS = 5  # revision pairs diffed on an article page (newest first); older ones: API only
LEAD_CHARS = 400


def target_language(settings: Settings, lang: str | None) -> str:
    """The language a reader asked for (``?lang=``), else the first configured target."""
    if lang and lang.strip():
        return lang.strip().lower()[:16]
    return settings.translate.to[0] if settings.translate.to else "en"


def mt_label(source_lang: str | None, engine: str, model: str | None) -> str:
    """The notice every machine translation carries, naming the engine and model."""
    origin = f"from {language_name(source_lang)} " if source_lang else ""
    by = f"{engine} ({model})" if model else engine
    return f"Machine translation {origin}by {by}. Not reviewed by a human."


def license_notice(provenance: dict[str, str] | None) -> str | None:
    """``Model opus-mt-fr-en (OPUS-MT, Helsinki-NLP), licence CC-BY-4.0.``, or None when unknown."""
    if not provenance or not provenance.get("license"):
        return None
    by = f" ({provenance['attribution']})" if provenance.get("attribution") else ""
    model = provenance.get("model") or provenance.get("engine") or "engine"
    restriction = " — non-commercial use only" if "-NC" in provenance["license"] else ""
    return f"Model {model}{by}, licence {provenance['license']}{restriction}."


def describe_flags(names: list[str], evidence: Any = None) -> list[dict[str, Any]]:
    """Each flag with its description, its evidence (strings; none on translations stored before
    evidence was kept) and ``detail``, the one line a reader sees ("left untranslated: …")."""
    found = evidence if isinstance(evidence, dict) else {}
    described = []
    for name in names:
        items = found.get(name)
        items = [str(e) for e in items] if isinstance(items, list) else []
        described.append({"name": name, "description": FLAG_DESCRIPTIONS.get(name, name), "evidence": items,
                          "detail": describe_finding(name, items)})
    return described


def _flag_evidence(flags: Any) -> tuple[Any, list[Any]]:
    """(title evidence, per-block evidence) of a translation's stored flags; empty for old rows."""
    evidence = flags.get("evidence") if isinstance(flags, dict) else None
    if not isinstance(evidence, dict):
        return {}, []
    blocks = evidence.get("blocks")
    return evidence.get("title"), blocks if isinstance(blocks, list) else []


def _no_translation_note(language: str | None, target: str, available: list[str], reason: str | None = None) -> str:
    if language and language == target:
        return f"This article is in {language_name(target)}: no translation needed. Showing the original."
    if not language:
        return "The language of this article is unknown, so it was not translated. Showing the original."
    also = f" (available: {', '.join(language_name(t) for t in available)})" if available else ""
    why = f" Not translated: {reason}." if reason else ""
    return (f"No {language_name(target)} translation of this version yet{also}.{why} "
            f"Showing the original in {language_name(language)}.")


def article_view(store: Store, article_id: int, *, target: str, diffs: bool = True) -> dict[str, Any] | None:
    """An article in ``target``: aligned blocks (original + translation + flags), the MT label,
    the revision history and (if ``diffs``) the word diffs of the newest revision pairs."""
    data = get_article(store, article_id)
    if data is None:
        return None
    revisions = data["revisions"]
    newest = revisions[-1] if revisions else None
    original = newest["document"] if newest else {"title": data["title"], "blocks": []}
    language = data["language"] or original.get("language")
    translation = next((t for t in newest["translations"] if t["target"] == target), None) if newest else None
    translated = translation["document"] if translation else None
    block_flags = (translation["flags"] or {}).get("blocks", []) if translation else []
    title_evidence, block_evidence = _flag_evidence(translation["flags"]) if translation else ({}, [])
    blocks = []
    for i, (o, t) in enumerate(zip_longest(original.get("blocks", []), translated["blocks"] if translated else [])):
        blocks.append({
            "index": i,
            "type": (t or o or {}).get("type", "paragraph"),
            "original": o["text"] if o else None,
            "translated": t["text"] if t else None,
            "flags": describe_flags(block_flags[i] if i < len(block_flags) else [],
                                    block_evidence[i] if i < len(block_evidence) else None),
        })
    available = [t["target"] for t in newest["translations"]] if newest else []
    pairs = []
    if diffs and len(revisions) > 1:
        for old, new in list(pairwise(revisions))[::-1][:MAX_DIFFS]:
            pairs.append({"from": old["number"], "to": new["number"], "fetched_at": new["fetched_at"],
                          "html": revision_diff(old["content_hash"], old["document"], new["content_hash"],
                                                new["document"])})
    return {
        "id": data["id"],
        "url": data["url"],
        "source": data["source"],
        "source_id": data["source_id"],
        "story_id": data.get("story_id"),
        "language": language,
        "target": target,
        "title": original.get("title") or data["title"],
        "translated_title": translated.get("title") if translated else None,
        "author": original.get("author"),
        "published": data["published"],
        "modified": data["modified"],
        "first_seen_at": data["first_seen_at"],
        "updated": newest["fetched_at"] if newest else data["first_seen_at"],
        "translation": None if translation is None else {
            "target": translation["target"], "engine": translation["engine"], "model": translation["model"],
            "created_at": translation["created_at"],
            "label": mt_label(language, translation["engine"], translation["model"]),
            "license": (translation.get("provenance") or {}).get("license"),
            "license_url": (translation.get("provenance") or {}).get("license_url"),
            "attribution": (translation.get("provenance") or {}).get("attribution"),
            "model_url": (translation.get("provenance") or {}).get("url"),
            "title_flags": describe_flags((translation["flags"] or {}).get("title", []), title_evidence),
        },
        "note": None if translation else _no_translation_note(language, target, available,
                                                              data.get("translate_error")),
        "available_targets": available,
        "blocks": blocks,
        "revisions": [{"number": r["number"], "fetched_at": r["fetched_at"], "content_hash": r["content_hash"],
                       "targets": [t["target"] for t in r["translations"]]} for r in revisions][::-1],
        "diffs": pairs,
    }


def _lead_and_quotes(original: dict[str, Any], translation: dict[str, Any] | None,
                     language: str) -> tuple[str | None, list[dict[str, str | None]]]:
    """The lead shown (translation first) and the quotations with their speakers."""
    from babelwire.stories.quotes import extract_quotes, translated_quotes

    shown = translation or original
    lead = next((b["text"] for b in shown.get("blocks", []) if b.get("type") == "paragraph"), None)
    if lead and len(lead) > LEAD_CHARS:
        lead = lead[:LEAD_CHARS].rsplit(" ", 1)[0] + "…"
    quotes = translated_quotes(original, translation) if translation else extract_quotes(original, language)
    return lead, [q.to_dict() for q in quotes]


def group_view(store: Store, *, target: str, article_id: int) -> dict[str, Any] | None:
    """An article not yet in a story, as a group of one in the shape of ``stories.views.get_story``."""
    rows = latest_articles(store, target=target, ids=[article_id], limit=1)
    if not rows:
        return None
    documents = revision_documents(store, [r["revision_id"] for r in rows if r["revision_id"]], target=target)
    articles = []
    for row in rows:
        original, translation = documents.get(row["revision_id"], ({}, None))
        lead, quotes = _lead_and_quotes(original, translation["document"] if translation else None,
                                        row["language"] or "")
        articles.append({key: row[key] for key in ("id", "url", "source", "language", "title", "translated_title",
                                                   "published")} | {"lead": lead, "quotes": quotes})
    times = [a["published"] for a in articles if a["published"]] or [r["first_seen_at"] for r in rows]
    first = articles[0]
    return {
        "id": None,
        "title": first["translated_title"] or first["title"],
        "start_at": min(times),
        "end_at": max(times),
        "articles": articles,
    }


def story_view(store: Store, story_id: int, *, target: str) -> dict[str, Any] | None:
    """A story: every outlet's article with its lead and attributed quotations."""
    from babelwire.stories.views import get_story

    return get_story(store, story_id, target=target)


def story_list(store: Store, *, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """Recent stories (title, span, article count, outlets) for the home page and the API."""
    from babelwire.stories.views import list_stories

    return list_stories(store, limit=limit, offset=offset)


def search_hits(store: Store, q: str, *, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """Search results with each article's outlet, original language and times."""
    hits = search(store, q, limit=limit, offset=offset)
    if not hits:
        return []
    rows = {r["id"]: r for r in latest_articles(store, target="", ids=[h["article_id"] for h in hits],
                                                 limit=len(hits))}
    return [
        {"id": h["article_id"], "title": h["title"], "lang": h["lang"] or rows[h["article_id"]]["language"],
         "snippet": h["snippet"],
         "language": rows[h["article_id"]]["language"], "source": rows[h["article_id"]]["source"],
         "url": rows[h["article_id"]]["url"], "published": rows[h["article_id"]]["published"]}
        for h in hits if h["article_id"] in rows
    ]
