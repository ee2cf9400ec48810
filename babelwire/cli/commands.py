"""Commands: sources, polling, articles, translation, stories, evaluation, benchmarks, serving."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from babelwire.cli.app import (
    app,
    article_app,
    bench_app,
    config_app,
    console,
    err_console,
    eval_app,
    fail,
    open_store,
    print_json,
    rows_table,
    settings,
    source_app,
    story_app,
)
from babelwire.config import (
    CONFIG_NAME,
    Settings,
    default_config_text,
    describe_settings,
    format_duration,
)
from babelwire.errors import BabelwireError, ConfigError


@app.command()
def init() -> None:
    """Create the home folder with a commented babelwire.toml and an empty database."""
    cfg = settings()
    cfg.home.mkdir(parents=True, exist_ok=True)
    if not cfg.config_path.exists():
        cfg.config_path.write_text(default_config_text(), encoding="utf-8")
        console.print(f"wrote {cfg.config_path}")
    else:
        console.print(f"kept existing {cfg.config_path}")
    open_store(cfg).close()
    console.print(f"database ready: {cfg.database_url}")


@config_app.command("show")
def config_show(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every setting: toml key, environment variable, default, current value."""
    cfg = settings()
    if as_json:
        print_json([
            {"setting": key, "env": env, "default": default, "doc": doc,
             "current": getattr(getattr(cfg, key.strip("[").split("] ")[0]), key.split("] ")[1])}
            for key, env, default, doc in describe_settings()
        ])
        return
    table = Table(title=f"settings ({cfg.home / CONFIG_NAME})")
    for column in ("setting", "environment variable", "default", "current", "meaning"):
        table.add_column(column)
    for key, env, default, doc in describe_settings():
        section, name = key.strip("[").split("] ")
        table.add_row(key, env, default, repr(getattr(getattr(cfg, section), name)), doc)
    console.print(table)


# ---------------------------------------------------------------- sources


def _fetcher(cfg: Settings):  # -> Fetcher
    from babelwire.fetch import Fetcher

    return Fetcher(cfg.fetch)


def _languages(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@source_app.command("add")
def source_add(
    url: str,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the source (default: detect).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    every: Annotated[str | None, typer.Option("--every", help="Poll interval, e.g. 15m, 2h.")] = None,
    pick: Annotated[int | None, typer.Option("--pick", help="Which discovered feed to add (1, 2, ...).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Target languages, e.g. en,de.")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="Translation engine for this source.")] = None,
    no_translate: Annotated[bool, typer.Option("--no-translate", help="Store originals only.")] = False,
) -> None:
    """Add a feed, sitemap or page; given a site's home page, discover its feeds and offer them."""
    from babelwire.pipeline.subscriptions import SourceExistsError, add_source, probe_url

    cfg = settings()
    store = open_store(cfg)
    with _fetcher(cfg) as fetcher:
        try:
            probe = probe_url(fetcher, url, cfg)
        except BabelwireError as exc:
            raise fail(f"cannot add {url}: {exc.reason}") from exc
    target_url, kind, title = probe.url, probe.kind, probe.title
    if probe.kind == "site":
        if not probe.feeds:
            raise fail(f"{url} is a site home page and no feed or sitemap was found on it")
        console.print(f"feeds found on {probe.url}:")
        for i, feed in enumerate(probe.feeds, 1):
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
    console.print(f"added source {source.id}: [bold]{source.name}[/bold] ({kind}, every "
                  f"{format_duration(source.interval)}) {source.url}")


