"""`bench firstview`: distinct pages of a generated store through the whole app, none pre-rendered."""

from __future__ import annotations

from babelwire.bench.firstview import run_first_view_bench


def test_first_views_are_measured_for_articles_and_stories():
    result = run_first_view_bench(articles=300, views=20)
    rows = {row["page"]: row for row in result["rows"]}
    assert set(rows) == {"article", "story"}
    for row in rows.values():
        assert row["views"] == 20 and row["errors"] == 0  # every page answered 200: real renders
        assert row["cpu_ms"] > 0  # the rate is computed before cpu_ms is rounded to 0.01 ms
        assert abs(row["views_per_cpu_second"] - 1000 / row["cpu_ms"]) <= 1000 / row["cpu_ms"] * 0.01 + 1
