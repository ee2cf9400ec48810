"""What a match says, in every form it is delivered: the webhook's JSON, an e-mail's plain text
and HTML (one match, or a digest of several)."""

from __future__ import annotations

from html import escape
from typing import Any

from babelwire.store.watches import MatchDetail

MT_NOTICE = "Machine translation: check the original before relying on it."


def _text(document: dict[str, Any] | None) -> str:
    if not document:
        return ""
    return "\n\n".join(b.get("text") or "" for b in document.get("blocks") or [] if b.get("text"))


def webhook_payload(
    match: MatchDetail, *, delivery_id: int, article_url: str | None = None, story_url: str | None = None
) -> dict[str, Any]:
    """The JSON body of a webhook call (documented in the README, Watchlists and alerts)."""
    translation = None
    if match.translation is not None:
        translation = {
            "language": match.translation_target,
            "engine": match.translation_engine,
            "title": match.translation.get("title"),
            "text": _text(match.translation),
            "notice": MT_NOTICE,
        }
    return {
        "event": "watch.match",
        "delivery": delivery_id,
        "watch": match.watch_name,
        "matched_at": match.matched_at.isoformat(),
        "terms": match.terms,
        "matched": {"original": match.original_words, "translation": match.translation_words},
        "article": {
            "id": match.article_id,
            "url": match.url,
            "reader_url": article_url,
            "title": match.document.get("title") or match.title,
            "language": match.language,
            "source": {"id": match.source_id, "name": match.source_name},
            "published": match.published.isoformat() if match.published else None,
            "revision": match.revision,
            "text": _text(match.document),
        },
        "translation": translation,
        "story": {"id": match.story_id, "title": match.story_title, "url": story_url} if match.story_id else None,
    }


def _title(match: MatchDetail) -> str:
    translated = (match.translation or {}).get("title")
    return translated or match.document.get("title") or match.title or match.url


def subject(watch_name: str, matches: list[MatchDetail], *, digest: bool) -> str:
    if digest:
        return f"[babelwire] {watch_name}: {len(matches)} new article{'s' if len(matches) != 1 else ''}"
    return f"[babelwire] {watch_name}: {_title(matches[0])}"


def plain_text(watch_name: str, matches: list[MatchDetail], *, reader: str | None = None) -> str:
    lines = [f"Watch {watch_name!r}: {len(matches)} matching article{'s' if len(matches) != 1 else ''}.", ""]
    for m in matches:
        lines += [
            f"* {_title(m)}",
            f"  {m.source_name} ({m.language or '?'}), {m.matched_at:%Y-%m-%d %H:%M} UTC",
            f"  matched: {', '.join(m.terms) or '-'}",
            f"  original: {m.url}",
        ]
        if reader:
            lines.append(f"  translation: {reader.rstrip('/')}/articles/{m.article_id}")
        if m.translation is not None:
            lead = _text(m.translation).split("\n\n")[0][:400]
            if lead:
                lines.append(f"  {lead}")
        lines.append("")
    lines.append(MT_NOTICE)
    return "\n".join(lines) + "\n"


def html_text(watch_name: str, matches: list[MatchDetail], *, reader: str | None = None) -> str:
    items = []
    for m in matches:
        link = f' · <a href="{escape(reader.rstrip("/"))}/articles/{m.article_id}">translation</a>' if reader else ""
        lead = _text(m.translation).split("\n\n")[0][:400] if m.translation is not None else ""
        items.append(
            f"<li><p><strong>{escape(_title(m))}</strong><br>{escape(m.source_name)} ({escape(m.language or '?')}),"
            f" {m.matched_at:%Y-%m-%d %H:%M} UTC<br>matched: {escape(', '.join(m.terms) or '-')}<br>"
            f'<a href="{escape(m.url)}">original</a>{link}</p>' + (f"<p>{escape(lead)}</p>" if lead else "") + "</li>"
        )
    return (
        f"<!DOCTYPE html><html><body><h1>Watch {escape(watch_name)}</h1><ul>{''.join(items)}</ul>"
        f"<p><small>{escape(MT_NOTICE)}</small></p></body></html>"
    )
