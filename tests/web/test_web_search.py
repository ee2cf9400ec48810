"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector), kept current by triggers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from babelwire.config import Settings
from babelwire.pipeline.subscriptions import remove_source
from babelwire.store import Store
from babelwire.store.search import fts5_query, index_article, search
from tests.web.conftest import Newsroom

HOSTILE_QUERIES = ['"', "'", "(", ")", "AND", "OR NOT", "*", "chat*", 'NEAR("a" "b")', "col:chat", "^", "-",
                   "\\", "%", "'; DROP TABLE articles; --", "\x00", "é" * 400, "   "]


@pytest.fixture
def room(store: Store) -> Newsroom:
    room = Newsroom(store)
    source = room.source("Le Journal")
    room.article(source, "Le chat du maire", ["Le chat a mangé les souris du voisin."],
                 translation=("The mayor's cat", ["The cat ate the neighbour's mice."]))
    room.article(source, "Élections régionales", ["Les électeurs se sont déplacés en nombre."])
    return room


def _ids(hits: list[dict]) -> list[int]:
    return [h["article_id"] for h in hits]


def test_finds_original_and_translated_text(store, room):
    (original,) = search(store, "souris")
    assert original["article_id"] == 1 and "<mark>souris</mark>" in original["snippet"]
    (translated,) = search(store, "neighbour mice")
    assert translated["article_id"] == 1 and translated["lang"] == "en"
    assert _ids(search(store, "chat")) == [1]  # original and translation match: one hit per article
    assert _ids(search(store, "électeurs")) == [2]
    assert search(store, "girafe") == []


def test_malformed_queries_never_fail(store, room):
    for q in HOSTILE_QUERIES:
        assert isinstance(search(store, q), list), q


def test_index_follows_new_revisions_translations_and_removals(store, room):
    room.revision(2, "Élections régionales", ["Les électrices ont voté dimanche."],
                  translation=("Regional elections", ["Women voters voted on Sunday."]))
    assert search(store, "déplacés") == []  # only the newest revision is indexed
    assert _ids(search(store, "sunday")) == [2]
    with store.transaction() as session:
        index_article(session, 2)  # rebuilding by hand gives the same index
    assert _ids(search(store, "sunday")) == [2] and _ids(search(store, "dimanche")) == [2]

    remove_source(store, "1")
    assert search(store, "chat") == [] and search(store, "sunday") == []


def test_pagination_of_hits(store, room):
    for i in range(5):
        room.article(1, f"Orage numéro {i}", [f"Un orage violent, le {i}e de la saison."])
    first, second = search(store, "orage", limit=3), search(store, "orage", limit=3, offset=3)
    assert len(first) == 3 and len(second) == 2 and not set(_ids(first)) & set(_ids(second))


def test_fts5_query_quotes_every_word():
    assert fts5_query('chat" OR (souris') == '"chat" "OR" "souris"'
    assert fts5_query("!!! ---") == ""


def test_search_page_and_api(store, room, tmp_path):
    from babelwire.web.app import create_app

    with TestClient(create_app(store, Settings(home=tmp_path))) as client:
        html = client.get("/search", params={"q": "mice"}).text
        assert "<mark>mice</mark>" in html and "/articles/1" in html
        data = client.get("/api/search", params={"q": "chat"}).json()
        assert [h["id"] for h in data["items"]] == [1] and data["q"] == "chat"
        for q in HOSTILE_QUERIES[:8]:
            assert client.get("/search", params={"q": q}).status_code == 200
            assert client.get("/api/search", params={"q": q}).status_code == 200


def test_control_characters_in_a_search_are_spaces_on_both_databases(client, newsroom) -> None:
    """PostgreSQL refuses a NUL in any text: a query holding one is searched without it (page and
    API), never a 500."""
    source = newsroom.source("Le Journal")
    newsroom.article(source, "Le chat du maire", ["Le chat du maire dort."], translation=("The cat", ["It sleeps."]))
    api = client.get("/api/v1/search", params={"q": "chat\x00"})
    assert api.status_code == 200 and [hit["title"] for hit in api.json()["items"]] == ["Le chat du maire"]
    assert client.get("/search", params={"q": "\x00chat\x1f"}).status_code == 200
