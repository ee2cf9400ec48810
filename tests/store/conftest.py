"""Store fixtures: the same tests run on SQLite and, where it is running, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.store import Store
from tests.conftest import require_service

PG_HOST = os.environ.get("BABELWIRE_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_URL = os.environ.get("BABELWIRE_TEST_PG_URL", f"postgresql+psycopg://postgres@{PG_HOST}:5432/test")


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
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = Store(url)
    yield db
    db.close()
