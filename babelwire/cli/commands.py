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
    check_engine,
    check_every,
    check_lang,
    check_langs,
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
    parse_duration,
)
from babelwire.errors import BabelwireError, ConfigError


@app.command()
def init(
    source_lang: Annotated[str | None, typer.Option(
        "--from", help="Language your sources publish in, e.g. fr: offers its translation model.",
        callback=check_lang)] = None,
    pull_model: Annotated[bool | None, typer.Option(
        "--pull-model/--no-pull-model",
        help="Download the model for --from → each target language (default: ask when interactive).")] = None,
) -> None:
    """Create the home folder with a commented babelwire.toml and an empty database."""
    cfg = settings()
    try:
        cfg.home.mkdir(parents=True, exist_ok=True)
        if not cfg.config_path.exists():
            cfg.config_path.write_text(default_config_text(), encoding="utf-8")
            console.print(f"wrote {escape(str(cfg.config_path))}")
        else:
            console.print(f"kept existing {escape(str(cfg.config_path))}")
    except OSError as exc:
        raise fail(f"cannot create the home folder {cfg.home}: {exc.strerror or exc} (choose another with --home)",
                   1) from exc
    open_store(cfg).close()
    console.print(f"database ready: {escape(cfg.database_url)}")
    if source_lang is None and pull_model is not False and sys.stdin.isatty():
        answer = typer.prompt("Language your sources publish in (e.g. fr; empty to skip)", default="",
                              show_default=False, err=True).strip()
        source_lang = check_lang(answer) if answer else None
    if source_lang and source_lang != "auto":
        for target in cfg.translate.to:
            _offer_model(cfg, source_lang, target, pull_model)
    console.print("next: `babelwire source add URL` (a feed, a sitemap or a site's home page), then "
                  "`babelwire poll` and `babelwire serve` — or `babelwire run` for both on a schedule",
                  soft_wrap=True)


def _offer_model(cfg: Settings, source: str, target: str, pull: bool | None) -> None:
    """Pull the neural model for a pair unless one is installed; say which engine is used otherwise."""
    from babelwire.languages import base_language
    from babelwire.translate.engines import NoEngineError, resolve_engine
    from babelwire.translate.models import choose_model, pull_model

    if base_language(source) == base_language(target):
        return
    try:
        engine, _model = resolve_engine(cfg, source, target)
    except NoEngineError:
        engine = None
    if engine == "ct2":
        console.print(f"{source}→{target}: a neural model is installed")
        return
    try:
        choice = choose_model(source, target)
    except BabelwireError as exc:
        console.print(f"{source}→{target}: {escape(exc.reason)}")
        return
    if pull is None:
        pull = sys.stdin.isatty() and typer.confirm(
            f"Download the {source}→{target} model {choice.local_name}?", default=True, err=True)
    if not pull:
        now = f"translating with {engine} until then" if engine else "articles stay untranslated until then"
        console.print(f"{source}→{target}: no neural model; `babelwire models pull {source} {target}` "
                      f"downloads one ({now})", soft_wrap=True)
        return
    try:
        with _DownloadProgress() as progress:
            path = pull_model(source, target, cfg.models_dir, progress=progress)
    except BabelwireError as exc:
        raise fail(exc.reason, 1) from exc
    console.print(f"installed {escape(str(path))}")


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
    # One setting per paragraph, not a table: variable names stay whole at 80 columns.
    console.print(f"settings from {cfg.home / CONFIG_NAME} and BABELWIRE_* variables", markup=False)
    shown_section = None
    for key, env, default, doc in describe_settings():
        section, name = key.strip("[").split("] ")
        if section != shown_section:
            console.print(f"\n[{section}]", markup=False, style="bold")
            shown_section = section
        current = repr(getattr(getattr(cfg, section), name))
        changed = "" if current == default else f"   (default {default})"
        console.print(f"{name} = {current}{changed}", markup=False, soft_wrap=True)
        console.print(f"    {env}: {doc}", markup=False, style="dim")


# ---------------------------------------------------------------- sources


def _fetcher(cfg: Settings):  # -> Fetcher
    from babelwire.fetch import Fetcher

    return Fetcher(cfg.fetch)


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
    with _fetcher(cfg) as fetcher, err_console.status(f"reading {escape(url)}") as status:
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

    store = open_store()
    source = edit_source(store, ref, language=lang, name=name, every=every, translate_to=_languages(to),
                         engine=engine, translate=translate)
    if source is None:
        raise fail(f"no source {ref}")
    console.print(f"updated source {source.id}: {source.name}", markup=False)


