"""Shared fixtures: a real loopback HTTP server, a fresh home folder, service checks."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.loopback import LoopbackServer

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_HOST = os.environ.get("BABELWIRE_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_URL = os.environ.get("BABELWIRE_TEST_PG_URL", f"postgresql+psycopg://postgres@{PG_HOST}:5432/test")


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
    from sqlalchemy import create_engine, text

    name = f"babelwire_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store URL for a test run on both databases; exported as BABELWIRE_DATABASE_URL so
    subprocesses (CLI, workers) open the same store."""
    sqlite = f"sqlite:///{home / 'babelwire.db'}"
    url = sqlite if request.param == "sqlite" else request.getfixturevalue("pg_url")
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", url)
    return url
