"""The Typer application, its command groups and the helpers the command modules share."""

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
from babelwire.errors import BabelwireError, ConfigError

# rich_markup_mode=None: help texts are plain text ("[env: BABELWIRE_HOME]", "[web] host" stay as written).
app = typer.Typer(help="babelwire: a self-hosted automatic foreign-language news wire.", no_args_is_help=True,
                  rich_markup_mode=None)
source_app = typer.Typer(help="Watch sources: feeds, sitemaps and pages.", no_args_is_help=True, rich_markup_mode=None)
article_app = typer.Typer(help="Read stored articles.", no_args_is_help=True, rich_markup_mode=None)
eval_app = typer.Typer(help="Measure quality on evaluation data.", no_args_is_help=True, rich_markup_mode=None)
bench_app = typer.Typer(help="Measure speed and memory.", no_args_is_help=True, rich_markup_mode=None)
config_app = typer.Typer(help="Show settings.", no_args_is_help=True, rich_markup_mode=None)
models_app = typer.Typer(help="Translation models for the ct2 engine.", no_args_is_help=True, rich_markup_mode=None)
story_app = typer.Typer(help="Stories: one event, every outlet.", no_args_is_help=True, rich_markup_mode=None)
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
        err_console.print(f"[red]configuration error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc


def open_store(cfg: Settings | None = None):  # -> Store
    from babelwire.store import Store

    cfg = cfg or settings()
    try:
        return Store(cfg.database_url)
    except ConfigError as exc:
        err_console.print(f"[red]configuration error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    except OSError as exc:  # the SQLite database's folder cannot be made (``--home /proc/nope``)
        where = exc.filename or cfg.home
        raise fail(f"cannot create {where}: {exc.strerror or exc} (choose another home with --home or "
                   "BABELWIRE_HOME)", code=1) from exc


#: The largest id a row can have (a signed 64-bit integer on PostgreSQL and SQLite): id options stop
#: there, so a larger one is a usage error or "no such …", never an OverflowError in the driver.
MAX_ID = 2**63 - 1


def beyond_ids(ref: str) -> bool:
    """A source reference (id or URL) that is a number no row can have."""
    return ref.strip().isdigit() and int(ref) > MAX_ID


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


def short_time(iso: str | None) -> str:
    """``2024-05-01T09:30:12.123+00:00`` → ``2024-05-01 09:30:12``; empty for None."""
    return iso[:19].replace("T", " ") if iso else ""


def open_fetcher(cfg: Settings):  # -> Fetcher
    from babelwire.fetch import Fetcher

    return Fetcher(cfg.fetch)


def translation_engine(cfg: Settings, name: str | None, source: str, target: str, model: Path | None):
    """The engine ``--engine``/``--model`` ask for (default: ``[translate] engine``), else exit 2 saying why."""
    from babelwire.translate.engines import create_engine

    try:
        return create_engine(name or cfg.translate.engine, cfg, source, target, model=model)
    except BabelwireError as exc:
        raise fail(exc.reason) from exc


class DownloadProgress:
    """A download bar on stderr (size, speed, time left) that appears only once bytes flow."""

    def __enter__(self):  # -> Callable[[int, int], None]
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.progress = Progress(TextColumn("download"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                                 TimeRemainingColumn(), console=err_console, transient=True)
        self.task = None
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("download", total=total or None)
        self.progress.update(self.task, completed=done, total=total or None)
        if total and done >= total:
            self.progress.stop()

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()


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


def check_lang(value: str | None) -> str | None:
    """Typer callback: a known language code (or ``auto``), else a usage error (exit 2) listing them."""
    from babelwire.languages import check_language

    if value is None or value == "auto":
        return value
    try:
        return check_language(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def check_code(value: str | None) -> str | None:
    """Typer callback: a known language code, ``auto`` refused (a target, a model's pair, a glossary's)."""
    if value is not None and value.strip().lower() == "auto":
        raise typer.BadParameter("a language code is needed here, not 'auto' (e.g. fr, en, pt-BR)")
    return check_lang(value)


def check_langs(value: str | None) -> str | None:
    """Typer callback for comma-separated language codes (``--to en,de``)."""
    from babelwire.languages import check_languages

    if value is None:
        return value
    try:
        return ",".join(check_languages(value))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def check_engine(value: str | None) -> str | None:
    """Typer callback: one of the translation engines, else a usage error (exit 2)."""
    from babelwire.translate.engines import ENGINES

    if value is not None and value not in ENGINES:
        raise typer.BadParameter(f"unknown translation engine {value!r}; choose from {', '.join(ENGINES)}")
    return value


def check_every(value: str | None) -> str | None:
    """Typer callback: a poll interval of at least a minute (``15m``, ``2h``), else a usage error."""
    from babelwire.config import parse_duration

    if value is None:
        return value
    try:
        seconds = parse_duration(value)
    except ConfigError as exc:
        raise typer.BadParameter(exc.reason) from exc
    if seconds < 60:
        raise typer.BadParameter(f"{value!r} is shorter than a minute; polling a source that often is not polite")
    return value
