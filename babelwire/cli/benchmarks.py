"""``babelwire bench``: speed and memory of ingest, translation, text processing, story placement,
the reader and the Celery scale-out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from babelwire.cli.app import bench_app, console, fail, print_json, rows_table, settings
from babelwire.errors import BabelwireError


def _check_dataset(dataset: Path) -> None:
    """A missing ``--dataset`` says what to give instead (the default exists in development checkouts only)."""
    if not dataset.exists():
        from babelwire.evaluate.extraction import EXTRACTION_NEWS

        raise fail(f"{dataset} does not exist: --dataset takes a folder of pages in the evaluation layout "
                   "(evaldata.json and html/, see README, Extraction), e.g. the 15 pages shipped with babelwire, "
                   f"{EXTRACTION_NEWS}, or the public set of 884 pages: babelwire eval download DIR")


@bench_app.command("ingest")
def bench_ingest(
    dataset: Annotated[Path, typer.Option("--dataset", help="extraction-dev folder to serve.")] = Path(
        "../shared/data/extraction-dev"),
    pages: Annotated[int | None, typer.Option("--pages", help="Serve only N pages.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Fetch/extract workers.")] = None,
    watches: Annotated[int, typer.Option("--watches", min=0, max=100_000,
                                         help="Match every article against N watches too.")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Pages/minute and peak memory of fetch + extract + store, pages served from loopback."""
    from babelwire.bench.ingest import run_ingest_bench

    _check_dataset(dataset)
    result = run_ingest_bench(dataset, pages=pages, workers=workers, watches=watches)
    if as_json:
        print_json(result)
        return
    table = Table(title="ingest benchmark (fetch + extract + store, loopback)", show_header=False)
    for key, value in result.items():
        table.add_row(key, str(value))
    console.print(table)


@bench_app.command("translate")
def bench_translate(
    model: Annotated[Path | None, typer.Option("--model", help="CTranslate2 model folder (default: a random "
                                                               "model of a release's shape, built once).")] = None,
    hf_model: Annotated[Path | None, typer.Option("--hf-model", help="The same model as a transformers folder "
                                                                     "(for the transformers baseline).")] = None,
    size: Annotated[str, typer.Option("--size", help="Shape of the random model: base (OPUS-MT "
                                                     "transformer-align) or big (Tatoeba transformer-big).")]
    = "base",
    decode_length: Annotated[int, typer.Option("--length", help="Forced output length in tokens.", min=1)] = 32,
    threads: Annotated[int, typer.Option("--threads", min=1)] = 2,
) -> None:
    """Target tokens/s of babelwire's path vs raw CTranslate2 vs transformers, greedy and beam 4."""
    from babelwire.bench.translate import (
        bench_tables,
        ensure_opus_shaped_model,
        ensure_release_shaped_model,
        run_translate_bench,
    )
    from babelwire.translate.models import missing_converter

    if size not in ("base", "big"):
        raise fail(f"--size must be base or big, not {size!r}")
    cfg = settings()
    cache = cfg.home / "cache" / "bench"
    no_converter = missing_converter()
    if model is None and size == "base" and hf_model is None and no_converter is None:
        console.print("building a random OPUS-MT-shaped model (once) ...")
        model, hf_model = ensure_opus_shaped_model(cache)
    elif model is None:
        console.print(f"building a random {size} release-shaped model without torch (once) ...")
        try:
            model = ensure_release_shaped_model(cache, size)
        except BabelwireError as exc:
            raise fail(exc.reason, 1) from exc
    if hf_model is not None and no_converter is not None:
        raise fail(f"the transformers baseline needs the convert extra: {no_converter}")
    if hf_model is None:
        why = "install `pip install 'babelwire[convert]'` for it" if no_converter else "give --hf-model for it"
        console.print(f"transformers baseline (c) skipped: {why}", markup=False)
    rows = run_translate_bench(model, hf_model_dir=hf_model, decode_length=decode_length, threads=threads)
    for table in bench_tables(rows):
        console.print(table)


