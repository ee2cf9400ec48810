"""`babelwire bench scale` smoke run: real Celery worker processes, PostgreSQL and Redis, a few pages.

Run as the command a user types, in a process of its own: the bench configures the process-wide
Celery app for its own Redis database, which must not leak into the other tests' workers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, require_service

DATASET = SHARED_DATA / "extraction-dev"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not DATASET.is_dir(), reason=f"{DATASET} is not here")
def test_scale_bench_stores_every_page_and_reports_a_rate(tmp_path):
    require_service("127.0.0.1", 5432, "PostgreSQL")
    require_service("127.0.0.1", 6379, "Redis")
    command = [sys.executable, "-m", "babelwire", "--home", str(tmp_path), "bench", "scale", "--dataset",
               str(DATASET), "--pages", "12", "--workers", "1", "--concurrency", "2", "--no-translate", "--json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["pages served"] == 12
    assert row["articles stored"] + row["pages failed"] == 12 and row["articles stored"] >= 10
    assert row["pages/minute"] > 0 and row["worker processes"] == 1