@source_app.command("list")
def source_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every source with its health: last success, last error, failures, articles."""
    from dataclasses import asdict

    from babelwire.pipeline.subscriptions import source_health

    rows = source_health(open_store())
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    if console.width >= 120:
        table = Table(title="sources")
        for column in ("id", "name", "kind", "lang", "every", "articles", "last success", "failures", "last error"):
            table.add_column(column, overflow="fold", no_wrap=column in {"id", "lang", "every"})
        for r in rows:
            failures = f"[red]{r.consecutive_failures}[/red]" if r.consecutive_failures else "0"
            table.add_row(str(r.id), escape(r.name), r.kind, escape(r.language or "auto"), format_duration(r.interval),
                          str(r.articles), _short_time(r.last_success_at) or "never", failures,
                          escape(_source_error(r)))
        console.print(table)
        return
    # Narrow terminals: one paragraph per source, so names and errors are never cut letter by letter.
    for r in rows:
        console.print(f"[bold]{r.id}[/bold]  {escape(r.name)}  ({r.kind}, {escape(r.language or 'auto')}, every "
                      f"{format_duration(r.interval)})", soft_wrap=True)
        console.print(f"    {escape(r.url)}", soft_wrap=True, highlight=False)
        failures = f"[red]{r.consecutive_failures} failures[/red]" if r.consecutive_failures else "0 failures"
        console.print(f"    {r.articles} articles · last success {_short_time(r.last_success_at) or 'never'} · "
                      f"{failures}")
        if error := _source_error(r):
            console.print(f"    [red]last error:[/red] {escape(error)}", soft_wrap=True)
    if not rows:
        console.print("no sources: `babelwire source add URL`")


def _source_error(r) -> str:  # r: SourceHealth
    error = f"{r.last_error} ({_short_time(r.last_error_at)})" if r.last_error else ""
    if r.article_errors:
        error += f"{'; ' if error else ''}{r.article_errors} article error(s) in 24 h (babelwire errors)"
    return error


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
    if not data:
        console.print("no errors recorded")
    if console.width >= 120:
        table = Table(title="recent errors")
        for column in ("at", "stage", "source", "article", "url", "reason"):
            table.add_column(column, overflow="fold", no_wrap=column in {"stage", "source", "article"})
        for r in data:
            table.add_row(_short_time(r["at"]), r["stage"], str(r["source_id"] or ""), str(r["article_id"] or ""),
                          escape(r["url"] or ""), escape(r["reason"]))
        console.print(table)
        return
    for r in data:  # narrow terminals: one paragraph per error
        where = " ".join(part for part in (f"source {r['source_id']}" if r["source_id"] else "",
                                           f"article {r['article_id']}" if r["article_id"] else "") if part)
        console.print(f"[red]✗[/red] {_short_time(r['at'])} {r['stage']} {where}")
        if r["url"]:
            console.print(f"    {escape(r['url'])}", soft_wrap=True, highlight=False)
        console.print(f"    {escape(r['reason'])}")


# ---------------------------------------------------------------- extraction and articles


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="An HTML file or a URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Language hint.", callback=check_lang)] = None,
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
    console.print(doc.get("title") or "(no title)", style="bold", markup=False, highlight=False)
    meta = [f"{k}: {doc[k]}" for k in ("language", "author", "published", "modified", "url") if doc.get(k)]
    console.print(" · ".join(meta) + "\n", style="dim", markup=False, highlight=False)
    for block in doc["blocks"]:
        prefix = {"heading": "## ", "quote": "> ", "list_item": "• "}.get(block["type"], "")
        console.print(prefix + block["text"], markup=False, highlight=False)
        console.print()


@article_app.command("list")
def article_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    source: Annotated[int | None, typer.Option("--source", help="Only this source id.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language.", callback=check_lang)] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1)] = None,
    target: Annotated[str | None, typer.Option(
        "--to", help="Show titles translated into this language (default: the first target).",
        callback=check_lang)] = None,
) -> None:
    """Stored articles, newest first: the translated title, the original under it."""
    from babelwire.store.articles import list_articles

    cfg = settings()
    target = target or (cfg.translate.to[0] if cfg.translate.to else None)
    rows = list_articles(open_store(cfg), source_id=source, language=lang, limit=limit, target=target)
    if as_json:
        print_json(rows)
        return
    table = Table(title="articles")
    for column in ("id", "source", "lang", "rev", "first seen", "title"):
        table.add_column(column, overflow="fold", no_wrap=column in {"id", "lang", "rev"})
    for r in rows:
        # The translation first (what the reader reads), the original under it.
        title = escape(r["translated_title"] or r["title"] or "")
        if r["translated_title"] and r["title"]:
            title += f"\n[dim]{escape(r['title'])}[/dim]"
        if r["last_error"]:
            title += f"\n[red]({escape(r['last_error'])})[/red]"
        table.add_row(str(r["id"]), escape(r["source"] or ""), escape(r["language"] or ""), str(r["revisions"]),
                      _short_time(r["first_seen_at"])[:16], title)
    console.print(table)


@article_app.command("show")
def article_show(
    article_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """One article with its revisions (oldest first), translations with their quality flags."""
    from babelwire.store.articles import get_article
    from babelwire.translate.quality import describe_finding

    data = get_article(open_store(), article_id) if 0 < article_id < 2**63 else None
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
            # Its flags with their evidence ("block 2 — check: left untranslated: dépens").
            flags = t["flags"] if isinstance(t["flags"], dict) else {}
            evidence = flags.get("evidence") if isinstance(flags.get("evidence"), dict) else {}
            block_evidence = evidence.get("blocks") if isinstance(evidence.get("blocks"), list) else []
            places = [("title", flags.get("title") or [], evidence.get("title"))]
            places += [(f"block {i + 1}", names, block_evidence[i] if i < len(block_evidence) else None)
                       for i, names in enumerate(flags.get("blocks") or [])]
            for place, names, found in places:
                found = found if isinstance(found, dict) else {}
                for name in names:
                    console.print(f"{place} — check: {describe_finding(name, found.get(name) or [])}",
                                  markup=False, highlight=False, style="yellow", soft_wrap=True)


# ---------------------------------------------------------------- translation


def _engine(cfg: Settings, name: str | None, source: str, target: str, model: Path | None):
    from babelwire.translate.engines import create_engine

    try:
        return create_engine(name or cfg.translate.engine, cfg, source, target, model=model)
    except BabelwireError as exc:
        raise fail(exc.reason) from exc


def _read_input(file: Path | None) -> str:
    name = "standard input" if file is None or str(file) == "-" else str(file)
    try:
        data = sys.stdin.buffer.read() if name == "standard input" else file.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"{name} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); "
                   "translate takes plain text, or an HTML page with --html") from exc


@app.command()
def translate(
    file: Annotated[Path | None, typer.Argument(help="Plain text, blocks separated by blank lines "
                                                     "(default: stdin).")] = None,
    source: Annotated[str, typer.Option("--from", help="Source language, or auto.", callback=check_lang)] = "auto",
    target: Annotated[str, typer.Option("--to", help="Target language.", callback=check_lang)] = "en",
    engine: Annotated[str | None, typer.Option(
        "--engine", help="auto, ct2, apertium, libretranslate, deepl, openai.", callback=check_engine)] = None,
    model: Annotated[Path | None, typer.Option("--model", help="ct2 model folder.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="An HTML page: extract it, then translate.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Per block: source, text, flags and their "
                                                         "evidence.")] = False,
) -> None:
    """Translate text or an HTML page, keeping its blocks; quality flags and their evidence with --json."""
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
    from babelwire.store.glossary import glossary_terms
    from babelwire.translate.names import protect

    terms = glossary_terms(open_store(cfg), source, target)  # the global glossary of the pair
    protected = protect(_engine(cfg, engine, source, target, model), terms)
    result = translate_document(document, protected, source, target, memory=DictMemory(), glossary=terms)
    if as_json:
        out = result.document
        print_json({
            "source_language": source, "target": target, "engine": result.engine_id, "model": result.model,
            "title": {"source": document.title, "text": out.title, "flags": result.title_flags,
                      "evidence": result.title_evidence}
            if document.title else None,
            "blocks": [{"type": r.block.type, "source": b.text, "text": r.block.text, "flags": r.flags,
                        "evidence": r.evidence}
                       for b, r in zip(document.blocks, result.blocks, strict=True)],
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
        console.print(f"transformers baseline (c) skipped: {why}")
    rows = run_translate_bench(model, hf_model_dir=hf_model, decode_length=decode_length, threads=threads)
    for table in bench_tables(rows):
        console.print(table)


# ---------------------------------------------------------------- stories


@story_app.command("list")
def story_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Only stories with an article in this language.", callback=check_lang)] = None,
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
    target: Annotated[str | None, typer.Option(
        "--to", help="Show this translation (default: the grouped one).", callback=check_lang)]
    = None,
) -> None:
    """One story: every outlet's article, its lead and the quotations it carries, with speakers."""
    from babelwire.stories import get_story

    data = get_story(open_store(), story_id, target=target) if 0 < story_id < 2**63 else None
    if data is None:
        raise fail(f"no story {story_id}")
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{escape(data['title'] or '')}[/bold]")
    console.print(f"{_short_time(data['start_at'])} – {_short_time(data['end_at'])} · "
                  f"{data['article_count']} articles · {', '.join(data['outlets'])}", markup=False)
    for article in data["articles"]:
        title = article["translated_title"] or article["title"] or ""
        label = f" (machine translation → {article['translation_target']})" if article["translation_target"] else ""
        console.rule(escape(f"{article['source']} · {article['language'] or '?'} · "
                            f"{_short_time(article['published'])}"))
        console.print(f"[bold]{escape(title)}[/bold]{escape(label)}  "
                      f"[dim]article {article['id']} · {escape(article['url'])}[/dim]")
        if article["lead"]:
            console.print(article["lead"], markup=False)
        for quote in article["quotes"]:
            console.print(f"  [cyan]{escape(quote['speaker'] or 'unattributed')}[/cyan]: “{escape(quote['text'])}”")