@source_app.command("edit")
def source_edit(
    ref: Annotated[str, typer.Argument(help="Source id or URL.")],
    lang: Annotated[str | None, typer.Option("--lang")] = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    every: Annotated[str | None, typer.Option("--every")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Target languages, e.g. en,de.")] = None,
    engine: Annotated[str | None, typer.Option("--engine")] = None,
    translate: Annotated[bool | None, typer.Option("--translate/--no-translate")] = None,
) -> None:
    """Change a source's name, language, interval or translation settings."""
    from babelwire.pipeline.subscriptions import edit_source

    store = open_store()
    source = edit_source(store, ref, language=lang, name=name, every=every, translate_to=_languages(to),
                         engine=engine, translate=translate)
    if source is None:
        raise fail(f"no source {ref}")
    console.print(f"updated source {source.id}: {source.name}")


@source_app.command("list")
def source_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every source with its health: last success, last error, failures, articles."""
    from dataclasses import asdict

    from babelwire.pipeline.subscriptions import source_health

    rows = source_health(open_store())
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table(title="sources")
    for column in ("id", "name", "kind", "lang", "every", "articles", "last success", "failures", "last error"):
        table.add_column(column, overflow="fold")
    for r in rows:
        error = f"{r.last_error} ({_short_time(r.last_error_at)})" if r.last_error else ""
        if r.article_errors:
            error += f"{'; ' if error else ''}{r.article_errors} article error(s) in 24 h (babelwire errors)"
        failures = f"[red]{r.consecutive_failures}[/red]" if r.consecutive_failures else "0"
        table.add_row(str(r.id), r.name, r.kind, r.language or "auto", format_duration(r.interval),
                      str(r.articles), _short_time(r.last_success_at) or "never", failures, error)
    console.print(table)


def _short_time(iso: str | None) -> str:
    return iso[:19].replace("T", " ") if iso else ""


@source_app.command("remove")
def source_remove(ref: Annotated[str, typer.Argument(help="Source id or URL.")]) -> None:
    """Stop watching a source and delete its articles."""
    from babelwire.pipeline.subscriptions import remove_source

    removed = remove_source(open_store(), ref)
    if removed is None:
        raise fail(f"no source {ref}")
    source, count = removed
    console.print(f"removed source {source.id} ({source.name}) and {count} article(s)")


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
        console.print(f"  skipped {line}")


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


# ---------------------------------------------------------------- polling


class RichReporter:
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
    source: Annotated[list[int] | None, typer.Option("--source", help="Poll only this source id.")] = None,
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


@app.command()
def errors(
    limit: Annotated[int, typer.Option("--limit", help="How many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent failures: which source or article, which stage, why."""
    from sqlalchemy import select

    from babelwire.store.models import ErrorRecord

    store = open_store()
    with store.session() as session:
        rows = session.scalars(select(ErrorRecord).order_by(ErrorRecord.id.desc()).limit(limit)).all()
        data = [{"at": r.at.isoformat(), "stage": r.stage, "source_id": r.source_id, "article_id": r.article_id,
                 "url": r.url, "reason": r.reason} for r in rows]
    if as_json:
        print_json(data)
        return
    table = Table(title="recent errors")
    for column in ("at", "stage", "source", "article", "url", "reason"):
        table.add_column(column, overflow="fold")
    for r in data:
        table.add_row(_short_time(r["at"]), r["stage"], str(r["source_id"] or ""), str(r["article_id"] or ""),
                      r["url"] or "", r["reason"])
    console.print(table)


# ---------------------------------------------------------------- extraction and articles


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="An HTML file or a URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Language hint.")] = None,
) -> None:
    """Turn one HTML page into a clean article (title, blocks, metadata)."""
    from babelwire.extract import extract_document

    if target.startswith(("http://", "https://")):
        cfg = settings()
        with _fetcher(cfg) as fetcher:
            try:
                result = fetcher.fetch(target)
            except BabelwireError as exc:
                raise fail(f"cannot fetch {target}: {exc.reason}", 1) from exc
        html: str | bytes = result.text
        url: str | None = result.final_url
    else:
        path = Path(target)
        try:
            html = path.read_bytes()
        except OSError as exc:
            raise fail(f"cannot read {target}: {exc.strerror}") from exc
        if path.suffix == ".gz":
            import gzip

            html = gzip.decompress(html)
        url = None
    try:
        document = extract_document(html, url, language=lang)
    except BabelwireError as exc:
        raise fail(f"{target}: {exc.reason}", 1) from exc
    if as_json:
        print_json(document.to_dict())
        return
    _print_document(document.to_dict())


def _print_document(doc: dict[str, Any]) -> None:
    console.print(f"[bold]{doc.get('title') or '(no title)'}[/bold]")
    meta = [f"{k}: {doc[k]}" for k in ("language", "author", "published", "modified", "url") if doc.get(k)]
    console.print("[dim]" + " · ".join(meta) + "[/dim]\n")
    for block in doc["blocks"]:
        prefix = {"heading": "## ", "quote": "> ", "list_item": "• "}.get(block["type"], "")
        console.print(prefix + block["text"], markup=False, highlight=False)
        console.print()


