"""`bench web` smoke run: a small store, a child uvicorn process, every endpoint measured."""

from __future__ import annotations

from sqlalchemy import func, select

from babelwire.bench.web import ENDPOINTS, generate_store, run_web_bench
from babelwire.store import Store, queries
from babelwire.store.models import Article, Story, Translation


def test_generated_store_looks_like_real_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'babelwire.db'}"
    ids = generate_store(url, articles=300, sources=5)
    store = Store(url)
    with store.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 300
        assert session.scalar(select(func.count(Translation.id))) == 300
        counts = session.scalars(select(Story.article_count)).all()
        in_stories = session.scalar(select(func.count(Article.id)).where(Article.story_id.is_not(None)))
    assert len(ids["stories"]) == len(counts) > 0 and sum(counts) == in_stories
    article = queries.article_record(store, ids["articles"][7])
    (revision,) = article.revisions
    blocks = revision.document.blocks
    assert 6 <= len(blocks) <= 12
    translation = revision.translations[0]
    assert len(translation.document.blocks) == len(blocks) == len(translation.flags["blocks"])
    store.close()


def test_web_bench_smoke_run_reports_every_endpoint(tmp_path):
    result = run_web_bench(articles=200, clients=5, requests=20, warmup=5, home=tmp_path)
    assert [row["endpoint"] for row in result["rows"]] == list(ENDPOINTS)
    for row in result["rows"]:
        assert row["requests"] == 20 and row["errors"] == 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert row["rps"] > 0
    assert isinstance(result["targets_met"], bool)
