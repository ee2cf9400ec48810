"""Opening the store: engine, SQLite tuning, automatic Alembic migrations, transactions."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import BigInteger, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from babelwire.errors import ConfigError

__all__ = ["OperationalError", "Store", "scratch_database"]  # OperationalError: the database went away (retry)
log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_migrated: set[str] = set()
_migrate_lock = threading.Lock()
_statement_listeners: dict[Callable[[], None], Callable[..., None]] = {}


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so we can BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that later wants to write can
        # fail with SQLITE_BUSY without waiting when another writer got there first.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def scratch_database(admin_url: str, prefix: str = "babelwire_scratch") -> Iterator[str]:
    """A new, empty PostgreSQL database next to ``admin_url``'s, dropped on exit (tests, benches)."""
    import uuid

    from sqlalchemy import text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


class Store:
    """The database behind babelwire: ``with store.transaction() as session: ...``."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ConfigError(f"invalid database URL {url!r}: {exc}") from exc
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
            _sqlite_setup(self.engine)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    def migrate(self, *, again: bool = False) -> None:
        """Bring the schema to the newest revision (idempotent). Done once per process and URL;
        ``again`` runs Alembic even so (tests of a second run)."""
        with _migrate_lock:
            if self.url in _migrated and not again:
                return
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            try:
                with self.engine.begin() as connection:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
            except OperationalError as exc:
                raise ConfigError(f"cannot open the database {self.engine.url!r}: {exc.orig}") from exc
            _migrated.add(self.url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def session(self) -> Session:
        """A session for reading (no commit)."""
        return self.sessions()

    def before_each_statement(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` before every SQL statement of this store; an exception it raises stops
        the statement (the session rolls back as after any error). Idempotent per callback."""
        listener = _statement_listeners.setdefault(callback, lambda *_args, **_kwargs: callback())
        if not event.contains(self.engine, "before_cursor_execute", listener):
            event.listen(self.engine, "before_cursor_execute", listener)

    @property
    def max_id(self) -> int:
        """The largest id the id columns can hold: SQLite's 64-bit INTEGER, PostgreSQL's
        ``integer`` (32 bits) unless the columns are ``bigint``."""
        from babelwire.store.models import Article

        if self.is_sqlite or isinstance(Article.__table__.c.id.type, BigInteger):
            return 2**63 - 1
        return 2**31 - 1

    def close(self) -> None:
        self.engine.dispose()