@article_app.command("list")
def article_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    source: Annotated[int | None, typer.Option("--source", help="Only this source id.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language.")] = None,
    limit: Annotated[int | None, typer.Option("--limit")] = None,
) -> None:
    """Stored articles, newest first."""
    from babelwire.store.articles import list_articles

    rows = list_articles(open_store(), source_id=source, language=lang, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title="articles")
    for column in ("id", "source", "lang", "rev", "first seen", "title"):
        table.add_column(column, overflow="fold")
    for r in rows:
        title = r["title"] or ""
        if r["last_error"]:
            title += f"  [red]({r['last_error']})[/red]"
        table.add_row(str(r["id"]), r["source"], r["language"] or "", str(r["revisions"]),
                      _short_time(r["first_seen_at"]), title)
    console.print(table)


@article_app.command("show")
def article_show(
    article_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """One article with its revisions (oldest first)."""
    from babelwire.store.articles import get_article

    data = get_article(open_store(), article_id)
    if data is None:
        raise fail(f"no article {article_id}")
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]article {data['id']}[/bold] from {data['source']} · {data['url']}")
    if data["last_error"]:
        console.print(f"[red]last error ({_short_time(data['last_error_at'])}): {data['last_error']}[/red]")
    for revision in data["revisions"]:
        console.rule(f"revision {revision['number']} · fetched {_short_time(revision['fetched_at'])} · "
                     f"{revision['content_hash'][:12]}")
        _print_document(revision["document"])
        for t in revision.get("translations", []):
            console.rule(f"machine translation → {t['target']} · {t['engine']} {t['model'] or ''} · "
                         f"{t['from_memory']}/{t['sentences']} sentences from memory", style="cyan")
            _print_document(t["document"])


# ---------------------------------------------------------------- translation


def _engine(cfg: Settings, name: str | None, source: str, target: str, model: Path | None):
    from babelwire.translate.engines import create_engine

    try:
        return create_engine(name or cfg.translate.engine, cfg, source, target, model=model)
    except BabelwireError as exc:
        raise fail(exc.reason) from exc


def _read_input(file: Path | None) -> str:
    if file is None or str(file) == "-":
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {file}: {exc}") from exc


