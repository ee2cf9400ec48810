"""ETag / Last-Modified validators and 304s on pages, API and feeds; changes show through."""

from __future__ import annotations

import pytest

from tests.web.conftest import Newsroom


@pytest.fixture
def filled(newsroom: Newsroom) -> int:
    source = newsroom.source()
    return newsroom.article(source, "Premier", ["Un."], translation=("First", ["One."]))


@pytest.mark.parametrize("path", ["/", "/articles/1", "/api/articles", "/api/articles/1", "/feeds/all.atom",
                                  "/sources", "/api/search?q=one"])
def test_if_none_match_gets_304(client, filled, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["etag"] and first.headers["last-modified"]

    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert "default-src 'self'" in again.headers["content-security-policy"]
    assert client.get(path, headers={"If-None-Match": f'"other", W/{first.headers["etag"]}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_if_modified_since_gets_304(client, filled):
    first = client.get("/api/articles")
    assert client.get("/api/articles", headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
    long_ago = "Thu, 01 Jan 1970 00:00:00 GMT"
    assert client.get("/api/articles", headers={"If-Modified-Since": long_ago}).status_code == 200
    assert client.get("/api/articles", headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_a_change_in_the_store_changes_the_answer(client, newsroom, filled):
    first = client.get("/")
    newsroom.article(newsroom.source("Autre"), "Deuxième", ["Deux."], translation=("Second", ["Two."]))
    # No invalidate(): every request asks the store whether anything committed.

    second = client.get("/", headers={"If-None-Match": first.headers["etag"]})

    assert second.status_code == 200 and "Second" in second.text
    assert second.headers["etag"] != first.headers["etag"]


def test_errors_are_not_cached_and_have_no_etag(client):
    response = client.get("/articles/77")
    assert response.status_code == 404 and "etag" not in response.headers


def test_concurrent_requests_for_an_uncached_answer_share_one_render(store):
    """Fifty readers arriving at once for a page nobody has rendered cost one render, not fifty."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from babelwire.web.caching import ChangeClock, ConditionalCacheMiddleware

    renders = 0

    async def slow_page(scope, receive, send):
        nonlocal renders
        renders += 1
        await asyncio.sleep(0.2)  # a render long enough for every request to arrive meanwhile
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": f"render {renders}".encode()})

    app = ConditionalCacheMiddleware(slow_page, ChangeClock(store))

    async def readers() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reader") as client:
            return await asyncio.gather(*(client.get("/search?q=otan") for _ in range(50)))

    # In a thread of its own: an earlier test (Playwright's sync API) may leave a loop on this one.
    with ThreadPoolExecutor(1) as pool:
        answers = pool.submit(asyncio.run, readers()).result()
    assert renders == 1
    assert {a.status_code for a in answers} == {200} and {a.text for a in answers} == {"render 1"}
    assert len({a.headers["etag"] for a in answers}) == 1


def test_a_poll_invalidates_source_health_only(client, newsroom, filled):
    """The rule: content changes invalidate every answer; polling state only the health answers."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from babelwire.store.models import Source

    article = filled
    page, health = client.get(f"/articles/{article}"), client.get("/api/sources")
    cache = client.app.state.web.clock
    content = cache.content
    with newsroom.store.transaction() as session:
        session.execute(update(Source).values(last_polled_at=datetime.now(UTC), consecutive_failures=3))
    again = client.get(f"/articles/{article}", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and cache.content == content
    changed = client.get("/api/sources", headers={"If-None-Match": health.headers["etag"]})
    assert changed.status_code == 200 and {s["consecutive_failures"] for s in changed.json()} == {3}


def test_a_stale_answer_is_never_served_after_a_write_in_another_process(client, newsroom, filled):
    first = client.get("/api/articles")
    for i in range(3):  # each write is seen by the very next request (no interval)
        newsroom.article(newsroom.source(f"Autre {i}"), f"Nouveau {i}", ["Un."], translation=(f"New {i}", ["One."]))
        answer = client.get("/api/articles")
        assert f"New {i}" in answer.text and answer.headers["etag"] != first.headers["etag"]
        first = answer
