"""``babelwire eval``: quality of extraction, translation and story grouping on labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from babelwire.cli.app import (
    check_engine,
    check_lang,
    console,
    err_console,
    eval_app,
    fail,
    print_json,
    settings,
    translation_engine,
)
from babelwire.errors import ConfigError


@eval_app.command("download")
def eval_download(
    dest: Annotated[Path, typer.Argument(help="Folder to write the set into (new, empty, or an earlier set).",
                                         show_default=False)],
    ref: Annotated[str | None, typer.Option(
        "--ref", help="Tag or branch of trafilatura's repository [default: the installed trafilatura's tag].")]
    = None,
    url: Annotated[str | None, typer.Option(
        "--url", help="A .tar.gz of the repository to read instead of GitHub's archive (a mirror or a copy).")]
    = None,
) -> None:
    """Download the public extraction evaluation set (trafilatura's evaluation pages, Apache-2.0)
    for ``eval extraction DEST`` and ``bench ingest --dataset DEST``."""
    from rich.progress import DownloadColumn, TransferSpeedColumn

    from babelwire.evaluate.datasets import DatasetError, archive_url, build_extraction_set, default_ref

    if url is not None and not url.startswith(("http://", "https://")):
        raise fail(f"--url must be an http(s) address, not {url!r}")
    source = url or archive_url(ref or default_ref())
    err_console.print(f"Downloading {escape(source)}", soft_wrap=True, highlight=False)
    with Progress(TextColumn("archive"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                  console=err_console) as progress:
        task = progress.add_task("archive", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        try:
            built = build_extraction_set(dest, ref=ref, url=url, progress=advance)
        except DatasetError as exc:
            raise fail(str(exc), code=1) from exc
    console.print(f"{built.pages} pages ({built.archived} with their HTML) in {escape(str(built.folder))}",
                  highlight=False, soft_wrap=True)
    console.print(f"next: babelwire eval extraction {escape(str(built.folder))}", highlight=False, soft_wrap=True)


@eval_app.command("extraction")
def eval_extraction(
    datasets: Annotated[list[Path], typer.Argument(
        help="Folders with evaldata.json and html/, scored together (e.g. the public set and "
             "babelwire's own news pages).", show_default=False)],
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N pages.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Snippet precision/recall/F1 of babelwire and plain trafilatura, overall and per language."""
    from babelwire.evaluate.extraction import evaluate_extraction, report_dict, report_table

    for dataset in datasets:
        if not (dataset / "evaldata.json").exists():
            raise fail(f"{dataset} has no evaldata.json")
    with Progress(TextColumn("pages"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console) as progress:
        task = progress.add_task("pages", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = evaluate_extraction(datasets, limit=limit, progress=advance)
    if as_json:
        print_json(report_dict(report))
    else:
        console.print(report_table(report))


@eval_app.command("translation")
def eval_translation(
    src: Annotated[Path, typer.Option("--src", help="Source sentences, one per line.")],
    ref: Annotated[Path, typer.Option("--ref", help="Reference translations, one per line.")],
    source: Annotated[str, typer.Option("--from", help="Source language.", callback=check_lang)],
    target: Annotated[str, typer.Option("--to", help="Target language.", callback=check_lang)],
    engine: Annotated[str | None, typer.Option("--engine", callback=check_engine)] = None,
    model: Annotated[Path | None, typer.Option("--model")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """BLEU and chrF (sacrebleu) against references, and the rate of each quality flag."""
    from dataclasses import asdict

    from babelwire.evaluate.translation import evaluate_translation, read_lines, report_table

    cfg = settings()
    try:
        report = evaluate_translation(read_lines(src), read_lines(ref),
                                      translation_engine(cfg, engine, source, target, model), source, target)
    except ConfigError as exc:
        raise fail(exc.reason) from exc
    if as_json:
        print_json(asdict(report))
    else:
        console.print(report_table(report))


@eval_app.command("stories")
def eval_stories(
    dataset: Annotated[Path | None, typer.Argument(help="Labelled dataset (folder of .json/.jsonl, or a file) "
                                                       "[default: the development set shipped with babelwire].")]
    = None,
    method: Annotated[list[str] | None, typer.Option("--method", help="tfidf, embedding, combined (repeat).")]
    = None,
    translations: Annotated[list[str] | None, typer.Option(
        "--translations", help="The English grouping reads: human (the set's reference) or apertium (repeat) "
                               "[default: both for the shipped set, human otherwise].")] = None,
    cold: Annotated[bool, typer.Option("--cold/--no-cold", help="Also score young stores (2, 5, 10 articles).")]
    = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """B-cubed precision, recall and F1 of story grouping against labelled groups, warm and cold."""
    from babelwire.evaluate.stories import STORIES_DEV, TRANSLATIONS, evaluate_stories

    dataset = dataset or STORIES_DEV
    if not dataset.exists():
        raise fail(f"{dataset} does not exist")
    for which in translations or []:
        if which not in TRANSLATIONS:
            raise fail(f"unknown --translations {which!r} (use {', '.join(TRANSLATIONS)})")
    chosen = translations or (list(TRANSLATIONS) if dataset == STORIES_DEV else ["human"])
    report = evaluate_stories(dataset, methods=method or ["tfidf"], translations=chosen, cold=cold)
    if as_json:
        print_json(report.to_dict())
        return
    rows = report.to_dict()["scores"]
    joins = ", ".join(sorted({f"{r['method']} joins at {r['join']:.2f}" for r in rows}))
    table = Table(title=f"story grouping on {dataset.name} (B-cubed)", caption=joins)
    for column in ("method", "English", "run", "events", "stories", "P", "R", "F1", "ms/art"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(row["method"], row["translations"], row["run"], str(row["groups"]),
                      str(row["stories"]), f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      f"{row['ms_per_article']:.1f}")
    console.print(table)
