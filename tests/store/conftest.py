"""Store fixtures: the same tests run on SQLite and, where it is running, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.store import Store


# pg_url (a fresh PostgreSQL database) is a shared fixture in tests/conftest.py.
@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = Store(url)
    yield db
    db.close()
