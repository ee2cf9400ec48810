"""``babelwire source``: add, edit, list, remove, import and export the watched sources."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import (
    beyond_ids,
    check_engine,
    check_every,
    check_lang,
    check_langs,
    console,
    err_console,
    fail,
    open_fetcher,
    open_store,
    print_json,
    settings,
    short_time,
    source_app,
)
from babelwire.config import Settings, format_duration
from babelwire.errors import BabelwireError


def _languages(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@source_app.command("add")
def source_add(
    url: str,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Language of the source (default: detect).", callback=check_lang)] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    every: Annotated[str | None, typer.Option(
        "--every", help="Poll interval, e.g. 15m, 2h.", callback=check_every)] = None,
    pick: Annotated[int | None, typer.Option("--pick", help="Which discovered feed to add (1, 2, ...).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Target languages, e.g. en,de.", callback=check_langs)] = None,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="Translation engine for this source.", callback=check_engine)] = None,
    no_translate: Annotated[bool, typer.Option("--no-translate", help="Store originals only.")] = False,
) -> None:
    """Add a feed, sitemap or page; given a site's home page, discover its feeds and offer them."""
    from babelwire.pipeline.subscriptions import SourceExistsError, add_source, probe_url

    cfg = settings()
    store = open_store(cfg)
    with open_fetcher(cfg) as fetcher, err_console.status(f"reading {escape(url)}") as status:
        def probing(link: str) -> None:
            status.update(f"no feed declared on the page: trying {escape(link)}")

        try:
            probe = probe_url(fetcher, url, cfg, on_probe=probing)
        except BabelwireError as exc:
            raise fail(f"cannot add {url}: {exc.reason} (nothing was added)", 1) from exc
    target_url, kind, title = probe.url, probe.kind, probe.title
    if probe.kind == "site":
        if not probe.feeds:
            raise fail(f"{url} is a site home page and no feed or sitemap was found on it")
        if len(probe.feeds) == 1 and pick in (None, 1):
            pick = 1  # one feed: nothing to choose
            console.print(f"found {probe.feeds[0].kind} {probe.feeds[0].url} on {probe.url}", markup=False,
                          soft_wrap=True)
        else:
            console.print(f"feeds found on {probe.url}:", markup=False)
        for i, feed in enumerate(probe.feeds if len(probe.feeds) > 1 else [], 1):
            console.print(f"  [{i}] {feed.kind}: {feed.title or '(untitled)'} ({feed.entries} entries)", markup=False)
            console.print(f"      {feed.url}", markup=False, soft_wrap=True)
        if pick is None:
            if not sys.stdin.isatty():
                raise fail("several feeds found: choose one with --pick N")
            pick = typer.prompt("add which one", default=1, type=int)
        if not 1 <= pick <= len(probe.feeds):
            raise fail(f"--pick must be between 1 and {len(probe.feeds)}")
        chosen = probe.feeds[pick - 1]
        target_url, kind, title = chosen.url, chosen.kind, chosen.title
    try:
        source = add_source(store, cfg, target_url, kind, name=name or title, language=lang or probe.language,
                            every=every, translate_to=_languages(to), engine=engine, translate=not no_translate)
    except SourceExistsError as exc:
        raise fail(str(exc)) from exc
    console.print(f"added source {source.id}: [bold]{escape(source.name)}[/bold] ({kind}, every "
                  f"{format_duration(source.interval)}) {escape(source.url)}")
    _warn_untranslatable(cfg, source)


def _warn_untranslatable(cfg: Settings, source) -> None:  # source: store.models.Source
    """Say at once when no engine here translates the source's language into a target."""
    from babelwire.pipeline.translation import targets_for
    from babelwire.translate.engines import engine_problem

    if not source.language:
        if targets_for(source, cfg):
            console.print("language not known yet: it is detected from the first articles "
                          "(`--lang` sets it)", style="dim")
        return
    for target in targets_for(source, cfg):
        problem = engine_problem(cfg, source.engine or cfg.translate.engine, source.language, target)
        if problem is not None:
            err_console.print(f"[yellow]warning:[/yellow] its articles will be stored untranslated: "
                              f"{escape(problem)}", soft_wrap=True)