@bench_app.command("text")
def bench_text(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Quotation extraction and sentence splitting on hostile sizes (10,000 paragraphs, a 1 MB
    paragraph): time must grow in proportion to the text (µs per 1,000 characters stays flat)."""
    from babelwire.bench.text import run_text_bench

    rows = run_text_bench()
    if as_json:
        print_json(rows)
        return
    console.print(rows_table("text processing (µs per 1,000 characters should stay flat)", rows))


@bench_app.command("stories")
def bench_stories(
    sizes: Annotated[str, typer.Option("--sizes", help="Comma-separated story counts.")] = "1000,10000,100000",
    placements: Annotated[int, typer.Option("--placements", help="Articles placed per size.")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Time to place one article with 1k, 10k and 100k stories in the store (synthetic)."""
    from babelwire.bench.stories import run_stories_bench

    try:
        counts = tuple(int(x) for x in sizes.split(",") if x.strip())
    except ValueError as exc:
        raise fail(f"--sizes must be comma-separated integers, not {sizes!r}") from exc
    rows = run_stories_bench(counts, placements=placements)
    if as_json:
        print_json(rows)
        return
    console.print(rows_table("story placement (SQLite, tfidf)", rows))


@bench_app.command("web")
def bench_web(
    articles: Annotated[int, typer.Option("--articles")] = 10_000,
    clients: Annotated[int, typer.Option("--clients", help="Concurrent clients.")] = 50,
    requests: Annotated[int, typer.Option("--requests", help="Requests per endpoint.")] = 500,
    workers: Annotated[int, typer.Option("--workers", help="uvicorn worker processes.")] = 1,
    think: Annotated[float, typer.Option("--think", help="Seconds each client waits between requests.")] = 0.0,
    http: Annotated[str, typer.Option("--http", help="uvicorn HTTP implementation: auto, h11, httptools.")]
    = "auto",
    no_prerender: Annotated[bool, typer.Option("--no-prerender", help="Measure pages rendered on first view.")]
    = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """p50/p95/p99 latency of home, article, story, search and feed, SQLite store, loopback."""
    from babelwire.bench.web import run_web_bench

    result = run_web_bench(articles=articles, clients=clients, requests=requests, workers=workers, think=think,
                           http=http, prerendered=not no_prerender)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"reader latency: {result['articles']} articles, {clients} clients, think {think}s, "
                        f"{workers} worker(s), {result['prerendered_pages']} pages pre-rendered in "
                        f"{result['prerender_seconds']}s")
    for column in ("endpoint", "req", "err", "p50 ms", "p95 ms", "p99 ms", "req/s", "p95 target"):
        table.add_column(column, justify="right")
    for row in result["rows"]:  # --json has every field (mean too)
        target = row["target_p95_ms"]
        table.add_row(row["endpoint"], str(row["requests"]), str(row["errors"]), f"{row['p50_ms']:.1f}",
                      f"{row['p95_ms']:.1f}", f"{row['p99_ms']:.1f}", f"{row['rps']:,.0f}",
                      f"< {target:g}" if target else "—")
    console.print(table)
    console.print("targets (p95 < 50 ms for home, article, story): "
                  + ("[green]met[/green]" if result["targets_met"] else "[red]missed[/red]"))


@bench_app.command("firstview")
def bench_firstview(
    articles: Annotated[int, typer.Option("--articles")] = 2000,
    views: Annotated[int, typer.Option("--views", help="Distinct pages of each kind.")] = 300,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """CPU per first view of article and story pages (in process, nothing pre-rendered; target ≤ 4 ms)."""
    from babelwire.bench.firstview import run_first_view_bench

    result = run_first_view_bench(articles=articles, views=views)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"first views: {result['articles']} articles, in process, nothing pre-rendered")
    for column in ("page", "views", "errors", "CPU ms", "wall ms", "views per CPU s"):
        table.add_column(column, justify="right")
    for row in result["rows"]:
        table.add_row(row["page"], str(row["views"]), str(row["errors"]), f"{row['cpu_ms']:.2f}",
                      f"{row['wall_ms']:.2f}", str(row["views_per_cpu_second"]))
    console.print(table)


@bench_app.command("scale")
def bench_scale(
    dataset: Annotated[Path, typer.Option("--dataset", help="extraction-dev folder to serve.")] = Path(
        "../shared/data/extraction-dev"),
    pages: Annotated[int, typer.Option("--pages")] = 200,
    workers: Annotated[str, typer.Option("--workers", help="Worker process counts to compare.")] = "1,2",
    concurrency: Annotated[int, typer.Option("--concurrency", help="Threads per worker process.")] = 4,
    no_translate: Annotated[bool, typer.Option("--no-translate", help="Fetch + extract + store only.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Pages/minute through Celery workers (PostgreSQL + Redis on this machine) with 1 and 2 processes."""
    from babelwire.bench.scale import run_scale_bench

    _check_dataset(dataset)
    rows = run_scale_bench(dataset, pages=pages, workers=tuple(int(w) for w in workers.split(",")),
                           concurrency=concurrency, translate=not no_translate)
    if as_json:
        print_json(rows)
        return
    console.print(rows_table("scale-out: Celery workers, PostgreSQL + Redis, pages from loopback", rows))
