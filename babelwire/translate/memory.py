"""Translation memory in the store: a sentence is translated once per engine and language pair."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from babelwire.store import Store
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
        if not items:
            return
        existing = self.lookup(engine_id, source, target, list(items))
        new = {k: v for k, v in items.items() if k not in existing}
        if not new:
            return
        try:
            with self._db.transaction() as session:
                session.add_all(
                    MemoryEntry(engine_id=engine_id, source=source, target=target, key_hash=_hash(k), key=k,
                                translation=v)
                    for k, v in new.items()
                )
        except IntegrityError:
            # Another worker stored some of the same sentences meanwhile: store the rest one by one.
            for key, value in new.items():
                try:
                    with self._db.transaction() as session:
                        session.add(MemoryEntry(engine_id=engine_id, source=source, target=target,
                                                key_hash=_hash(key), key=key, translation=value))
                except IntegrityError:
                    continue
