"""``babelwire models``: pull, import and list translation models."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import (
    check_code,
    console,
    err_console,
    fail,
    models_app,
    print_json,
    settings,
)
from babelwire.errors import BabelwireError


class ModelSize(StrEnum):
    """`--size`: the OPUS-MT model size."""

    base = "base"
    big = "big"


@models_app.command("pull")
def models_pull(
    source: Annotated[str, typer.Argument(help="Source language, e.g. fr.", callback=check_code)],
    target: Annotated[str, typer.Argument(help="Target language, e.g. en.", callback=check_code)],
    size: Annotated[ModelSize, typer.Option(
        "--size", case_sensitive=False,
        help="base (~300 MB download) or big (OPUS-MT transformer-big, ~0.9 GB, better and slower).")] = ModelSize.base,
    from_hub: Annotated[bool, typer.Option(
        "--from-hub", help="Convert the Hugging Face model instead (needs pip install 'babelwire[convert]').")] = False,
    accept_license: Annotated[bool, typer.Option(
        "--accept-license", help="Accept NLLB-200's non-commercial licence (CC-BY-NC-4.0) for pairs only it serves.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Download again even if installed.")] = False,
) -> None:
    """Download the model for a pair (an OPUS-MT release, else NLLB-200), convert it to int8, install it."""
    import sys

    from babelwire.translate.engines.ct2 import read_manifest
    from babelwire.translate.models import LicenseNotAccepted, ModelRequestError

    cfg = settings()
    origin = "hub" if from_hub else "release"
    try:
        path = _pull_with_progress(source, target, cfg.models_dir, size.value, origin, force, accept_license)
    except LicenseNotAccepted as exc:
        # Never route to a non-commercial model silently: say so, and ask when someone can answer.
        if not sys.stdin.isatty():
            raise fail(exc.reason, 2) from exc
        err_console.print(escape(exc.reason), soft_wrap=True)
        if not typer.confirm("Accept NLLB-200's non-commercial licence and download it?", default=False,
                             err=True):
            raise fail("not downloaded: the licence was not accepted", 2) from exc
        path = _pull_with_progress(source, target, cfg.models_dir, size.value, origin, force, True)
    except ModelRequestError as exc:  # asked for something that cannot be: a usage error
        raise fail(exc.reason, 2) from exc
    manifest = read_manifest(path)
    console.print(f"installed {escape(str(manifest.get('name') or path.name))} in {escape(str(path))}",
                  soft_wrap=True)
    for line in _licence_lines(manifest.get("license"), manifest.get("license_url"), manifest.get("attribution"),
                               manifest.get("model_url")):
        console.print(line, markup=False, soft_wrap=True)


def _pull_with_progress(source: str, target: str, models_dir: Path, size: str, origin: str, force: bool,
                        accept_license: bool) -> Path:
    """``pull_model`` under a progress bar (size, speed, time left) on standard error; network,
    checksum, disk and conversion failures end the command (exit 1) with their one-line reason,
    request errors (ModelRequestError) are raised for the caller."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from babelwire.translate.models import ModelRequestError, pull_model

    error: BabelwireError | None = None
    # transient: the bar goes once done, the step lines printed above it stay; an error is printed
    # after it is gone, as the last line.
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("download", total=None)
        try:
            path = pull_model(
                source, target, models_dir, size=size, origin=origin,  # type: ignore[arg-type]
                force=force, accept_license=accept_license,
                progress=lambda done, total: bar.update(task, completed=done, total=total or None),
                on_step=lambda message: bar.console.print(escape(message), soft_wrap=True),
            )
        except BabelwireError as exc:
            error = exc
    if isinstance(error, ModelRequestError):
        raise error
    if error is not None:  # network, checksum, disk space, conversion
        raise fail(error.reason, 1) from error
    return path


def _licence_lines(licence: str | None, licence_url: str | None, attribution: str | None,
                   model_url: str | None) -> list[str]:
    """A model's licence, credit and page, a line each (plain text); long URLs on a line of their own,
    whole (clickable, not folded) and within 80 columns."""
    lines = []
    if licence:
        lines.append(f"licence: {licence}" + (f" — {licence_url}" if licence_url else ""))
        if "-NC" in licence.upper():
            lines.append("  non-commercial use only")
    if attribution:
        lines.append(f"attribution: {attribution}")
    if model_url:
        lines += ["model page:", f"  {model_url}"]
    return lines


@models_app.command("import")
def models_import(
    path: Annotated[Path, typer.Argument(help="A CTranslate2, Hugging Face or Marian model folder.")],
    source: Annotated[str | None, typer.Option(
        "--from", help="Source language if it cannot be inferred.", callback=check_code)] = None,
    target: Annotated[str | None, typer.Option(
        "--to", help="Target language if it cannot be inferred.", callback=check_code)] = None,
    name: Annotated[str | None, typer.Option("--name", help="Folder name under HOME/models.")] = None,
) -> None:
    """Install a model from a local folder (converting it if needed)."""
    from babelwire.translate.models import import_model

    cfg = settings()
    try:
        installed = import_model(path, cfg.models_dir, src=source, tgt=target, name=name)
    except BabelwireError as exc:
        raise fail(exc.reason) from exc
    console.print(f"installed {escape(str(installed))}", soft_wrap=True)


@models_app.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Installed models, the language pairs they serve and their licences."""
    from babelwire.translate.models import list_models

    cfg = settings()
    models = list_models(cfg.models_dir)
    if as_json:
        print_json([{"name": m.name, "path": str(m.path), "kind": m.kind, "pairs": [list(p) for p in m.pairs],
                     "languages": m.languages, "size": m.size, "variant": m.variant, "repo": m.repo,
                     "license": m.license, "license_url": m.license_url, "attribution": m.attribution,
                     "url": m.url, "model_url": m.model_url} for m in models])
        return
    # Narrow columns that fold, and no path (it is the title's folder + the name): readable at 80 columns.
    table = Table(title=f"models in {cfg.models_dir}", title_justify="left")
    for column, justify in (("name", "left"), ("kind", "left"), ("serves", "left"), ("MB", "right"),
                            ("licence", "left")):
        table.add_column(column, overflow="fold", justify=justify)  # type: ignore[arg-type]
    for m in models:
        serves = ", ".join(f"{a}→{b}" for a, b in m.pairs) or f"{len(m.languages)} languages"
        kind = f"{m.kind} {m.variant}" if m.variant else m.kind
        table.add_row(escape(m.name), escape(kind), escape(serves), f"{m.size / 1e6:.0f}", escape(m.license or "?"))
    console.print(table)
    if not models:
        console.print("no models installed: `babelwire models pull fr en`")
        return
    # Each model's licence link, credit and page under the table, a line each: a URL kept whole
    # (not folded into a column) stays clickable and fits 80 columns.
    for m in models:
        console.print()
        console.print(m.name, markup=False, style="bold", soft_wrap=True)
        for line in _licence_lines(m.license, m.license_url, m.attribution, m.model_url):
            console.print(f"  {line}", markup=False, soft_wrap=True)
