"""``babelwire glossary``: required translations of names and terms ("Grouchko" → "Grushko")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import app, check_code, console, err_console, fail, open_store, print_json

glossary_app = typer.Typer(
    help="Glossary: terms and names that must come out as given (global or per source).",
    no_args_is_help=True,
)
app.add_typer(glossary_app, name="glossary")

FromOption = Annotated[str, typer.Option("--from", help="Language of the term, e.g. fr.", callback=check_code)]
ToOption = Annotated[str, typer.Option("--to", help="Language of the translation, e.g. en.", callback=check_code)]


def _source_label(source_id: int | None) -> str:
    return f"source {source_id}" if source_id is not None else "all sources"


def _resolve_source(store, ref: str | None) -> int | None:  # store: Store
    from babelwire.store.glossary import find_source_id

    if ref is None:
        return None
    source_id = find_source_id(store, ref)
    if source_id is None:
        raise fail(f"no source {ref} (give its id or URL, see `babelwire source list`)")
    return source_id


@glossary_app.command("add")
def glossary_add(
    term: Annotated[str, typer.Argument(help="The term as written in the original, e.g. Grouchko.")],
    translation: Annotated[str, typer.Argument(help="What it must become, e.g. Grushko.")],
    source_lang: FromOption,
    target_lang: ToOption,
    source: Annotated[str | None, typer.Option("--source", help="Only for this source (id or URL).")] = None,
) -> None:
    """Make TERM come out as TRANSLATION (an existing entry gets the new translation)."""
    from babelwire.store.glossary import GlossaryError, add_term

    store = open_store()
    source_id = _resolve_source(store, source)
    try:
        entry, created = add_term(store, term, translation, source_lang, target_lang, source_id=source_id)
    except GlossaryError as exc:
        raise fail(str(exc)) from exc
    verb = "added" if created else "updated"
    console.print(f"{verb} glossary entry {entry.id}: {entry.source_lang}→{entry.target_lang} "
                  f"{escape(entry.term)} → {escape(entry.translation)} ({_source_label(entry.source_id)})",
                  soft_wrap=True)
    console.print("translations already made keep their wording; new ones use the glossary", style="dim")


@glossary_app.command("list")
def glossary_list(
    source_lang: Annotated[str | None, typer.Option(
        "--from", help="Only terms in this language.", callback=check_code)] = None,
    target_lang: Annotated[str | None, typer.Option(
        "--to", help="Only translations into this language.", callback=check_code)] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only the entries of this source.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """The glossary entries, by language pair and term."""
    from babelwire.store.glossary import GlossaryError, list_terms

    store = open_store()
    source_id = _resolve_source(store, source)
    try:
        entries = list_terms(store, source_lang=source_lang, target_lang=target_lang, source_id=source_id)
    except GlossaryError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json([e.as_dict() for e in entries])
        return
    if not entries:
        console.print("no glossary entries: add one with `babelwire glossary add TERM TRANSLATION "
                      "--from fr --to en`", markup=False)
        return
    table = Table(title="glossary")
    table.add_column("id", justify="right")
    table.add_column("pair", no_wrap=True)
    table.add_column("term", overflow="fold", ratio=2)
    table.add_column("translation", overflow="fold", ratio=2)
    table.add_column("source", overflow="fold", ratio=1)
    for e in entries:
        table.add_row(str(e.id), f"{e.source_lang}→{e.target_lang}", escape(e.term), escape(e.translation),
                      str(e.source_id) if e.source_id is not None else "all")
    console.print(table)


@glossary_app.command("remove")
def glossary_remove(
    refs: Annotated[list[str], typer.Argument(help="Entry ids or terms (a term: every entry holding it).")],
    source_lang: Annotated[str | None, typer.Option(
        "--from", help="Only entries in this language.", callback=check_code)] = None,
    target_lang: Annotated[str | None, typer.Option(
        "--to", help="Only entries into this language.", callback=check_code)] = None,
) -> None:
    """Delete glossary entries by id or term."""
    from babelwire.store.glossary import GlossaryError, remove_terms

    try:
        removed, unmatched = remove_terms(open_store(), refs, source_lang=source_lang, target_lang=target_lang)
    except GlossaryError as exc:
        raise fail(str(exc)) from exc
    for e in removed:
        console.print(f"removed glossary entry {e.id}: {e.source_lang}→{e.target_lang} {escape(e.term)} → "
                      f"{escape(e.translation)} ({_source_label(e.source_id)})", soft_wrap=True)
    if unmatched:
        raise fail("no glossary entry " + ", ".join(unmatched))


@glossary_app.command("export")
def glossary_export(
    file: Annotated[Path, typer.Argument(help="CSV file to write; - for standard output.")],
) -> None:
    """Write every entry as CSV: source_lang,target_lang,term,translation,source (URL, empty: all)."""
    from babelwire.store.glossary import export_csv

    text = export_csv(open_store())
    if str(file) == "-":
        sys.stdout.write(text)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {file}: {exc.strerror or exc}") from exc
    count = text.count("\n") - 1
    console.print(f"wrote {count} glossary entr{'y' if count == 1 else 'ies'} to {escape(str(file))}",
                  soft_wrap=True)


@glossary_app.command("import")
def glossary_import(
    file: Annotated[Path, typer.Argument(help="CSV file (as written by export); - for standard input.")],
) -> None:
    """Add or update the entries of a CSV file: all of them, or none when a row is bad."""
    from babelwire.store.glossary import import_csv

    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"{file} is not UTF-8 text (byte {exc.start})") from exc
    result = import_csv(open_store(), text)
    if result.errors:
        for line, reason in result.errors:
            err_console.print(f"{escape(str(file))}:{line}: {escape(reason)}", soft_wrap=True)
        if any(reason.startswith("unknown language code") for _line, reason in result.errors):
            from babelwire.languages import supported_codes

            err_console.print(f"supported language codes: {supported_codes()}", markup=False)
        raise fail(f"nothing imported: {len(result.errors)} bad row(s)")
    console.print(f"imported {escape(str(file))}: {result.added} added, {result.updated} updated, "
                  f"{result.unchanged} unchanged", soft_wrap=True)
