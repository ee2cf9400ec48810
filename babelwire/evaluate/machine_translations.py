"""Add machine translations to a story development set, so grouping is measured on what a weak
engine gives (the default on a machine without a neural model) and not only on human English.

``python -m babelwire.evaluate.machine_translations DATASET.json`` translates every non-English
article's title and text into English with the product's own Apertium engine (a pivot chain such
as fr→es→en when no direct pair is installed, through ``translate.document`` exactly as the
pipeline does) and stores them as ``apertium_title`` / ``apertium_text``, with the engine id in
``apertium_engine``. Run once; the shipped set keeps the result, so evaluations need no Apertium.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babelwire.document import Block, Document
from babelwire.translate.document import translate_document
from babelwire.translate.engines.apertium import ApertiumEngine

TARGET = "en"
_SHORT = ("id", "group", "source", "language", "published")


def add_apertium(path: Path) -> int:
    """Translate the dataset's non-English articles in place; how many were translated."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    done = 0
    for row in rows:
        if row["language"] == TARGET:
            continue
        engine = ApertiumEngine(source=row["language"], target=TARGET)
        if not engine.supports(row["language"], TARGET):
            raise SystemExit(f"Apertium cannot translate {row['language']}→{TARGET} here: install the pairs "
                             "(apt-get install apertium apertium-fr-es apertium-eng-spa)")
        blocks = [Block("paragraph", part.strip()) for part in row["text"].split("\n\n") if part.strip()]
        result = translate_document(Document(title=row["title"], blocks=blocks, language=row["language"]),
                                    engine, row["language"], TARGET)
        row["apertium_title"] = result.document.title
        row["apertium_text"] = "\n\n".join(b.text for b in result.document.blocks)
        row["apertium_engine"] = result.engine_id
        done += 1
    path.write_text(_dumps(rows), encoding="utf-8")
    return done


def _dumps(rows: list[dict]) -> str:
    """The set's own layout: the short fields on the first line, then one field per line, so a diff
    shows which field of which article changed."""
    items = []
    for row in rows:
        short = [f"{json.dumps(k)}: {json.dumps(row[k], ensure_ascii=False)}" for k in _SHORT if k in row]
        rest = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in row.items() if k not in _SHORT]
        items.append("{" + ",\n ".join([", ".join(short), *rest]) + "}")
    return "[\n" + ",\n".join(items) + "\n]\n"


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(Path(__file__).parent / "data" / "stories-dev" / "written.json")]:
        print(f"{name}: {add_apertium(Path(name))} articles translated with Apertium")
