"""The translation memory on SQLite and PostgreSQL: stored once, found again, races harmless."""

from __future__ import annotations

from babelwire.store import Store
from babelwire.store.memory import StoreMemory


def test_translations_are_remembered_per_engine_and_pair(store: Store):
    memory = StoreMemory(store)
    memory.store("ct2:a", "fr", "en", {"Bonjour.": "Hello.", "Merci.": "Thank you."})
    assert memory.lookup("ct2:a", "fr", "en", ["Bonjour.", "Merci.", "Salut."]) == {
        "Bonjour.": "Hello.", "Merci.": "Thank you."}
    assert memory.lookup("ct2:b", "fr", "en", ["Bonjour."]) == {}  # another model never reuses it
    assert memory.lookup("ct2:a", "fr", "de", ["Bonjour."]) == {}


def test_storing_again_keeps_the_first_translation(store: Store):
    # Two workers translating the same sentence: the second write is a no-op, not an error.
    first, second = StoreMemory(store), StoreMemory(Store(store.url))
    first.store("ct2:a", "fr", "en", {"Bonjour.": "Hello."})
    second.store("ct2:a", "fr", "en", {"Bonjour.": "Good morning.", "Merci.": "Thanks."})
    assert first.lookup("ct2:a", "fr", "en", ["Bonjour.", "Merci."]) == {"Bonjour.": "Hello.", "Merci.": "Thanks."}


def test_many_sentences_in_one_call(store: Store):
    memory = StoreMemory(store)
    items = {f"Phrase {i}.": f"Sentence {i}." for i in range(1200)}  # more than one chunk
    memory.store("ct2:a", "fr", "en", items)
    assert memory.lookup("ct2:a", "fr", "en", list(items)) == items
