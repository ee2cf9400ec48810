"""``babelwire extract`` (one HTML page → a clean article) and ``babelwire article list/show``
(stored articles)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import (
    MAX_ID,
    app,
    article_app,
    check_lang,
    console,
    fail,
    open_fetcher,
    open_store,
    print_json,
    settings,
    short_time,
)
from babelwire.errors import BabelwireError


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="An HTML file or a URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Language hint.", callback=check_lang)] = None,
) -> None:
    """Turn one HTML page into a clean article (title, blocks, metadata)."""
    from babelwire.extract import extract_document

    if target.startswith(("http://", "https://")):
        cfg = settings()
        with open_fetcher(cfg) as fetcher:
            try:
                result = fetcher.fetch(target)
            except BabelwireError as exc:
                raise fail(f"cannot fetch {target}: {exc.reason}", 1) from exc
        html: str | bytes = result.text
        url: str | None = result.final_url
    else:
        path = Path(target)
        try:
            html = path.read_bytes()
        except OSError as exc:
            raise fail(f"cannot read {target}: {exc.strerror}") from exc
        if path.suffix == ".gz":
            from babelwire.fetch.decompress import gunzip

            try:
                html = gunzip(html, settings().fetch.max_decompressed_bytes)
            except BabelwireError as exc:
                raise fail(f"{target}: {exc.reason}", 1) from exc
        url = None
    try:
        document = extract_document(html, url, language=lang)
    except BabelwireError as exc:
        raise fail(f"{target}: {exc.reason}", 1) from exc
    if as_json:
        print_json(document.to_dict())
        return
    _print_document(document.to_dict())


def _print_document(doc: dict[str, Any]) -> None:
    console.print(doc.get("title") or "(no title)", style="bold", markup=False, highlight=False)
    meta = [f"{k}: {doc[k]}" for k in ("language", "author", "published", "modified", "url") if doc.get(k)]
    console.print(" · ".join(meta) + "\n", style="dim", markup=False, highlight=False)
    for block in doc["blocks"]:
        prefix = {"heading": "## ", "quote": "> ", "list_item": "• "}.get(block["type"], "")
        console.print(prefix + block["text"], markup=False, highlight=False)
        console.print()


@article_app.command("list")
def article_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    source: Annotated[int | None, typer.Option("--source", help="Only this source id.", min=1, max=MAX_ID)] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language.", callback=check_lang)] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=MAX_ID)] = None,
    target: Annotated[str | None, typer.Option(
        "--to", help="Show titles translated into this language (default: the first target).",
        callback=check_lang)] = None,
) -> None:
    """Stored articles, newest first: the translated title, the original under it."""
    from babelwire.store import queries

    cfg = settings()
    target = target or (cfg.translate.to[0] if cfg.translate.to else None)
    articles = queries.latest_articles(open_store(cfg), target=target, source_id=source, language=lang, limit=limit,
                                       offset=0, by="seen")
    if as_json:
        print_json([
            {"id": a.id, "url": a.url, "title": a.title, "translated_title": a.translated_title,
             "language": a.article_language, "source": a.source, "source_id": a.source_id, "revisions": a.revisions,
             "first_seen_at": a.first_seen_at, "published": a.published, "last_error": a.last_error}
            for a in articles
        ])
        return
    if console.width < 100:  # narrow terminals: one paragraph per article, titles at full width
        for a in articles:
            revisions = f"{a.revisions} revision{'s' if a.revisions != 1 else ''}"
            console.print(f"[bold]{a.id}[/bold]  {escape(a.source or '')} · {escape(a.article_language or '?')} · "
                          f"{revisions} · first seen {short_time(a.first_seen_at)[:16]}", soft_wrap=True)
            console.print(f"    {escape(a.translated_title or a.title or '')}", soft_wrap=True, highlight=False)
            if a.translated_title and a.title:
                console.print(f"    {escape(a.title)}", style="dim", soft_wrap=True, highlight=False)
            if a.last_error:
                console.print(f"    ({escape(a.last_error)})", style="red", soft_wrap=True, highlight=False)
        if not articles:
            console.print("no articles" if source or lang else "no articles yet: `babelwire poll` fetches them")
        return
    table = Table(title="articles")
    for column in ("id", "source", "lang", "rev", "first seen", "title"):
        table.add_column(column, overflow="fold", no_wrap=column in {"id", "lang", "rev"})
    for a in articles:
        # The translation first (what the reader reads), the original under it.
        title = escape(a.translated_title or a.title or "")
        if a.translated_title and a.title:
            title += f"\n[dim]{escape(a.title)}[/dim]"
        if a.last_error:
            title += f"\n[red]({escape(a.last_error)})[/red]"
        table.add_row(str(a.id), escape(a.source or ""), escape(a.article_language or ""), str(a.revisions),
                      short_time(a.first_seen_at)[:16], title)
    console.print(table)


@article_app.command("show")
def article_show(
    article_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """One article with its revisions (oldest first), translations with their quality flags."""
    from babelwire.store import queries
    from babelwire.translate.quality import describe_finding

    record = queries.article_record(open_store(), article_id) if 0 < article_id < 2**63 else None
    if record is None:
        raise fail(f"no article {article_id}")
    if as_json:
        print_json(record.model_dump(mode="json"))
        return
    console.print(f"[bold]article {record.id}[/bold] from {escape(record.source or '?')} · {escape(record.url)}",
                  soft_wrap=True)
    if record.last_error:
        console.print(f"last error ({short_time(record.last_error_at)}): {record.last_error}", style="red",
                      markup=False, soft_wrap=True)
    for revision in record.revisions:
        console.rule(f"revision {revision.number} · fetched {short_time(revision.fetched_at)} · "
                     f"{revision.content_hash[:12]}")
        _print_document(revision.document.model_dump(mode="json"))
        for t in revision.translations:
            console.rule(escape(f"machine translation → {t.target} · {t.engine} {t.model or ''} · "
                                f"{t.from_memory}/{t.sentences} sentences from memory"), style="cyan")
            _print_document(t.document.model_dump(mode="json"))
            # Its flags with their evidence ("block 2 — check: left untranslated: dépens").
            flags = t.flags if isinstance(t.flags, dict) else {}
            evidence = flags.get("evidence") if isinstance(flags.get("evidence"), dict) else {}
            block_evidence = evidence.get("blocks") if isinstance(evidence.get("blocks"), list) else []
            places = [("title", flags.get("title") or [], evidence.get("title"))]
            places += [(f"block {i + 1}", names, block_evidence[i] if i < len(block_evidence) else None)
                       for i, names in enumerate(flags.get("blocks") or [])]
            for place, names, found in places:
                found = found if isinstance(found, dict) else {}
                for name in names:
                    console.print(f"{place} — check: {describe_finding(name, found.get(name) or [])}",
                                  markup=False, highlight=False, style="yellow", soft_wrap=True)
