"""The Typer application, its command groups and the helpers every command module shares."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from babelwire.config import (
    Settings,
    load_settings,
)
from babelwire.errors import ConfigError

app = typer.Typer(help="babelwire: a self-hosted automatic foreign-language news wire.", no_args_is_help=True)
source_app = typer.Typer(help="Watch sources: feeds, sitemaps and pages.", no_args_is_help=True)
article_app = typer.Typer(help="Read stored articles.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure quality on evaluation data.", no_args_is_help=True)
bench_app = typer.Typer(help="Measure speed and memory.", no_args_is_help=True)
config_app = typer.Typer(help="Show settings.", no_args_is_help=True)
models_app = typer.Typer(help="Translation models for the ct2 engine.", no_args_is_help=True)
story_app = typer.Typer(help="Stories: one event, every outlet.", no_args_is_help=True)
app.add_typer(source_app, name="source")
app.add_typer(article_app, name="article")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")
app.add_typer(config_app, name="config")
app.add_typer(models_app, name="models")
app.add_typer(story_app, name="story")

console = Console()
err_console = Console(stderr=True)


class _State:
    home: Path | None = None


state = _State()


def settings() -> Settings:
    try:
        return load_settings(state.home)
    except ConfigError as exc:
        err_console.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def open_store(cfg: Settings | None = None):  # -> Store
    from babelwire.store import Store

    cfg = cfg or settings()
    try:
        return Store(cfg.database_url)
    except ConfigError as exc:
        err_console.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def rows_table(title: str, rows: list[dict[str, Any]]) -> Table:
    """A table of benchmark rows (dicts with the same keys), numbers right-aligned."""
    table = Table(title=title)
    for column in rows[0] if rows else ():
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    return table


def fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


@app.callback()
def main_options(
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Folder holding babelwire.toml and the database [env: BABELWIRE_HOME]."),
    ] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output.")] = 0,
) -> None:
    state.home = home
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose == 0:
        # Library warnings (one per failed URL) are recorded in the store and shown by the
        # commands; on the terminal they would only hide the progress display.
        logging.getLogger("babelwire").setLevel(logging.ERROR)
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
