"""``babelwire models``: pull, import and list translation models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from babelwire.cli.app import (
    console,
    err_console,
    fail,
    models_app,
    print_json,
    settings,
)
from babelwire.errors import BabelwireError


@models_app.command("pull")
def models_pull(
    source: Annotated[str, typer.Argument(help="Source language, e.g. fr.")],
    target: Annotated[str, typer.Argument(help="Target language, e.g. en.")],
    force: Annotated[bool, typer.Option("--force", help="Download again even if installed.")] = False,
) -> None:
    """Download the model for a pair (OPUS-MT where one exists, else NLLB), convert it to int8."""
    from rich.progress import DownloadColumn, TransferSpeedColumn

    from babelwire.translate.models import choose_model, pull_model

    cfg = settings()
    choice = choose_model(source, target)
    console.print(f"{source}→{target}: {choice.repo_id} ({choice.kind})")
    with Progress(TextColumn("download"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=err_console) as progress:
        task = progress.add_task("download", total=None)
        try:
            path = pull_model(source, target, cfg.models_dir, force=force,
                              progress=lambda done, total: progress.update(task, completed=done, total=total))
        except BabelwireError as exc:
            raise fail(exc.reason, 1) from exc
    console.print(f"installed {path}")


@models_app.command("import")
def models_import(
    path: Annotated[Path, typer.Argument(help="A CTranslate2, Hugging Face or Marian model folder.")],
    source: Annotated[str | None, typer.Option("--from", help="Source language if it cannot be inferred.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Target language if it cannot be inferred.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Folder name under HOME/models.")] = None,
) -> None:
    """Install a model from a local folder (converting it if needed)."""
    from babelwire.translate.models import import_model

    cfg = settings()
    try:
        installed = import_model(path, cfg.models_dir, src=source, tgt=target, name=name)
    except BabelwireError as exc:
        raise fail(exc.reason) from exc
    console.print(f"installed {installed}")


@models_app.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Installed models and the language pairs they serve."""
    from babelwire.translate.models import list_models

    cfg = settings()
    models = list_models(cfg.models_dir)
    if as_json:
        print_json([{"name": m.name, "path": str(m.path), "kind": m.kind, "pairs": [list(p) for p in m.pairs],
                     "languages": m.languages, "size": m.size, "repo": m.repo} for m in models])
        return
    table = Table(title=f"models in {cfg.models_dir}")
    for column in ("name", "kind", "serves", "size", "from"):
        table.add_column(column, overflow="fold")
    for m in models:
        serves = ", ".join(f"{a}→{b}" for a, b in m.pairs) or f"{len(m.languages)} languages"
        table.add_row(m.name, m.kind, serves, f"{m.size / 1e6:.0f} MB", m.repo or "")
    console.print(table)
    if not models:
        console.print("no models installed: `babelwire models pull fr en`")