@app.command()
def translate(
    file: Annotated[Path | None, typer.Argument(help="Plain text, blocks separated by blank lines "
                                                     "(default: stdin).")] = None,
    source: Annotated[str, typer.Option("--from", help="Source language, or auto.")] = "auto",
    target: Annotated[str, typer.Option("--to", help="Target language.")] = "en",
    engine: Annotated[str | None, typer.Option("--engine", help="ct2, apertium, libretranslate, deepl, "
                                                                "openai.")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="ct2 model folder.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="An HTML page: extract it, then translate.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Per block: source, text, flags.")] = False,
) -> None:
    """Translate text or an HTML page, keeping its blocks; quality flags with --json."""
    from babelwire.document import Block, Document
    from babelwire.extract import extract_document
    from babelwire.extract.language import detect_language
    from babelwire.translate.document import DictMemory, translate_document

    cfg = settings()
    if html is not None:
        try:
            document = extract_document(html.read_bytes())
        except OSError as exc:
            raise fail(f"cannot read {html}: {exc.strerror}") from exc
        except BabelwireError as exc:
            raise fail(f"{html}: {exc.reason}", 1) from exc
    else:
        text = _read_input(file)
        blocks = [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]
        document = Document(blocks=[Block("paragraph", b) for b in blocks])
    if source == "auto":
        detected = document.language or detect_language(document.text)
        if not detected:
            raise fail("could not detect the source language: give --from")
        source = detected
    result = translate_document(document, _engine(cfg, engine, source, target, model), source, target,
                                memory=DictMemory())
    if as_json:
        out = result.document
        print_json({
            "source_language": source, "target": target, "engine": result.engine_id, "model": result.model,
            "title": {"source": document.title, "text": out.title, "flags": result.title_flags}
            if document.title else None,
            "blocks": [{"type": o.type, "source": b.text, "text": o.text, "flags": f}
                       for b, o, f in zip(document.blocks, out.blocks, result.flags, strict=True)],
        })
        return
    parts = ([result.document.title] if result.document.title else []) + [b.text for b in result.document.blocks]
    sys.stdout.write("\n\n".join(parts) + "\n")


# ---------------------------------------------------------------- evaluation and benchmarks


@eval_app.command("extraction")
def eval_extraction(
    dataset: Annotated[Path, typer.Argument(help="Folder with evaldata.json and html/.")],
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N pages.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Snippet precision/recall/F1 of babelwire and plain trafilatura, overall and per language."""
    from babelwire.evaluate.extraction import evaluate_extraction, report_dict, report_table

    if not (dataset / "evaldata.json").exists():
        raise fail(f"{dataset} has no evaldata.json")
    with Progress(TextColumn("pages"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console) as progress:
        task = progress.add_task("pages", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = evaluate_extraction(dataset, limit=limit, progress=advance)
    if as_json:
        print_json(report_dict(report))
    else:
        console.print(report_table(report))


@eval_app.command("translation")
def eval_translation(
    src: Annotated[Path, typer.Option("--src", help="Source sentences, one per line.")],
    ref: Annotated[Path, typer.Option("--ref", help="Reference translations, one per line.")],
    source: Annotated[str, typer.Option("--from", help="Source language.")],
    target: Annotated[str, typer.Option("--to", help="Target language.")],
    engine: Annotated[str | None, typer.Option("--engine")] = None,
    model: Annotated[Path | None, typer.Option("--model")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """BLEU and chrF (sacrebleu) against references, and the rate of each quality flag."""
    from dataclasses import asdict

    from babelwire.evaluate.translation import evaluate_translation, read_lines, report_table

    cfg = settings()
    try:
        report = evaluate_translation(read_lines(src), read_lines(ref), _engine(cfg, engine, source, target, model),
                                      source, target)
    except ConfigError as exc:
        raise fail(exc.reason) from exc
    if as_json:
        print_json(asdict(report))
    else:
        console.print(report_table(report))


@bench_app.command("ingest")
def bench_ingest(
    dataset: Annotated[Path, typer.Option("--dataset", help="extraction-dev folder to serve.")] = Path(
        "../shared/data/extraction-dev"),
    pages: Annotated[int | None, typer.Option("--pages", help="Serve only N pages.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Fetch/extract workers.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Pages/minute and peak memory of fetch + extract + store, pages served from loopback."""
    from babelwire.bench.ingest import run_ingest_bench

    if not dataset.exists():
        raise fail(f"{dataset} does not exist")
    result = run_ingest_bench(dataset, pages=pages, workers=workers)
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
                                                               "model shaped like OPUS-MT, built once).")] = None,
    hf_model: Annotated[Path | None, typer.Option("--hf-model", help="The same model as a transformers folder "
                                                                     "(for the transformers baseline).")] = None,
    decode_length: Annotated[int, typer.Option("--length", help="Forced output length in tokens.")] = 32,
    threads: Annotated[int, typer.Option("--threads")] = 2,
) -> None:
    """Target tokens/s of babelwire's path vs raw CTranslate2 vs transformers, greedy and beam 4."""
    from babelwire.bench.translate import bench_tables, ensure_opus_shaped_model, run_translate_bench

    cfg = settings()
    if model is None:
        console.print("building a random OPUS-MT-shaped model (once) ...")
        model, hf_model = ensure_opus_shaped_model(cfg.home / "cache" / "bench")
    rows = run_translate_bench(model, hf_model_dir=hf_model, decode_length=decode_length, threads=threads)
    for table in bench_tables(rows):
        console.print(table)


# ---------------------------------------------------------------- stories


@story_app.command("list")
def story_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Only stories with an article in this language.")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 30,
) -> None:
    """Stories, most recently active first, with their outlets."""
    from babelwire.stories import list_stories

    rows = list_stories(open_store(), limit=limit, language=lang)
    if as_json:
        print_json(rows)
        return
    table = Table(title="stories")
    for column in ("id", "articles", "outlets", "languages", "latest", "title"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), str(r["article_count"]), ", ".join(r["outlets"]), ", ".join(r["languages"]),
                      _short_time(r["end_at"]), r["title"] or "")
    console.print(table)


