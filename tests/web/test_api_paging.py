"""Keyset pagination of the API's lists (opaque cursors, next/previous in the body and in RFC 8288
Link headers, stable under inserts) and the /api/v1 prefix with /api as its alias, on SQLite and
PostgreSQL, through the real app over HTTP (TestClient)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from babelwire.config import Settings
from babelwire.store import Store
from babelwire.web.paging import Cursor, keyset_page
from tests.web.conftest import Newsroom

LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


def _links(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {rel: url for url, rel in LINK.findall(response.headers.get("link", ""))}


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def ten(store: Store, settings: Settings, newsroom: Newsroom) -> list[int]:
    """Ten articles of one source, published a minute apart, two of them at the very same time."""
    source = newsroom.source("Le Journal")
    t0 = datetime(2022, 1, 12, 9, 0, tzinfo=UTC)
    times = [t0 + timedelta(minutes=i) for i in range(9)] + [t0 + timedelta(minutes=8)]
    return [
        newsroom.article(source, f"Titre {i}", ["Texte."], translation=(f"Title {i}", ["Text."]), published=at)
        for i, at in enumerate(times)
    ]


@pytest.fixture
def reader(store: Store, settings: Settings) -> TestClient:
    from babelwire.web.app import create_app

    settings.web.page_size = 4
    with TestClient(create_app(store, settings)) as client:
        yield client


def test_walking_the_cursor_links_lists_every_article_once_newest_first(ten: list[int], reader: TestClient) -> None:
    newest_first = sorted(ten, key=lambda i: (ten.index(i) if i != ten[-1] else 8, i), reverse=True)
    pages, url = [], "/api/v1/articles"
    while url:
        response = reader.get(url)
        body = response.json()
        pages.append(_ids(response))
        assert body["limit"] == 4 and _links(response).get("next") == body["next"]
        assert _links(response).get("prev") == body["previous"]
        url = body["next"]
    assert [len(p) for p in pages] == [4, 4, 2]
    assert [i for p in pages for i in p] == newest_first  # ties on the time broken by id, newest first
    assert pages[0] and reader.get("/api/v1/articles").json()["previous"] is None
    assert reader.get("/api/v1/articles").json()["next"].startswith("http://testserver/api/v1/articles?limit=4&cursor=")


def test_previous_links_walk_back_to_the_first_page(ten: list[int], reader: TestClient) -> None:
    first = reader.get("/api/v1/articles?limit=3")
    second = reader.get(first.json()["next"])
    third = reader.get(second.json()["next"])
    back = reader.get(third.json()["previous"])
    assert _ids(back) == _ids(second)
    front = reader.get(back.json()["previous"])
    assert _ids(front) == _ids(first)
    assert front.json()["previous"] is None and front.json()["next"] is not None
    assert "prev" not in _links(front) and "next" in _links(front)


def test_pages_are_stable_under_inserts(ten: list[int], reader: TestClient, newsroom: Newsroom) -> None:
    """Articles arriving between two pages (newer ones, and an old one found late) neither repeat
    an article on the next page nor make one skipped — as offsets did."""
    first = reader.get("/api/v1/articles?limit=4")
    expected_rest = _ids(reader.get(first.json()["next"])) + _ids(
        reader.get(reader.get(first.json()["next"]).json()["next"])
    )
    source = newsroom.source("Die Zeitung", language="de")
    for minute in (30, 31, 32):  # newer than everything: before the first page
        newsroom.article(
            source, "Neu", ["Text."], language="de", published=datetime(2022, 1, 12, 9, minute, tzinfo=UTC)
        )
    seen, url = [], first.json()["next"]
    while url:
        response = reader.get(url)
        seen += _ids(response)
        url = response.json()["next"]
    assert seen == expected_rest
    assert not set(seen) & set(_ids(first))


def test_filters_and_lang_are_kept_in_the_links(store: Store, newsroom: Newsroom, reader: TestClient) -> None:
    journal, zeitung = newsroom.source("Le Journal"), newsroom.source("Die Zeitung", language="de")
    for i in range(5):
        newsroom.article(journal, f"Titre {i}", ["Texte."])
        newsroom.article(zeitung, f"Titel {i}", ["Text."], language="de")
    first = reader.get(f"/api/articles?source={zeitung}&lang=en&limit=2")
    assert "source=" in first.json()["next"] and "lang=en" in first.json()["next"]
    walked, url = _ids(first), first.json()["next"]
    while url:
        response = reader.get(url)
        walked += _ids(response)
        url = response.json()["next"]
    assert len(walked) == 5 and {
        a["source"] for a in reader.get(f"/api/v1/articles?source={zeitung}&limit=100").json()["items"]
    } == {"Die Zeitung"}


def test_stories_page_by_cursor(store: Store, newsroom: Newsroom, reader: TestClient) -> None:
    source = newsroom.source("Le Journal")
    stories = [newsroom.story(f"Story {i}", [newsroom.article(source, f"A{i}", ["Texte."])]) for i in range(5)]
    first = reader.get("/api/v1/stories?limit=2")
    walked, url = _ids(first), first.json()["next"]
    assert _links(first)["next"] == url
    while url:
        response = reader.get(url)
        walked += _ids(response)
        url = response.json()["next"]
    assert sorted(walked) == sorted(stories) and len(walked) == 5  # same end time: newest id first
    assert walked == sorted(stories, reverse=True)


def test_deprecated_offsets_still_work_and_lead_on_to_cursors(ten: list[int], reader: TestClient) -> None:
    by_offset = reader.get("/api/v1/articles?limit=3&offset=3")
    assert by_offset.json()["offset"] == 3 and by_offset.json()["previous"] is not None
    assert _ids(reader.get(by_offset.json()["previous"])) == _ids(reader.get("/api/v1/articles?limit=3"))
    assert _ids(reader.get("/api/v1/articles?limit=3&page=2")) == _ids(by_offset)
    assert "cursor=" in by_offset.json()["next"] and reader.get(by_offset.json()["next"]).json()["offset"] is None


def test_search_pages_by_offset_with_link_headers(store: Store, newsroom: Newsroom, reader: TestClient) -> None:
    source = newsroom.source("Le Journal")
    for i in range(5):
        newsroom.article(source, f"Bruxelles {i}", ["Réunion à Bruxelles."])
    first = reader.get("/api/v1/search?q=Bruxelles&limit=2")
    assert len(_ids(first)) == 2 and _links(first)["next"] == first.json()["next"]
    assert "offset=2" in first.json()["next"]


@pytest.mark.parametrize("text", ["AAAAAAAAAAAAAAAAAAAAAAAA", "________________________", "--------------------zzzz"])
def test_any_cursor_of_the_declared_pattern_is_a_position(ten: list[int], reader: TestClient, text: str) -> None:
    """Cursors are opaque but total: whatever fits the pattern is answered 200 (the contract's
    promise that a schema-valid request is a valid request)."""
    response = reader.get(f"/api/v1/articles?cursor={text}")
    assert response.status_code == 200 and isinstance(response.json()["items"], list)
    assert reader.get(f"/api/v1/stories?cursor={text}").status_code == 200


def test_a_malformed_cursor_is_a_422_problem(reader: TestClient) -> None:
    response = reader.get("/api/v1/articles?cursor=page-2")
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]


def test_v1_and_its_alias_answer_alike(ten: list[int], reader: TestClient) -> None:
    for path in (
        "/articles",
        f"/articles/{ten[0]}",
        f"/articles/{ten[0]}/story",
        "/stories",
        "/sources",
        "/search?q=Titre",
    ):
        versioned, alias = reader.get("/api/v1" + path), reader.get("/api" + path)
        assert versioned.status_code == alias.status_code == 200, path
        assert versioned.json() == alias.json(), path
    # Links name the versioned path, whichever the client used; errors name the path it sent.
    assert "/api/v1/articles?" in reader.get("/api/articles").json()["next"]
    assert reader.get("/api/v1/articles/424242").json()["instance"] == "/api/v1/articles/424242"
    assert reader.get("/api/articles/424242").json()["instance"] == "/api/articles/424242"


def test_conditional_get_on_a_cursor_page(ten: list[int], reader: TestClient) -> None:
    first = reader.get("/api/v1/articles")
    page = reader.get(first.json()["next"])
    again = reader.get(first.json()["next"], headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and _links(again) == _links(page)


def test_keyset_page_edges() -> None:
    at = datetime(2022, 1, 1, tzinfo=UTC)
    keys = [(at, 5), (at, 4), (at, 3)]
    page = keyset_page(keys, None, 2)
    assert page.keys == keys[:2] and page.next == Cursor(at, 4) and page.previous is None
    back = keyset_page(keys, Cursor(at, 2, backward=True), 2)  # three found before id 2: a previous page too
    assert back.keys == keys[1:] and back.previous == Cursor(at, 4, backward=True) and back.next == Cursor(at, 3)
    empty = keyset_page([], Cursor(at, 1), 2)
    assert empty.keys == [] and empty.next is None and empty.previous == Cursor(at, 1, backward=True)
    for cursor in (Cursor(at, 7), Cursor(None, 3, backward=True), Cursor(datetime(1, 1, 1, tzinfo=UTC), 0)):
        assert Cursor.decode(cursor.encode()) == cursor and len(cursor.encode()) == 24


def test_rows_without_a_time_come_last_and_page_both_ways(ten: list[int], store: Store, reader: TestClient) -> None:
    """A list time is always set by ingest, but the columns allow none: such rows are listed after
    the others (by id, newest first), and the cursors walk across the boundary in both directions."""
    from sqlalchemy import update

    from babelwire.store.models import Article

    untimed = ten[1:4]
    with store.transaction() as session:
        session.execute(update(Article).where(Article.id.in_(untimed)).values(listed_at=None))
    everything = _ids(reader.get("/api/v1/articles?limit=100"))
    assert everything[-3:] == sorted(untimed, reverse=True) and sorted(everything) == sorted(ten)
    pages, url = [], "/api/v1/articles?limit=3"
    responses = []
    while url:
        response = reader.get(url)
        responses.append(response)
        pages.append(_ids(response))
        url = response.json()["next"]
    assert [i for p in pages for i in p] == everything
    for later, earlier in zip(responses[1:], pages, strict=False):  # every previous link leads back
        assert _ids(reader.get(later.json()["previous"])) == earlier
    assert _ids(reader.get("/api/v1/articles?limit=3&offset=8")) == everything[8:]
    assert _ids(reader.get("/api/v1/articles?limit=3&offset=6")) == everything[6:9]
