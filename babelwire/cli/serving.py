"""``babelwire serve``, ``run``, ``demo`` and ``render``: the reader, alone or with polling on schedule."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from babelwire.cli.app import (
    DownloadProgress,
    app,
    check_engine,
    console,
    err_console,
    fail,
    open_store,
    settings,
    short_time,
)
from babelwire.config import format_duration
from babelwire.errors import BabelwireError, ConfigError


def _print_url(url: str) -> None:
    console.print(f"reader at [bold]{escape(url)}[/bold] (Ctrl-C to stop)", soft_wrap=True)


def _serve(serve_with: Any, host: str | None, port: int | None) -> None:
    """Run ``babelwire.server.serve`` or ``run`` on the configured store until stopped."""
    cfg = settings()
    try:
        serve_with(open_store(cfg), cfg, host=host, port=port, on_ready=_print_url)
    except ConfigError as exc:  # the port is taken, or the address is not ours
        raise fail(exc.reason) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on [default: [web] host].")] = None,
    port: Annotated[int | None, typer.Option(
        "--port", help="Port [default: [web] port, 8080].", min=0, max=65535)] = None,
) -> None:
    """Serve the reader (web site, Atom feeds, JSON API) until Ctrl-C."""
    from babelwire.server import serve as serve_reader

    _serve(serve_reader, host, port)


@app.command()
def run(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on [default: [web] host].")] = None,
    port: Annotated[int | None, typer.Option(
        "--port", help="Port [default: [web] port, 8080].", min=0, max=65535)] = None,
) -> None:
    """Poll due sources on schedule and serve the reader, in one process, until Ctrl-C / SIGTERM."""
    from babelwire.pipeline.subscriptions import poll_schedule
    from babelwire.server import run as poll_and_serve

    cfg = settings()
    schedule = poll_schedule(open_store(cfg))
    tick = format_duration(cfg.poll.tick.total_seconds())
    if not schedule.sources:
        console.print(f"no sources yet: add one with `babelwire source add URL` (polled within {tick} of being "
                      "added)", soft_wrap=True)
    else:
        first = short_time(schedule.next_poll_at) + " UTC" if schedule.next_poll_at else "now"
        console.print(f"{schedule.sources} sources; next poll due {first}, then each at its own interval "
                      f"(checked every {tick})", soft_wrap=True)
    _serve(poll_and_serve, host, port)


@app.command()
def demo(
    home: Annotated[Path | None, typer.Option("--home", help="Demo home folder [default: babelwire-demo "
                                                              "in $XDG_DATA_HOME or ~/.local/share].")] = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8080,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the demo store, print a summary, exit.")]
    = False,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="Force an engine (ct2, apertium, ...).", callback=check_engine)] = None,
    pull_model: Annotated[bool | None, typer.Option(
        "--pull-model/--no-pull-model",
        help="Download the French→English model if none is installed (default: ask when interactive).")] = None,
    no_pull: Annotated[bool, typer.Option("--no-pull", hidden=True, help="Same as --no-pull-model.")] = False,
) -> None:
    """Serve sample French news on loopback, poll, translate, group, and serve the reader."""
    from babelwire.demo.run import run_demo

    if no_pull:
        pull_model = False

    def ready(summary) -> None:  # DemoSummary
        table = Table(title="babelwire demo", show_header=False)
        table.add_row("home", escape(str(summary.home)))
        table.add_row("engine", escape(summary.engine.detail or summary.engine.name))
        table.add_row("articles / revisions", f"{summary.articles} / {summary.revisions}")
        table.add_row("translations", str(summary.translations))
        table.add_row("stories", str(summary.stories))
        console.print(table)
        for where, reason in summary.errors[:10]:
            console.print(f"  [red]✗[/red] {escape(str(where))}: {escape(reason)}")
        console.print("next, with your own sources: `babelwire init`, `babelwire source add URL`, then "
                      "`babelwire run` (polls on schedule and serves the reader)", soft_wrap=True)
        if summary.reader_url:
            if summary.updated_article_id:
                console.print(f"an article updated after its first poll, with its revision history: "
                              f"{summary.reader_url}/articles/{summary.updated_article_id}", soft_wrap=True)
            _print_url(summary.reader_url)

    try:
        with DownloadProgress() as progress:
            run_demo(home=home, host=host, port=port, serve=not no_serve, engine=engine, pull=pull_model,
                     on_step=lambda line: err_console.print(f"[dim]·[/dim] {escape(line)}"), on_ready=ready,
                     confirm=_confirm if sys.stdin.isatty() else None, progress=progress)
    except ConfigError as exc:
        raise fail(f"{exc.reason} (try --port)") from exc
    except BabelwireError as exc:
        raise fail(exc.reason, 1) from exc


def _confirm(question: str) -> bool:
    return typer.confirm(question, default=True, err=True)


@app.command()
def render() -> None:
    """Pre-render every article and story page whose stored copy is missing or stale
    (`serve`/`run` keep the newest [web] prerender ones rendered by themselves)."""
    from babelwire.web.prerender import prerender, recent_paths

    cfg = settings()
    store = open_store(cfg)
    from babelwire.store.queries import ReadStore

    paths = recent_paths(ReadStore(store), articles=None, stories=None)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console) as progress:
        task = progress.add_task("pages", total=len(paths))
        count = prerender(store, cfg, paths=paths, on_page=lambda: progress.advance(task))
    console.print(f"{count} pages rendered, {len(paths) - count} already current")
