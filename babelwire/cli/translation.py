"""``babelwire translate``: translate text or an HTML page outside the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from babelwire.cli.app import (
    app,
    check_code,
    check_engine,
    check_lang,
    fail,
    open_store,
    print_json,
    settings,
    translation_engine,
)
from babelwire.errors import BabelwireError


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
    target: Annotated[str, typer.Option("--to", help="Target language.", callback=check_code)] = "en",
    engine: Annotated[str | None, typer.Option(
        "--engine", help="auto, ct2, apertium, libretranslate, deepl, openai.", callback=check_engine)] = None,
    model: Annotated[Path | None, typer.Option("--model", help="ct2 model folder.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="An HTML page: extract it, then translate.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Per block: source, text, flags and their "
                                                         "evidence.")] = False,
) -> None:
    """Translate text or an HTML page, keeping its blocks; quality flags and their evidence with --json."""
    from babelwire.extract import extract_document
    from babelwire.extract.language import detect_language
    from babelwire.pipeline.translation import document_from_text, translate_outside_store

    cfg = settings()
    if html is not None:
        try:
            document = extract_document(html.read_bytes())
        except OSError as exc:
            raise fail(f"cannot read {html}: {exc.strerror}") from exc
        except BabelwireError as exc:
            raise fail(f"{html}: {exc.reason}", 1) from exc
    else:
        document = document_from_text(_read_input(file))
    if source == "auto":
        detected = document.language or detect_language(document.text)
        if not detected:
            raise fail("could not detect the source language: give --from")
        source = detected
    result = translate_outside_store(open_store(cfg), document, translation_engine(cfg, engine, source, target, model),
                                     source=source, target=target)
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
