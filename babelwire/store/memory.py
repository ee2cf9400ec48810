"""Translation memory in the store: a sentence is translated once per engine and language pair.

``translate`` never imports this: the pipeline hands a ``StoreMemory`` to
``translate.document.translate_documents`` as its ``memory`` (the ``TranslationMemory`` protocol),
so translation stays a pure function of its inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from babelwire.store.database import Store
from babelwire.store.models import MemoryEntry

_CHUNK = 500  # keys per IN (...) query, well under SQLite's variable limit


def _hash(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


class StoreMemory:
    """The ``TranslationMemory`` protocol on the ``translation_memory`` table.

    Keys are normalised sentences (``translate.document.memory_key``); rows are looked up by a
    hash of the key and the key itself is compared too, so a hash collision cannot serve the
    wrong sentence.
    """

    def __init__(self, store: Store) -> None:
        self._db = store

    def lookup(self, engine_id: str, source: str, target: str, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        with self._db.session() as session:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start:start + _CHUNK]
                rows = session.execute(
                    select(MemoryEntry.key, MemoryEntry.translation).where(
                        MemoryEntry.engine_id == engine_id, MemoryEntry.source == source,
                        MemoryEntry.target == target, MemoryEntry.key_hash.in_([_hash(k) for k in chunk]),
                    )
                )
                wanted = set(chunk)
                found.update({key: translation for key, translation in rows if key in wanted})
        return found

    def store(self, engine_id: str, source: str, target: str, items: Mapping[str, str]) -> None:
        """Remember translations; a sentence another worker stored meanwhile keeps its row."""
        if not items:
            return
        rows = [{"engine_id": engine_id, "source": source, "target": target, "key_hash": _hash(k), "key": k,
                 "translation": v} for k, v in items.items()]
        with self._db.transaction() as session:
            insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
            statement = insert(MemoryEntry).on_conflict_do_nothing(
                index_elements=["engine_id", "source", "target", "key_hash"])
            for start in range(0, len(rows), _CHUNK):
                session.execute(statement, rows[start:start + _CHUNK])
