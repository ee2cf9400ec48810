"""``babelwire eval translation``: BLEU and chrF (sacrebleu) plus the rate of each quality flag."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import sacrebleu
from rich.table import Table

from babelwire.document import Block, Document
from babelwire.errors import ConfigError
from babelwire.translate.document import DictMemory, translate_documents
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.quality import FLAG_DESCRIPTIONS


@dataclass
class TranslationReport:
    engine: str
    model: str | None
    source: str
    target: str
    segments: int
    bleu: float
    chrf: float
    seconds: float
    flag_rates: dict[str, float] = field(default_factory=dict)  # flag → share of segments


def read_lines(path: Path) -> list[str]:
    """One segment per line (the usual format of test sets such as FLORES or WMT)."""
    try:
        return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def evaluate_translation(
    sources: list[str], references: list[str], engine: TranslationEngine, source: str, target: str
) -> TranslationReport:
    """Translate each source line through babelwire's full path (names kept, segmentation,
    quotations, typography, checks) and score it against its reference."""
    from babelwire.translate.names import protect

    if len(sources) != len(references):
        raise ConfigError(f"{len(sources)} source lines but {len(references)} reference lines")
    document = Document(blocks=[Block("paragraph", line) for line in sources], language=source)
    start = time.perf_counter()
    # As poll and translate do: proper names pass the engine as placeholders (translate/names.py).
    (result,) = translate_documents([document], protect(engine), source, target, memory=DictMemory())
    seconds = time.perf_counter() - start
    hypotheses = [block.text for block in result.document.blocks]
    counts = dict.fromkeys(FLAG_DESCRIPTIONS, 0)
    for flags in result.flags:
        for flag in flags:
            counts[flag] = counts.get(flag, 0) + 1
    n = max(1, len(sources))
    return TranslationReport(
        engine=engine.name, model=engine.model, source=source, target=target, segments=len(sources),
        bleu=round(sacrebleu.corpus_bleu(hypotheses, [references]).score, 2),
        chrf=round(sacrebleu.corpus_chrf(hypotheses, [references]).score, 2),
        seconds=round(seconds, 2),
        flag_rates={flag: round(count / n, 4) for flag, count in counts.items()},
    )


def report_table(report: TranslationReport) -> Table:
    table = Table(title=f"translation quality {report.source}→{report.target}: {report.engine} "
                        f"{report.model or ''} ({report.segments} segments, {report.seconds} s)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("BLEU", f"{report.bleu:.2f}")
    table.add_row("chrF", f"{report.chrf:.2f}")
    for flag, rate in report.flag_rates.items():
        table.add_row(f"flag {flag}", f"{rate:.1%}")
    return table
