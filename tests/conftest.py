"""Shared fixtures: a real loopback HTTP server, a fresh home folder, service checks."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.loopback import LoopbackServer
from babelwire.store import Store
from babelwire.store.database import scratch_database

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_HOST = os.environ.get("BABELWIRE_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_URL = os.environ.get("BABELWIRE_TEST_PG_URL", f"postgresql+psycopg://postgres@{PG_HOST}:5432/test")
NOWHERE = "http://127.0.0.1:9"  # the discard port: refused at once


@pytest.fixture(autouse=True)
def _no_model_downloads_from_the_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Model release storage, its index and the Hub point nowhere unless a test serves them on
    loopback: a machine with internet must never download hundreds of megabytes in a test."""
    monkeypatch.setenv("BABELWIRE_MODELS_RELEASE_URL", NOWHERE)
    monkeypatch.setenv("BABELWIRE_MODELS_INDEX_URL", f"{NOWHERE}/released-models.txt")
    monkeypatch.setenv("HF_ENDPOINT", NOWHERE)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty babelwire home with private addresses allowed (the tests serve on loopback)."""
    path = tmp_path / "home"
    monkeypatch.setenv("BABELWIRE_HOME", str(path))
    monkeypatch.setenv("BABELWIRE_FETCH_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("BABELWIRE_FETCH_HOST_DELAY", "0")
    monkeypatch.setenv("BABELWIRE_FETCH_BACKOFF", "0.05")
    return path


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip: that folder exists on developer machines only."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (shared development data is not part of the package)")
    return path


def require_service(host: str, port: int, name: str) -> None:
    """Skip when a service is not listening, or fail when BABELWIRE_REQUIRE_SERVICES=1."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError as exc:
        message = f"{name} is not reachable at {host}:{port} ({exc})"
        if os.environ.get("BABELWIRE_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " and BABELWIRE_REQUIRE_SERVICES=1")
        pytest.skip(message)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    require_service(PG_HOST, 5432, "PostgreSQL")
    with scratch_database(PG_ADMIN_URL, "babelwire_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on SQLite, then on PostgreSQL: tests that take it run on both."""
    url = f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = Store(url)
    yield db
    db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store URL for a test run on both databases; exported as BABELWIRE_DATABASE_URL so
    subprocesses (CLI, workers) open the same store."""
    sqlite = f"sqlite:///{home / 'babelwire.db'}"
    url = sqlite if request.param == "sqlite" else request.getfixturevalue("pg_url")
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", url)
    return url
