"""Smoke run of the story placement benchmark at small sizes (no timing assertions)."""

from __future__ import annotations

from babelwire.bench.stories import run_stories_bench


def test_bench_runs_at_small_sizes():
    rows = run_stories_bench((50, 200), placements=3)
    assert [row["stories"] for row in rows] == [50, 200]
    assert all(row["median_ms"] > 0 and row["placements"] == 3 for row in rows)
