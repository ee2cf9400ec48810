"""``babelwire watch``: watchlists — named queries matched against every new article, in the
original and the translation, and where their matches go (Atom feed, webhook, e-mail)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import app, check_lang, console, err_console, open_store, print_json, settings, short_time

watch_app = typer.Typer(
    help="Watchlists: named queries over every article, in any language, and their alerts.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(watch_app, name="watch")

SourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", help="Only articles of this source (id, URL or name); repeat for several."),
]
LangOption = Annotated[
    list[str] | None, typer.Option("--lang", help="Only articles originally in this language; repeat for several.")
]
QUERY_HELP = (
    'Words, "phrases" and names (a capitalised word matches other spellings: Grushko, '
    "Grouchko), lang:CODE, source:ID, with AND, OR, NOT and parentheses."
)


def _service(store):  # -> WatchService
    from babelwire.alerts.service import WatchService

    return WatchService(store, settings())


def _query_failed(exc) -> typer.Exit:  # exc: QueryError
    from babelwire.alerts.query import describe

    err_console.print(
        f"[red]error:[/red] invalid query at position {exc.position}: {escape(exc.message)}", soft_wrap=True
    )
    err_console.print(escape(describe(exc).split("\n")[0]), markup=True, highlight=False, soft_wrap=True)
    err_console.print(" " * (exc.position - 1) + "^", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _langs(values: list[str] | None) -> list[str]:
    return [check_lang(v) or v for v in values or []]


def _feed_path(name: str, token: str | None) -> str:
    return f"/feeds/watch/{name}.atom" + (f"?token={token}" if token else "")


@watch_app.command("add")
def watch_add(
    name: Annotated[str, typer.Argument(help="The watch's name (letters, digits, '-', '_', '.').")],
    query: Annotated[str, typer.Argument(help=QUERY_HELP)],
    source: SourceOption = None,
    lang: LangOption = None,
    private: Annotated[bool, typer.Option("--private", help="The page and the feed need a secret token.")] = False,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST each match as JSON to this URL.")] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(
            "--webhook-secret", help="HMAC-SHA256 key of the signature (default: a random one, printed once)."
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Send matches to this address ([mail] settings).")
    ] = None,
    digest: Annotated[
        bool,
        typer.Option(
            "--digest/--immediate", help="E-mail: one digest a day ([alerts] digest_every), or one e-mail per match."
        ),
    ] = True,
) -> None:
    """Watch for QUERY in every new article, original and translation."""
    from babelwire.alerts.query import QueryError
    from babelwire.errors import BabelwireError
    from babelwire.store.watches import WatchExistsError

    store = open_store()
    try:
        watch = _service(store).add(
            name,
            query,
            sources=source or [],
            languages=_langs(lang),
            private=private,
            webhook_url=webhook,
            webhook_secret=webhook_secret,
            email=email,
            digest=digest,
        )
    except QueryError as exc:
        raise _query_failed(exc) from exc
    except (WatchExistsError, BabelwireError) as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(f"added watch {escape(watch.name)}: {escape(watch.query)}", highlight=False)
    console.print(
        f"  page: /watches/{escape(watch.name)}" + (f"?token={watch.feed_token}" if watch.private else ""),
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"  feed: {escape(_feed_path(watch.name, watch.feed_token))}", highlight=False, soft_wrap=True)
    if watch.webhook_url:
        console.print(f"  webhook: {escape(watch.webhook_url)}", highlight=False, soft_wrap=True)
        if not webhook_secret:
            console.print(f"  webhook secret (shown once): {watch.webhook_secret}", highlight=False, soft_wrap=True)
    if watch.email:
        console.print(f"  e-mail: {escape(watch.email)} ({watch.email_mode})", highlight=False)
        if not settings().mail.host:
            console.print("  note: no SMTP server is set yet (\\[mail] host, BABELWIRE_MAIL_HOST)", style="yellow")
    console.print(
        f"  it matches new articles; see the last week's: babelwire watch test {escape(watch.name)}",
        highlight=False,
        soft_wrap=True,
    )


@watch_app.command("list")
def watch_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every watch: query, matches, last match, deliveries."""
    from babelwire.store.watches import list_watches

    watches = list_watches(open_store())
    if as_json:
        print_json([w.public() for w in watches])
        return
    if not watches:
        console.print("no watches yet: babelwire watch add NAME QUERY", highlight=False)
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("name", overflow="fold")
    table.add_column("query", overflow="fold", ratio=2)
    table.add_column("matches", justify="right")
    table.add_column("last match")
    table.add_column("sends to", overflow="fold")
    for w in watches:
        sends = ", ".join(
            x
            for x in (
                "private feed" if w.private else "feed",
                "webhook" if w.webhook_url else "",
                f"e-mail ({w.email_mode})" if w.email else "",
            )
            if x
        )
        table.add_row(
            escape(w.name),
            escape(w.query),
            str(w.matches),
            short_time(w.last_match_at.isoformat() if w.last_match_at else None),
            sends,
        )
    console.print(table)


