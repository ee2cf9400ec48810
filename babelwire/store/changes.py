"""Has anything been committed? — the page cache's cheap question before every request.

The store's change stamp (``store.queries.change_stamp``) says *what* changed, from the rows; this
probe only says *whether* a transaction may have committed since it last looked, in microseconds
and without reading a table, so that the stamp is re-read only then.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any

from babelwire.store.database import Store


class ChangeProbe:
    """Says, in microseconds and without touching a table, whether any transaction may have
    committed since it last looked: SQLite's ``PRAGMA data_version`` (moves when another connection
    commits; this one never writes), PostgreSQL's ``txid_current_snapshot()`` (moves when any
    transaction starts writing or ends). A move only means "re-read the stamp"."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._connection: Any = None
        self._seen: Any = None
        url = store.engine.url
        if store.is_sqlite:
            self.sql = "PRAGMA data_version" if url.database not in (None, "", ":memory:") else None
        elif url.get_backend_name() == "postgresql":
            self.sql = "SELECT txid_current_snapshot()::text"
        else:
            self.sql = None
        self.inline = store.is_sqlite  # cheaper than a thread hop; PostgreSQL is a round trip

    @property
    def usable(self) -> bool:
        return self.sql is not None

    def moved(self) -> bool:
        """True when the store may have changed since the last call (always the first time)."""
        with self._lock:
            try:
                if self._connection is None:
                    if self.store.is_sqlite:
                        self._connection = sqlite3.connect(self.store.engine.url.database, timeout=60,
                                                           isolation_level=None, check_same_thread=False)
                    else:
                        # Its own connection, out of the pool for good (detached; closed by close()).
                        self._connection = self.store.engine.raw_connection()
                        self._connection.detach()
                        self._connection.driver_connection.autocommit = True
                cursor = self._connection.cursor()
                try:
                    cursor.execute(self.sql)
                    value = cursor.fetchone()[0]
                finally:
                    cursor.close()
            except Exception:  # a lost connection: open another next time, re-read the stamp now
                self._close()
                return True
            moved = value != self._seen
            self._seen = value
            return moved

    def _close(self) -> None:
        connection, self._connection, self._seen = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    def close(self) -> None:
        with self._lock:
            self._close()
