"""``babelwire poll`` (fetch due sources once, with a progress display) and ``babelwire errors``
(the failures polling recorded)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from babelwire.cli.app import MAX_ID, app, console, err_console, open_store, print_json, settings, short_time


class RichReporter:
    """The poll's progress (one bar per phase) on a Rich display."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}

    def start(self, phase: str, total: int) -> None:
        self.tasks[phase] = self.progress.add_task(phase, total=total)

    def advance(self, phase: str, detail: str = "") -> None:
        self.progress.advance(self.tasks[phase])


@app.command()
def poll(
    all_sources: Annotated[bool, typer.Option("--all", help="Poll every source, due or not.")] = False,
    source: Annotated[list[int] | None, typer.Option(
        "--source", help="Poll only this source id.", min=1, max=MAX_ID)] = None,
) -> None:
    """Fetch every due source once, store new and changed articles, print a summary."""
    from babelwire.pipeline.local import poll as run_poll

    cfg = settings()
    store = open_store(cfg)
    with Progress(TextColumn("{task.description:>9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=False) as progress:
        summary = run_poll(store, cfg, reporter=RichReporter(progress), source_ids=source or None,
                           all_sources=all_sources)
    table = Table(title="poll summary", show_header=False)
    table.add_row("sources polled", str(summary.sources))
    table.add_row("sources unchanged (304)", str(summary.sources_not_modified))
    table.add_row("sources failed", str(summary.sources_failed))
    table.add_row("new articles", str(summary.new))
    table.add_row("updated articles (new revision)", str(summary.updated))
    table.add_row("unchanged articles", str(summary.unchanged + summary.not_modified))
    table.add_row("failed articles", str(summary.failed))
    t = summary.translation
    table.add_row("translations", f"{t.translated} ({t.from_memory} of {t.sentences} sentences from memory)")
    if t.failed:
        table.add_row("translations failed", str(t.failed))
    table.add_row("articles placed in stories", str(summary.grouped))
    console.print(table)
    for where, reason in summary.errors[:20]:
        console.print(f"  [red]✗[/red] {escape(str(where))}: {escape(reason)}")
    if len(summary.errors) > 20:
        console.print(f"  … and {len(summary.errors) - 20} more (babelwire errors)")
    for line in retry_notes(summary.sources_failed, summary.failed, cfg.poll.max_attempts):
        console.print(line, markup=False, soft_wrap=True)


def retry_notes(sources_failed: int, articles_failed: int, max_attempts: int) -> list[str]:
    """What happens next to what failed: whether anything is tried again, and when."""
    notes = []
    if sources_failed:
        notes.append("failed sources are retried at their next poll, at their usual interval "
                     "(`babelwire source list` shows their last error)")
    if articles_failed:
        notes.append(f"failed article pages are retried by the next polls, {max_attempts} attempts in all; "
                     "a page that answered 4xx (not 429) is not retried")
    return notes


@app.command()
def errors(
    limit: Annotated[int, typer.Option("--limit", help="How many.", min=1, max=MAX_ID)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent failures: which source or article, which stage, why."""
    from babelwire.store.errors import recent_errors

    data = recent_errors(open_store(), limit)
    if as_json:
        print_json(data)
        return
    if not data:
        console.print("no errors recorded")
    if console.width >= 120:
        table = Table(title="recent errors")
        for column in ("at", "stage", "source", "article", "url", "reason"):
            table.add_column(column, overflow="fold", no_wrap=column in {"stage", "source", "article"})
        for r in data:
            table.add_row(short_time(r["at"]), r["stage"], str(r["source_id"] or ""), str(r["article_id"] or ""),
                          escape(r["url"] or ""), escape(r["reason"]))
        console.print(table)
        return
    for r in data:  # narrow terminals: one paragraph per error
        where = " ".join(part for part in (f"source {r['source_id']}" if r["source_id"] else "",
                                           f"article {r['article_id']}" if r["article_id"] else "") if part)
        console.print(f"[red]✗[/red] {short_time(r['at'])} {r['stage']} {where}")
        if r["url"]:
            console.print(f"    {escape(r['url'])}", soft_wrap=True, highlight=False)
        console.print(f"    {escape(r['reason'])}")