@watch_app.command("show")
def watch_show(
    name: Annotated[str, typer.Argument(help="The watch's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Matches shown.")] = 10,
) -> None:
    """A watch and its latest matches (secrets are not shown)."""
    from babelwire.store.watches import get_watch, watch_matches

    store = open_store()
    watch = get_watch(store, name)
    if watch is None:
        err_console.print(f"[red]error:[/red] no watch {escape(name)!r} (see `babelwire watch list`)")
        raise typer.Exit(2)
    matches = watch_matches(store, watch.id, limit=limit, target=settings().translate.to[0])
    if as_json:
        print_json(
            {
                **watch.public(),
                "latest": [
                    {
                        "id": m.id,
                        "matched_at": m.matched_at.isoformat(),
                        "article_id": m.article_id,
                        "url": m.url,
                        "title": m.title,
                        "terms": m.terms,
                        "original": m.original_words,
                        "translation": m.translation_words,
                    }
                    for m in matches
                ],
            }
        )
        return
    console.print(f"watch {escape(watch.name)}: {escape(watch.query)}", highlight=False, soft_wrap=True)
    if watch.source_ids:
        console.print(f"  sources: {', '.join(map(str, watch.source_ids))}", highlight=False)
    if watch.languages:
        console.print(f"  languages: {', '.join(watch.languages)}", highlight=False)
    console.print(
        f"  feed: /feeds/watch/{escape(watch.name)}.atom" + ("?token=… (private)" if watch.private else ""),
        highlight=False,
    )
    if watch.webhook_url:
        from babelwire.alerts.webhook import shown_url

        console.print(f"  webhook: {escape(shown_url(watch.webhook_url))} (signed; secret not shown)", highlight=False)
    if watch.email:
        console.print(f"  e-mail: {escape(watch.email)} ({watch.email_mode})", highlight=False)
    console.print(f"  {watch.matches} matches", highlight=False)
    for m in matches:
        title = (m.translation or {}).get("title") or m.title or m.url
        console.print(f"  {short_time(m.matched_at.isoformat())}  #{m.article_id} {escape(title)}", highlight=False)
        console.print(
            f"      {escape(m.source_name)} · {escape(', '.join(m.original_words + m.translation_words))}",
            highlight=False,
        )


@watch_app.command("remove")
def watch_remove(name: Annotated[str, typer.Argument(help="The watch's name.")]) -> None:
    """Delete a watch with its matches (nothing more is sent)."""
    if not _service(open_store()).remove(name):
        err_console.print(f"[red]error:[/red] no watch {escape(name)!r} (see `babelwire watch list`)")
        raise typer.Exit(2)
    console.print(f"removed watch {escape(name)}", highlight=False)


@watch_app.command("test")
def watch_test(
    name: Annotated[str | None, typer.Argument(help="A watch's name (or give --query).")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Try this query instead of a watch's.")] = None,
    days: Annotated[float, typer.Option("--days", min=0.01, max=3650, help="How far back to look.")] = 7,
    source: SourceOption = None,
    lang: LangOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """What a watch (or a query) would have matched over the last N days; nothing is sent."""
    from babelwire.alerts.query import QueryError
    from babelwire.store.watches import get_watch, source_ids_named

    store = open_store()
    service = _service(store)
    sources, langs = None, _langs(lang) or None
    if query is None:
        if name is None:
            err_console.print("[red]error:[/red] give a watch's name or --query")
            raise typer.Exit(2)
        watch = get_watch(store, name)
        if watch is None:
            err_console.print(f"[red]error:[/red] no watch {escape(name)!r} (see `babelwire watch list`)")
            raise typer.Exit(2)
        query, sources, langs = watch.query, watch.source_ids, langs or watch.languages
    if source:
        sources, unknown = source_ids_named(store, source)
        if unknown:
            err_console.print(f"[red]error:[/red] no source {escape(', '.join(unknown))}")
            raise typer.Exit(2)
    try:
        hits = service.test(query, days=days, sources=sources, languages=langs)
    except QueryError as exc:
        raise _query_failed(exc) from exc
    if as_json:
        print_json(
            [
                {
                    "article_id": h.article.article_id,
                    "url": h.article.url,
                    "title": h.article.title,
                    "language": h.article.language,
                    "source": h.article.source_name,
                    "first_seen_at": h.article.first_seen_at.isoformat(),
                    "terms": list(h.terms),
                    "original": list(h.original),
                    "translation": list(h.translation),
                }
                for h in hits
            ]
        )
        return
    console.print(
        f"{len(hits)} article{'s' if len(hits) != 1 else ''} of the last {days:g} days match {escape(query)}",
        highlight=False,
        soft_wrap=True,
    )
    for h in hits:
        console.print(
            f"  {short_time(h.article.first_seen_at.isoformat())}  #{h.article.article_id} "
            f"{escape(h.article.title or h.article.url)}",
            highlight=False,
        )
        words = ", ".join(dict.fromkeys([*h.original, *h.translation]))
        console.print(
            f"      {escape(h.article.source_name)} ({h.article.language or '?'}) · {escape(words)}", highlight=False
        )