@source_app.command("edit")
def source_edit(
    ref: Annotated[str, typer.Argument(help="Source id or URL.")],
    lang: Annotated[str | None, typer.Option("--lang", callback=check_lang)] = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    every: Annotated[str | None, typer.Option(
        "--every", help="Poll interval, e.g. 15m, 2h.", callback=check_every)] = None,
    to: Annotated[str | None, typer.Option("--to", help="Target languages, e.g. en,de.", callback=check_langs)] = None,
    engine: Annotated[str | None, typer.Option("--engine", callback=check_engine)] = None,
    translate: Annotated[bool | None, typer.Option("--translate/--no-translate")] = None,
) -> None:
    """Change a source's name, language, interval or translation settings."""
    from babelwire.pipeline.subscriptions import edit_source

    if beyond_ids(ref):
        raise fail(f"no source {ref}")
    store = open_store()
    source = edit_source(store, ref, language=lang, name=name, every=every, translate_to=_languages(to),
                         engine=engine, translate=translate)
    if source is None:
        raise fail(f"no source {ref}")
    console.print(f"updated source {source.id}: {source.name}", markup=False)


@source_app.command("list")
def source_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every source with its health: last success, last error, failures, articles."""
    from babelwire.store.queries import source_health

    rows = source_health(open_store())
    if as_json:
        print_json([r.model_dump() for r in rows])
        return
    if console.width >= 120:
        table = Table(title="sources")
        for column in ("id", "name", "kind", "lang", "every", "articles", "last success", "failures", "last error"):
            table.add_column(column, overflow="fold", no_wrap=column in {"id", "lang", "every"})
        for r in rows:
            failures = f"[red]{r.consecutive_failures}[/red]" if r.consecutive_failures else "0"
            table.add_row(str(r.id), escape(r.name), r.kind, escape(r.language or "auto"), format_duration(r.interval),
                          str(r.articles), short_time(r.last_success_at) or "never", failures,
                          escape(_source_error(r)))
        console.print(table)
        return
    # Narrow terminals: one paragraph per source, so names and errors are never cut letter by letter.
    for r in rows:
        console.print(f"[bold]{r.id}[/bold]  {escape(r.name)}  ({r.kind}, {escape(r.language or 'auto')}, every "
                      f"{format_duration(r.interval)})", soft_wrap=True)
        console.print(f"    {escape(r.url)}", soft_wrap=True, highlight=False)
        failures = f"[red]{r.consecutive_failures} failures[/red]" if r.consecutive_failures else "0 failures"
        console.print(f"    {r.articles} articles · last success {short_time(r.last_success_at) or 'never'} · "
                      f"{failures}")
        if error := _source_error(r):
            console.print(f"    [red]last error:[/red] {escape(error)}", soft_wrap=True)
    if not rows:
        console.print("no sources: `babelwire source add URL`")


def _source_error(r) -> str:  # r: SourceHealth
    error = f"{r.last_error} ({short_time(r.last_error_at)})" if r.last_error else ""
    if r.article_errors:
        error += f"{'; ' if error else ''}{r.article_errors} article error(s) in 24 h (babelwire errors)"
    return error


@source_app.command("remove")
def source_remove(ref: Annotated[str, typer.Argument(help="Source id or URL.")]) -> None:
    """Stop watching a source and delete its articles."""
    from babelwire.pipeline.subscriptions import remove_source

    if beyond_ids(ref):
        raise fail(f"no source {ref}")
    removed = remove_source(open_store(), ref)
    if removed is None:
        raise fail(f"no source {ref}")
    source, count = removed
    console.print(f"removed source {source.id} ({source.name}) and {count} article(s)", markup=False)


@source_app.command("import")
def source_import(file: Path) -> None:
    """Add every feed of an OPML file (as exported by feed readers)."""
    from babelwire.pipeline.subscriptions import import_opml

    cfg = settings()
    try:
        added, skipped = import_opml(open_store(cfg), cfg, file.read_bytes())
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}") from exc
    except BabelwireError as exc:
        raise fail(f"{file}: {exc.reason}") from exc
    console.print(f"imported {len(added)} source(s)")
    for line in skipped:
        console.print(f"  skipped {line}", markup=False)


@source_app.command("export")
def source_export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None,
) -> None:
    """Write every source as OPML."""
    from babelwire.pipeline.subscriptions import export_opml

    text = export_opml(open_store())
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