@eval_app.command("stories")
def eval_stories(
    dataset: Annotated[Path | None, typer.Argument(help="Labelled dataset (folder of .json/.jsonl, or a file) "
                                                       "[default: the development set shipped with babelwire].")]
    = None,
    method: Annotated[list[str] | None, typer.Option("--method", help="tfidf, embedding, combined (repeat).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """B-cubed precision, recall and F1 of story grouping against labelled groups."""
    from babelwire.evaluate.stories import STORIES_DEV, evaluate_stories

    dataset = dataset or STORIES_DEV
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


# ---------------------------------------------------------------- reader and runners


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
    from babelwire.pipeline.subscriptions import source_health
    from babelwire.server import run as poll_and_serve

    cfg = settings()
    due = sorted(r.next_poll_at or "" for r in source_health(open_store(cfg)))
    if not due:
        console.print("no sources yet: add one with `babelwire source add URL` (polled within "
                      f"{format_duration(parse_duration(cfg.poll.tick))} of being added)", soft_wrap=True)
    else:
        first = "now" if not due[0] else _short_time(due[0]) + " UTC"
        console.print(f"{len(due)} sources; next poll due {first}, then each at its own interval "
                      f"(checked every {format_duration(parse_duration(cfg.poll.tick))})", soft_wrap=True)
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
        table.add_row("home", str(summary.home))
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
        with _DownloadProgress() as progress:
            run_demo(home=home, host=host, port=port, serve=not no_serve, engine=engine, pull=pull_model,
                     on_step=lambda line: err_console.print(f"[dim]·[/dim] {escape(line)}"), on_ready=ready,
                     confirm=_confirm if sys.stdin.isatty() else None, progress=progress)
    except ConfigError as exc:
        raise fail(f"{exc.reason} (try --port)") from exc
    except BabelwireError as exc:
        raise fail(exc.reason, 1) from exc


def _confirm(question: str) -> bool:
    return typer.confirm(question, default=True, err=True)


class _DownloadProgress:
    """A download bar on stderr (size, speed, time left) that appears only once bytes flow."""

    def __enter__(self):  # -> Callable[[int, int], None]
        from rich.progress import DownloadColumn, TimeRemainingColumn, TransferSpeedColumn

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
            recovery = data["recovery"]
            table.add_row("dead-worker recovery", f"heartbeat every {recovery['heartbeat_interval']:g}s, dead after "
                          f"{recovery['lease_timeout']:g}s of silence, swept every {recovery['sweep_interval']:g}s")
            scheduler = data["scheduler"]
            table.add_row("scheduler", f"last sweep {_short_time(scheduler['last_sweep'])} UTC "
                          f"({escape(scheduler['host'])}, pid {scheduler['pid']})" if scheduler else
                          "[yellow]none sweeping: dead workers are not noticed, due sources not sent[/yellow]")
            for w in data["heartbeats"]:
                if not w["alive"]:
                    table.add_row(f"worker {escape(w['worker'])}", f"[red]no heartbeat since "
                                  f"{_short_time(w['last_heartbeat'])} UTC[/red] (its work is given back on the "
                                  "next sweep)")

            def counts(numbers: dict[str, int]) -> str:
                return ", ".join(f"{n} {stage}" for stage, n in sorted(numbers.items()) if n) or "nothing"

            for w in data["stopped_workers"][:5]:
                table.add_row(f"stopped worker {escape(w['worker'])}",
                              f"[yellow]noticed {_short_time(w['noticed_at'])} UTC[/yellow] (last heartbeat "
                              f"{_short_time(w['last_heartbeat']) or '?'}): put back {counts(w['put_back'])}; "
                              f"sent again {counts(w['resent'])}")
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