@story_app.command("show")
def story_show(
    story_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    target: Annotated[str | None, typer.Option("--to", help="Show this translation (default: the grouped one).")]
    = None,
) -> None:
    """One story: every outlet's article, its lead and the quotations it carries, with speakers."""
    from babelwire.stories import get_story

    data = get_story(open_store(), story_id, target=target)
    if data is None:
        raise fail(f"no story {story_id}")
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['title']}[/bold]")
    console.print(f"{_short_time(data['start_at'])} – {_short_time(data['end_at'])} · "
                  f"{data['article_count']} articles · {', '.join(data['outlets'])}")
    for article in data["articles"]:
        title = article["translated_title"] or article["title"]
        label = f" (machine translation → {article['translation_target']})" if article["translation_target"] else ""
        console.rule(f"{article['source']} · {article['language'] or '?'} · {_short_time(article['published'])}")
        console.print(f"[bold]{title}[/bold]{label}  [dim]article {article['id']} · {article['url']}[/dim]")
        if article["lead"]:
            console.print(article["lead"])
        for quote in article["quotes"]:
            console.print(f"  [cyan]{quote['speaker'] or 'unattributed'}[/cyan]: “{quote['text']}”")


@eval_app.command("stories")
def eval_stories(
    dataset: Annotated[Path, typer.Argument(help="Labelled dataset (folder of .json/.jsonl, or a file).")] = Path(
        "tests/fixtures/stories/dev"),
    method: Annotated[list[str] | None, typer.Option("--method", help="tfidf, embedding, combined (repeat).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """B-cubed precision, recall and F1 of story grouping against labelled groups."""
    from babelwire.evaluate.stories import evaluate_stories

    if not dataset.exists():
        raise fail(f"{dataset} does not exist")
    report = evaluate_stories(dataset, methods=method or ["tfidf"])
    if as_json:
        print_json(report.to_dict())
        return
    table = Table(title=f"story grouping on {dataset} (B-cubed)")
    for column in ("representation", "join", "articles", "events", "stories", "precision", "recall", "F1",
                   "ms/article"):
        table.add_column(column, justify="right")
    for row in report.to_dict()["scores"]:
        table.add_row(row["method"], f"{row['join']:.2f}", str(row["articles"]), str(row["groups"]),
                      str(row["stories"]), f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      f"{row['ms_per_article']:.1f}")
    console.print(table)


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


# ---------------------------------------------------------------- reader and runners


def _print_url(url: str) -> None:
    console.print(f"reader at [bold]{url}[/bold] (Ctrl-C to stop)", soft_wrap=True)


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
    port: Annotated[int | None, typer.Option("--port", help="Port [default: [web] port, 8080].")] = None,
) -> None:
    """Serve the reader (web site, Atom feeds, JSON API) until Ctrl-C."""
    from babelwire.server import serve as serve_reader

    _serve(serve_reader, host, port)


@app.command()
def run(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on [default: [web] host].")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port [default: [web] port, 8080].")] = None,
) -> None:
    """Poll due sources on schedule and serve the reader, in one process, until Ctrl-C / SIGTERM."""
    from babelwire.server import run as poll_and_serve

    _serve(poll_and_serve, host, port)


@app.command()
def demo(
    home: Annotated[Path | None, typer.Option("--home", help="Demo home folder [default: babelwire-demo "
                                                              "in $XDG_DATA_HOME or ~/.local/share].")] = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8080,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the demo store, print a summary, exit.")]
    = False,
    engine: Annotated[str | None, typer.Option("--engine", help="Force an engine (ct2, apertium, ...).")] = None,
    no_pull: Annotated[bool, typer.Option("--no-pull", help="Never download a model.")] = False,
) -> None:
    """Serve sample French news on loopback, poll, translate, group, and serve the reader."""
    from babelwire.demo.run import run_demo

    def ready(summary) -> None:  # DemoSummary
        table = Table(title="babelwire demo", show_header=False)
        table.add_row("home", str(summary.home))
        table.add_row("engine", summary.engine.detail or summary.engine.name)
        table.add_row("articles / revisions", f"{summary.articles} / {summary.revisions}")
        table.add_row("translations", str(summary.translations))
        table.add_row("stories", str(summary.stories))
        console.print(table)
        for where, reason in summary.errors[:10]:
            console.print(f"  [red]✗[/red] {escape(str(where))}: {escape(reason)}")
        if summary.reader_url:
            if summary.updated_article_id:
                console.print(f"an article updated after its first poll, with its revision history: "
                              f"{summary.reader_url}/articles/{summary.updated_article_id}", soft_wrap=True)
            _print_url(summary.reader_url)

    try:
        run_demo(home=home, host=host, port=port, serve=not no_serve, engine=engine, pull=not no_pull,
                 on_step=lambda line: err_console.print(f"[dim]·[/dim] {line}"), on_ready=ready)
    except ConfigError as exc:
        raise fail(f"{exc.reason} (try --port)") from exc


@app.command()
def render() -> None:
    """Pre-render every article and story page whose stored copy is missing or stale
    (`serve`/`run` keep the newest [web] prerender ones rendered by themselves)."""
    from babelwire.web.prerender import prerender, recent_paths

    cfg = settings()
    store = open_store(cfg)
    from babelwire.store.reading import ReadStore

    paths = recent_paths(ReadStore(store), articles=None, stories=None)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console) as progress:
        task = progress.add_task("pages", total=len(paths))
        count = prerender(store, cfg, paths=paths, on_page=lambda: progress.advance(task))
    console.print(f"{count} pages rendered, {len(paths) - count} already current")


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
    table = rows_table(f"reader latency: {result['articles']} articles, {clients} clients, think {think}s, "
                        f"{workers} worker(s), {result['prerendered_pages']} pages pre-rendered in "
                        f"{result['prerender_seconds']}s", result["rows"])
    console.print(table)
    console.print("targets (p95 < 50 ms for home, article, story): "
                  + ("[green]met[/green]" if result["targets_met"] else "[red]missed[/red]"))


# ---------------------------------------------------------------- scale-out


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", help="Comma-separated: fetch, extract, translate, group.")]
    = "fetch,extract",
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Threads (fetch) or 1 (translate).")]
    = None,
    pool: Annotated[str, typer.Option("--pool", help="threads, prefork or solo.")] = "threads",
) -> None:
    """Run a Celery worker for these stage queues (needs BABELWIRE_BROKER_URL)."""
    from babelwire.pipeline.celery_app import run_worker

    cfg = settings()
    try:
        run_worker(cfg, [q.strip() for q in queues.split(",") if q.strip()], concurrency, pool=pool)
    except ConfigError as exc:
        raise fail(exc.reason) from exc


@app.command()
def scheduler() -> None:
    """Send due sources and pending work to the Celery workers every [poll] tick (needs a broker)."""
    from babelwire.pipeline.celery_app import run_scheduler

    cfg = settings()
    logging.getLogger("babelwire").setLevel(logging.INFO)
    try:
        run_scheduler(cfg)
    except ConfigError as exc:
        raise fail(exc.reason) from exc
    except KeyboardInterrupt:
        pass


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queue depths, workers and recent errors."""
    from babelwire.pipeline.status import collect_status

    cfg = settings()
    data = collect_status(open_store(cfg), cfg)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"babelwire status ({data['runner']} runner)", show_header=False)
    table.add_row("database", data["database"])
    table.add_row("articles waiting to be fetched", str(data["fetch_queue"]["pending"]))
    table.add_row("articles given up", str(data["fetch_queue"]["given_up"]))
    table.add_row("translations pending", str(data["translations_pending"]))
    if data["runner"] == "celery":
        table.add_row("broker", data["broker"] or "")
        if data["broker_error"]:
            table.add_row("broker error", f"[red]{escape(data['broker_error'])}[/red]")
        else:
            for name, depth in data["queues"].items():
                table.add_row(f"queue {name}", str(depth))
            table.add_row("delivered, not yet acknowledged", str(data["unacknowledged"]))
            for w in data["workers"]:
                table.add_row(f"worker {w['name']}", f"{w['active']} active " + " ".join(w["tasks"][:3]))
            if not data["workers"]:
                table.add_row("workers", "[yellow]none answering[/yellow]")
    console.print(table)
    for error in data["errors"]:
        console.print(f"  [red]✗[/red] {_short_time(error['at'])} {error['stage']} "
                      f"{escape(error['url'] or '')}: {escape(error['reason'])}")


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

    if not dataset.exists():
        raise fail(f"{dataset} does not exist")
    rows = run_scale_bench(dataset, pages=pages, workers=tuple(int(w) for w in workers.split(",")),
                           concurrency=concurrency, translate=not no_translate)
    if as_json:
        print_json(rows)
        return
    console.print(rows_table("scale-out: Celery workers, PostgreSQL + Redis, pages from loopback", rows))
