"""`bench scale` smoke run: real Celery worker processes, PostgreSQL and Redis, a few pages."""

from __future__ import annotations

import pytest

from babelwire.bench.scale import run_scale_bench
from tests.conftest import SHARED_DATA, require_service

DATASET = SHARED_DATA / "extraction-dev"


@pytest.mark.skipif(not DATASET.is_dir(), reason=f"{DATASET} is not here")
def test_scale_bench_stores_every_page_and_reports_a_rate(tmp_path):
    require_service("127.0.0.1", 5432, "PostgreSQL")
    require_service("127.0.0.1", 6379, "Redis")
    (row,) = run_scale_bench(DATASET, pages=12, workers=(1,), concurrency=2, translate=False, logs=tmp_path)
    assert row["pages served"] == 12
    assert row["articles stored"] + row["pages failed"] == 12 and row["articles stored"] >= 10
    assert row["pages/minute"] > 0 and row["worker processes"] == 1
