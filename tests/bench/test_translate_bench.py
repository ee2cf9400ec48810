"""Smoke test of ``babelwire bench translate`` on the tiny model: shape of the results, not speed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from babelwire.bench.translate import (
    BENCH_SENTENCES_FR,
    TARGETS,
    bench_ratios,
    bench_tables,
    format_bench,
    run_translate_bench,
)
from babelwire.translate.testing import build_marian_model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("bench-tiny")
    return build_marian_model(root / "ct2", hf_dir=root / "hf"), root / "hf"


def test_bench_runs_all_paths_and_reports_ratios(tiny: tuple[Path, Path]) -> None:
    ct2_dir, hf_dir = tiny
    sentences = BENCH_SENTENCES_FR[:6]
    rows = run_translate_bench(ct2_dir, hf_model_dir=hf_dir, sentences=sentences, decode_length=8,
                               threads=1, batch_size=4, warmup=2)
    assert [(r.path, r.beam_size) for r in rows] == [
        ("a", 1), ("b", 1), ("c", 1), ("a", 4), ("b", 4), ("c", 4)]
    for row in rows:
        # The forced length makes every decoder produce exactly the same amount of work.
        assert row.target_tokens == 8 * len(sentences)
        assert row.sentences == len(sentences)
        assert row.seconds > 0 and row.tokens_per_second > 0
    ratios = {q.name: q for q in bench_ratios(rows)}
    assert set(ratios) == set(TARGETS)
    assert all(q.value > 0 and q.target == TARGETS[name] for name, q in ratios.items())

    text = format_bench(rows)
    assert "babelwire CT2Engine" in text and "transformers fp32" in text and "a/c beam 4" in text
    tables = bench_tables(rows)
    assert all(isinstance(t, Table) for t in tables)
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    for table in tables:
        console.print(table)
    assert "tokens/s" in console.export_text()


def test_bench_without_transformers_model_skips_path_c(tiny: tuple[Path, Path]) -> None:
    rows = run_translate_bench(tiny[0], hf_model_dir=None, sentences=BENCH_SENTENCES_FR[:3],
                               decode_length=4, threads=1, beams=(1,), warmup=1)
    assert [r.path for r in rows] == ["a", "b"]
    assert [q.name for q in bench_ratios(rows)] == ["a/b greedy"]
