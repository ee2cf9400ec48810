"""Scale-out fixtures: a dedicated Redis database, and Celery workers as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import require_service

REDIS_HOST = os.environ.get("BABELWIRE_TEST_REDIS_HOST", "127.0.0.1")
# A database number of its own, flushed before and after: tests never touch other users' keys.
REDIS_DB = int(os.environ.get("BABELWIRE_TEST_REDIS_DB", "5"))


@pytest.fixture
def broker_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """redis://…/5, empty, exported as BABELWIRE_BROKER_URL; flushed again afterwards."""
    require_service(REDIS_HOST, 6379, "Redis")
    url = f"redis://{REDIS_HOST}:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    monkeypatch.setenv("BABELWIRE_BROKER_URL", url)
    yield url
    client.flushdb()
    client.close()


class Workers:
    """``babelwire worker`` / ``babelwire scheduler`` subprocesses (the commands a user runs),
    started with the current environment."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: list[subprocess.Popen] = []

    def start(self, queues: str = "fetch,extract", concurrency: int = 4) -> subprocess.Popen:
        log = (self.logs / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "babelwire", "worker", "--queues", queues, "--concurrency", str(concurrency)],
            env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def start_scheduler(self, tick: str = "1s") -> subprocess.Popen:
        """``babelwire scheduler``: sends due sources and re-sends pending work not in flight."""
        log = (self.logs / "scheduler.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "babelwire", "scheduler"],
            env={**os.environ, "BABELWIRE_POLL_TICK": tick}, stdout=log, stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def wait_ready(self, count: int, timeout: float = 30.0) -> None:
        """Block until ``count`` workers answer a ping."""
        from babelwire.pipeline.celery_app import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(app.control.ping(timeout=0.5) or []) >= count:
                return
            dead = [p for p in self.processes if p.poll() is not None]
            assert not dead, f"a worker exited: see {self.logs}"
        raise AssertionError(f"{count} workers did not start within {timeout}s (logs in {self.logs})")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.stop()
