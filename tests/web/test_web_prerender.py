"""Pre-rendered pages: the page cache's second level, under the same rule as the first (never stale)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from babelwire.config import Settings
from babelwire.store import Store
from babelwire.store.models import RenderedPage, Source
from babelwire.web.app import create_app
from babelwire.web.prerender import cache_of, prerender
from tests.web.conftest import Newsroom

FR = ["Le Conseil OTAN-Russie s'est réuni à Bruxelles.", "« Des divergences fondamentales », a dit Grouchko."]
EN = ["The NATO-Russia Council met in Brussels.", "“Fundamental differences,” Grushko said."]


def _rendered(store: Store) -> dict[str, str]:
    with store.session() as session:
        return dict(session.execute(select(RenderedPage.key, RenderedPage.version)).all())


def _fresh(store: Store, settings: Settings) -> TestClient:
    """A new app (another server process): nothing in its memory, only what the store holds."""
    return TestClient(create_app(store, settings))


def test_a_prerendered_page_is_served_by_another_server(store: Store, settings: Settings, newsroom: Newsroom,
                                                        client: TestClient):
    article = newsroom.article(newsroom.source(), "Réunion OTAN-Russie", FR, translation=("NATO-Russia meeting", EN))
    first = client.get(f"/articles/{article}")
    assert first.status_code == 200 and "The NATO-Russia Council met in Brussels." in first.text
    assert _rendered(store) == {}  # a reader's first view is cached in memory only
    assert prerender(store, settings, paths=[f"/articles/{article}"]) == 1
    assert list(_rendered(store)) == [f"/articles/{article}"]
    other = _fresh(store, settings)
    cache = cache_of(other.app)
    served = other.get(f"/articles/{article}")
    assert served.text == first.text and served.headers["etag"] == first.headers["etag"]
    assert served.headers["content-security-policy"]  # the security headers wrap stored pages too
    assert cache._inflight == {} and ("", f"/articles/{article}", b"") in cache._entries
    again = client.get(f"/articles/{article}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_stored_page_of_an_older_stamp_is_never_served(store: Store, settings: Settings, newsroom: Newsroom):
    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    assert prerender(store, settings) == 1
    newsroom.revision(article, "Réunion", [*FR, "Détails à suivre."],
                      translation=("Meeting", [*EN, "Details to follow."]))
    assert "Details to follow." in _fresh(store, settings).get(f"/articles/{article}").text


def test_a_changed_article_is_never_served_stale(store: Store, settings: Settings, newsroom: Newsroom,
                                                 client: TestClient):
    source = newsroom.source()
    article = newsroom.article(source, "Réunion OTAN-Russie", FR, translation=("NATO-Russia meeting", EN))
    assert "Details to follow" not in client.get(f"/articles/{article}").text
    newsroom.revision(article, "Réunion OTAN-Russie", [*FR, "Détails à suivre."],
                      translation=("NATO-Russia meeting", [*EN, "Details to follow."]))
    for reader in (client, _fresh(store, settings)):  # the same server and another one
        assert "Details to follow." in reader.get(f"/articles/{article}").text
    with store.transaction() as session:  # a renamed outlet shows at once too
        session.execute(update(Source).where(Source.id == source).values(name="Le Nouveau Journal"))
    assert "Le Nouveau Journal" in client.get(f"/articles/{article}").text


def test_a_story_page_follows_its_articles(store: Store, settings: Settings, newsroom: Newsroom,
                                           client: TestClient):
    one = newsroom.article(newsroom.source("RFI"), "Réunion", FR, translation=("Meeting", EN))
    story = newsroom.story("NATO-Russia meeting", [one])
    assert "Le Monde" not in client.get(f"/stories/{story}").text
    two = newsroom.article(newsroom.source("Le Monde"), "Réunion à Bruxelles", FR,
                           translation=("Meeting in Brussels", EN))
    newsroom.join(story, two)
    assert "Le Monde" in client.get(f"/stories/{story}").text
    assert "Le Monde" in client.get(f"/api/stories/{story}").text


def test_prerender_renders_every_stale_page_once(store: Store, settings: Settings, newsroom: Newsroom):
    source = newsroom.source()
    ids = [newsroom.article(source, f"Article {i}", FR, translation=(f"Article {i}", EN)) for i in range(3)]
    story = newsroom.story("A story", ids[:2])
    assert prerender(store, settings) == 4  # three articles, one story
    assert set(_rendered(store)) == {*(f"/articles/{i}" for i in ids), f"/stories/{story}"}
    assert prerender(store, settings) == 0  # nothing changed
    with store.transaction() as session:  # a poll that found nothing new: the pages stay current
        session.execute(update(Source).where(Source.id == source).values(last_polled_at=datetime.now(UTC),
                                                                          consecutive_failures=1))
    assert prerender(store, settings) == 0
    newsroom.revision(ids[0], "Article 0", FR, translation=("Article 0, updated", EN))
    # One rule: any change of content makes every stored page stale (re-rendered on demand, or here).
    assert prerender(store, settings) == 4
    assert prerender(store, settings) == 0


def test_the_server_keeps_the_newest_pages_rendered(store: Store, settings: Settings, newsroom: Newsroom):
    settings.web.prerender = 10
    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    app = create_app(store, settings, warm=True)
    with TestClient(app):
        deadline = time.monotonic() + 30
        while f"/articles/{article}" not in _rendered(store):
            assert time.monotonic() < deadline, "the background thread never rendered the page"
            time.sleep(0.2)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RenderedPage)) == 1


def test_prerender_works_when_its_caller_runs_an_event_loop(store: Store, settings: Settings, newsroom: Newsroom):
    # asyncio.run() refuses to start inside a running loop (a notebook, an async caller, a test
    # that left one running): rendering then happens on a loop of its own in another thread.
    import asyncio
    import concurrent.futures

    newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))

    async def caller() -> int:
        return prerender(store, settings)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a thread of its own: any loop of this one stays
        assert pool.submit(asyncio.run, caller()).result() == 1
