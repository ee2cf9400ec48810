"""The reader under attack: Host headers, renders shared across event loops, error answers,
ids out of range, renders nobody waits for, and query strings that would force fresh renders.

Every test that touches a store runs on SQLite and PostgreSQL (the ``settings`` fixture)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select

from babelwire.config import Settings, load_settings
from babelwire.errors import ConfigError
from babelwire.store import Store
from babelwire.store.models import RenderedPage
from babelwire.web import api as api_module
from babelwire.web import pages as pages_module
from babelwire.web.app import create_app
from babelwire.web.caching import ConditionalCacheMiddleware, RenderCancelled, check_cancelled
from babelwire.web.prerender import Prerenderer
from babelwire.web.security import HostPolicy
from tests.web.conftest import Newsroom

FR = ["Le Conseil OTAN-Russie s'est réuni à Bruxelles.", "« Des divergences fondamentales », a dit Grouchko."]
EN = ["The NATO-Russia Council met in Brussels.", "“Fundamental differences,” Grushko said."]
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")
ATOM = "{http://www.w3.org/2005/Atom}"
WAIT = 3000  # polls of 10 ms at most while waiting for a condition (a hang guard, not a timing)


def _secure(response: httpx.Response) -> None:
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert missing == [], f"{response.request.url} ({response.status_code}) lacks {missing}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def _atom_links(atom: bytes) -> list[str]:
    return [link.get("href") for link in etree.fromstring(atom).iter(f"{ATOM}link")]


def _cache(app: FastAPI) -> ConditionalCacheMiddleware:
    """The app's cache middleware (building its middleware stack if no request did yet)."""
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    layer: Any = app.middleware_stack
    while layer is not None and not isinstance(layer, ConditionalCacheMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None
    return layer


def _in_own_loop(coroutine_function: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine in a new event loop of a thread of its own (as a server's loop would be)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(WAIT):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never came true")


def _scope(path: str, *, host: bytes = b"testserver") -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": b"", "headers": [(b"host", host)], "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000)}


class _Reader:
    """A client of the raw ASGI app that can hang up while it waits."""

    def __init__(self, app: FastAPI, path: str) -> None:
        self.app = app
        self.path = path
        self.sent: list[dict[str, Any]] = []
        self.hang_up = asyncio.Event()
        self._received = 0

    async def receive(self) -> dict[str, Any]:
        self._received += 1
        if self._received == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def start(self) -> asyncio.Task[None]:
        return asyncio.ensure_future(self.app(_scope(self.path), self.receive, self.send))

    @property
    def status(self) -> int | None:
        return next((m["status"] for m in self.sent if m["type"] == "http.response.start"), None)

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


class _Gate:
    """Wraps a view: signals when a render reaches it, holds it until released, records whether
    the render was then cancelled."""

    def __init__(self, view: Callable[..., Any]) -> None:
        self.view = view
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        self.cancelled = 0
        self.finished = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(60), "the test never released the render"
        try:
            result = self.view(*args, **kwargs)  # its first SQL statement is a cancellation point
        except RenderCancelled:
            self.cancelled += 1
            raise
        self.finished += 1
        return result


def _stored(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(RenderedPage.key)))


@pytest.fixture
def two_articles(newsroom: Newsroom) -> list[int]:
    source = newsroom.source()
    return [newsroom.article(source, f"Réunion {i}", FR, translation=(f"Meeting {i}", EN)) for i in range(2)]


# --- 1. Host header -------------------------------------------------------------------------------
def test_a_foreign_host_gets_400_and_cannot_poison_the_links_of_others(client: TestClient, two_articles):
    for path in ("/feeds/all.atom", "/api/articles?limit=1", "/", f"/articles/{two_articles[0]}"):
        refused = client.get(path, headers={"Host": "evil.example"})
        assert refused.status_code == 400, path
        _secure(refused)
        assert "evil.example" not in refused.text
    assert client.get("/api/articles", headers={"Host": "evil.example"}).json()["detail"].startswith("Invalid Host")

    feed = client.get("/feeds/all.atom")
    assert feed.status_code == 200 and b"evil.example" not in feed.content
    links = _atom_links(feed.content)
    assert "http://testserver/feeds/all.atom" in links
    assert f"http://testserver/articles/{two_articles[1]}" in links
    assert all(link.startswith(("http://testserver/", "https://news.example/")) for link in links)
    page = client.get("/api/articles?limit=1").json()
    assert page["next"].startswith("http://testserver/api/v1/articles?limit=1&cursor=")


def test_forwarded_headers_never_make_links(client: TestClient, two_articles):
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "666",
              "Forwarded": "host=evil.example;proto=https"}
    feed = client.get("/feeds/all.atom", headers=forged)
    assert feed.status_code == 200 and b"evil.example" not in feed.content
    assert "http://testserver/feeds/all.atom" in _atom_links(feed.content)
    assert client.get("/api/articles?limit=1", headers=forged).json()["next"].startswith("http://testserver/api/")


def test_allowed_hosts_each_get_their_own_links(store: Store, settings: Settings, two_articles):
    settings.web.allowed_hosts = [*settings.web.allowed_hosts, "news.example.org", "*.example.net"]
    client = TestClient(create_app(store, settings))  # served on testserver:80
    ours = client.get("/feeds/all.atom", headers={"Host": "news.example.org"})
    assert ours.status_code == 200 and "http://news.example.org/feeds/all.atom" in _atom_links(ours.content)
    # The answer is cached per base URL: the next reader, on another name, gets links of its own.
    assert "http://testserver/feeds/all.atom" in _atom_links(client.get("/feeds/all.atom").content)
    assert client.get("/api/articles?limit=1", headers={"Host": "localhost"}).json()["next"].startswith(
        "http://localhost/api/v1/articles?limit=1&cursor=")
    assert client.get("/feeds/all.atom", headers={"Host": "a.b.example.net"}).status_code == 200
    for host in ("news.example.org:8443", "localhost:9999", "sub.news.example.org", "example.net",
                 "evil.example", "news.example.org.evil.example", "testserver:81", "user@localhost",
                 "localhost/feeds", "local host", ""):
        assert client.get("/feeds/all.atom", headers={"Host": host}).status_code == 400, host


def test_base_url_makes_every_link(store: Store, settings: Settings, two_articles):
    settings.web.base_url = "https://reader.example.com/news/"
    client = TestClient(create_app(store, settings))
    for host in ("testserver", "localhost", "reader.example.com"):  # base_url's own host is allowed
        feed = client.get("/feeds/all.atom", headers={"Host": host})
        assert feed.status_code == 200
        assert "https://reader.example.com/news/feeds/all.atom" in _atom_links(feed.content)
        next_url = client.get("/api/articles?limit=1", headers={"Host": host}).json()["next"]
        assert next_url.startswith("https://reader.example.com/news/api/v1/articles?limit=1&cursor=")
    assert client.get("/feeds/all.atom", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(("host", "server", "expected"), [
    ("127.0.0.1:8080", ("127.0.0.1", 8080), "http://127.0.0.1:8080"),
    ("localhost:8080", ("127.0.0.1", 8080), "http://localhost:8080"),
    ("LOCALHOST:8080", ("127.0.0.1", 8080), "http://localhost:8080"),
    ("[::1]:8080", ("::1", 8080), "http://[::1]:8080"),
    ("192.168.1.5:8080", ("192.168.1.5", 8080), "http://192.168.1.5:8080"),  # --host 0.0.0.0, by address
    ("localhost", ("127.0.0.1", 8080), "http://localhost"),
    ("localhost:80", ("127.0.0.1", 8080), "http://localhost"),
    (None, ("127.0.0.1", 8080), "http://127.0.0.1:8080"),  # HTTP/1.0 without Host
    ("localhost:8081", ("127.0.0.1", 8080), None),
    ("127.0.0.1:9", ("127.0.0.1", 8080), None),
    ("192.168.1.5:8080", ("127.0.0.1", 8080), None),
    ("evil.example:8080", ("127.0.0.1", 8080), None),
    ("evil.example", None, None),
    ("localhost:99999", ("127.0.0.1", 8080), None),
    ("localhost:8080\r\nX: y", ("127.0.0.1", 8080), None),
])
def test_host_policy(host: str | None, server: tuple[str, int] | None, expected: str | None):
    policy = HostPolicy(["localhost", "127.0.0.1", "::1"], listen_host="0.0.0.0")
    scope = {"type": "http", "scheme": "http", "root_path": "", "server": server,
             "headers": [] if host is None else [(b"host", host.encode("latin-1"))]}
    assert policy.base_for(scope) == expected


def test_host_policy_details():
    policy = HostPolicy(["localhost", "feeds.example.org:8443"], listen_host="reader.lan")
    server = ("10.0.0.2", 8080)

    def base(host: str, scheme: str = "http", extra: list[tuple[bytes, bytes]] | None = None) -> str | None:
        return policy.base_for({"type": "http", "scheme": scheme, "root_path": "/wire", "server": server,
                                "headers": [(b"host", host.encode()), *(extra or [])]})

    assert base("reader.lan:8080") == "http://reader.lan:8080/wire"  # [web] host is allowed
    assert base("feeds.example.org:8443", "https") == "https://feeds.example.org:8443/wire"
    assert base("feeds.example.org") is None  # only on the port its entry names
    # A scheme set by uvicorn from X-Forwarded-Proto is not taken for links.
    assert base("localhost", "https", [(b"x-forwarded-proto", b"https")]) == "http://localhost/wire"
    assert policy.base_for({"type": "http", "scheme": "http", "server": server,
                            "headers": [(b"host", b"localhost"), (b"host", b"evil.example")]}) is None
    assert HostPolicy(["*"]).base_for({"type": "http", "scheme": "http", "server": server,
                                       "headers": [(b"host", b"any.example:1")]}) == "http://any.example:1"


def test_allowed_hosts_setting(tmp_path, store: Store, settings: Settings):
    assert load_settings(tmp_path).web.allowed_hosts == ["localhost", "127.0.0.1", "::1"]
    loaded = load_settings(tmp_path, environ={"BABELWIRE_WEB_ALLOWED_HOSTS": "news.example.org, *.example.net:8443"})
    assert loaded.web.allowed_hosts == ["news.example.org", "*.example.net:8443"]
    settings.web.allowed_hosts = ["news.example.org/feeds"]
    with pytest.raises(ConfigError, match="allowed_hosts"):
        create_app(store, settings)


def test_a_served_reader_answers_its_own_address_and_refuses_others(store: Store, settings: Settings,
                                                                     two_articles):
    from babelwire.server import ReaderServer, reader_app

    settings.web.prerender = 0
    with ReaderServer(reader_app(store, settings, host="127.0.0.1"), host="127.0.0.1", port=0) as server:
        feed = httpx.get(f"{server.url}/feeds/all.atom")
        assert feed.status_code == 200 and f"{server.url}/feeds/all.atom" in _atom_links(feed.content)
        by_name = httpx.get(f"{server.url}/feeds/all.atom", headers={"Host": f"localhost:{server.port}"})
        assert f"http://localhost:{server.port}/feeds/all.atom" in _atom_links(by_name.content)
        for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1:1"):
            refused = httpx.get(f"{server.url}/feeds/all.atom", headers={"Host": host})
            assert refused.status_code == 400, host
            _secure(refused)
        again = httpx.get(f"{server.url}/api/articles?limit=1")
        assert again.json()["next"].startswith(f"{server.url}/api/v1/articles?limit=1&cursor=")


# --- 2. renders shared across event loops ---------------------------------------------------------
def test_readers_share_a_render_the_prerenderer_started_in_another_loop(store: Store, settings: Settings,
                                                                        newsroom: Newsroom, monkeypatch):
    """The start-up race: the background pre-renderer (a TestClient: its own thread and loop) is
    rendering a page when readers on the server's loop ask for it; they wait for that render."""
    article = newsroom.article(newsroom.source(), "Réunion OTAN-Russie", FR, translation=("NATO-Russia meeting", EN))
    path = f"/articles/{article}"
    gate = _Gate(pages_module.article_page)
    monkeypatch.setattr(pages_module, "article_page", gate)
    app = create_app(store, settings)
    cache = _cache(app)

    with ThreadPoolExecutor(1) as warmer:
        prerendered = warmer.submit(Prerenderer(app, app.state.pages).render, [path])
        assert gate.entered.wait(60)  # the pre-render is inside the page's view, on its own loop

        async def readers() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                answers = [asyncio.ensure_future(client.get(path)) for _ in range(5)]
                await _until(lambda: sum(f.readers for f in cache._inflight.values()) == 6)
                gate.release.set()
                return await asyncio.gather(*answers)

        answers = _in_own_loop(readers)
        assert prerendered.result() == 1
    assert [a.status_code for a in answers] == [200] * 5
    assert len({a.content for a in answers}) == 1 and b"The NATO-Russia Council met in Brussels." in answers[0].content
    assert gate.calls == 1  # one render for the pre-renderer and the five readers
    assert _stored(store) == {path}
    assert cache._inflight == {}


def test_concurrent_readers_during_a_prerender_all_get_200(store: Store, settings: Settings,
                                                           newsroom: Newsroom):
    """Many pages pre-rendered from a background loop while readers on another loop ask for them."""
    source = newsroom.source()
    ids = [newsroom.article(source, f"Article {i}", FR, translation=(f"Article {i}", EN)) for i in range(6)]
    paths = [f"/articles/{i}" for i in ids]
    app = create_app(store, settings)

    async def readers() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers = await asyncio.gather(*(client.get(p) for p in paths * 4))
        return [a.status_code for a in answers]

    with ThreadPoolExecutor(2) as pool:
        prerendered = pool.submit(Prerenderer(app, app.state.pages).render, paths)
        statuses = pool.submit(asyncio.run, readers()).result()
        prerendered.result()
    assert statuses == [200] * len(paths) * 4
    assert _stored(store) == set(paths)


# --- 3. error answers and ids ---------------------------------------------------------------------
def test_error_answers_carry_the_security_headers(store: Store, settings: Settings, newsroom: Newsroom,
                                                  monkeypatch):
    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    client = TestClient(create_app(store, settings), raise_server_exceptions=False)
    answers = {
        404: [client.get("/articles/424242"), client.get("/api/articles/424242"), client.get("/nowhere"),
              client.get("/api/nowhere"), client.get("/articles/abc")],
        422: [client.get("/api/articles?limit=0"), client.get("/api/articles/abc")],
        405: [client.post("/api/articles")],
        400: [client.get("/", headers={"Host": "evil.example"})],
        403: [client.post("/api/sources", json={"url": "https://example.org/feed"})],
    }

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the view broke")

    monkeypatch.setattr(pages_module, "article_page", broken)
    monkeypatch.setattr(api_module, "article_page", broken)
    monkeypatch.setattr(pages_module, "source_list", broken)
    answers[500] = [client.get(f"/articles/{article}"), client.get(f"/api/articles/{article}"),
                    client.get("/sources"), client.head("/sources")]
    for status, responses in answers.items():
        for response in responses:
            assert response.status_code == status, response.request.url
            _secure(response)
    html, api, *_ = answers[500]
    assert "Something went wrong" in html.text and html.headers["content-type"].startswith("text/html")
    assert api.json() == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                          "detail": "Something went wrong while preparing this answer. Try again later.",
                          "instance": f"/api/articles/{article}"}
    assert "etag" not in html.headers


ID_ROUTES = ["/articles/{}", "/articles/{}/story", "/stories/{}", "/api/articles/{}", "/api/articles/{}/story",
             "/api/stories/{}", "/feeds/sources/{}.atom", "/feeds/stories/{}.atom"]


@pytest.mark.parametrize("value", ["-1", "-9223372036854775809", str(2**31), str(2**63 - 1), str(2**63),
                                   "99999999999999999999", "1" * 200])
def test_ids_no_row_can_have_are_404_everywhere(client: TestClient, newsroom: Newsroom, value: str):
    """Raised, not answered, by the default TestClient if any of them still failed in the database."""
    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    newsroom.story("Une histoire", [article])
    for route in ID_ROUTES:
        response = client.get(route.format(value))
        assert response.status_code == 404, route.format(value)
        _secure(response)
        if route.startswith(("/api/", "/feeds/")):
            assert response.json()["detail"]
        else:
            assert "Not found" in response.text
    assert client.get(f"/articles/{article}").status_code == 200  # ids in range still work


def test_an_admin_delete_with_an_id_out_of_range_is_404(store: Store, settings: Settings):
    settings.admin.token = "s3cret"
    client = TestClient(create_app(store, settings))
    response = client.delete("/api/sources/99999999999999999999", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 404
    _secure(response)


# --- 4. bounded work ------------------------------------------------------------------------------
def test_a_render_whose_only_reader_disconnects_is_cancelled(store: Store, settings: Settings,
                                                             newsroom: Newsroom, monkeypatch):
    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    story = newsroom.story("Une histoire", [article])
    path = f"/stories/{story}"
    gate = _Gate(pages_module.story_page)
    monkeypatch.setattr(pages_module, "story_page", gate)
    app = create_app(store, settings)
    cache = _cache(app)

    async def scenario() -> None:
        reader = _Reader(app, path)
        request = reader.start()
        await asyncio.to_thread(gate.entered.wait, 60)  # the render is in the view, in a worker thread
        reader.hang_up.set()
        await request  # the reader's request ends at once, unanswered
        assert reader.sent == []
        assert cache._inflight == {}  # nobody can join a cancelled render
        gate.release.set()
        await _until(lambda: not cache._orphans)  # the render stopped at its next SQL statement

    _in_own_loop(scenario)
    assert (gate.calls, gate.cancelled, gate.finished) == (1, 1, 0)
    assert _stored(store) == set()  # not rendered, not saved
    gate.entered.clear()
    again = TestClient(app).get(path)  # the store and its connections are fine afterwards
    assert again.status_code == 200 and "Une histoire" in again.text
    assert gate.finished == 1


def test_a_client_hanging_up_on_the_server_cancels_its_render(store: Store, settings: Settings,
                                                               newsroom: Newsroom, monkeypatch):
    """The same through uvicorn: a client that closes its connection while a heavy page renders."""
    import socket
    import time

    from babelwire.server import ReaderServer

    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    story = newsroom.story("Une histoire", [article])
    gate = _Gate(pages_module.story_page)
    monkeypatch.setattr(pages_module, "story_page", gate)
    app = create_app(store, settings)
    cache = _cache(app)

    def wait_for(condition: Callable[[], bool]) -> None:
        for _ in range(WAIT):
            if condition():
                return
            time.sleep(0.01)
        raise AssertionError("the condition never came true")

    with ReaderServer(app, host="127.0.0.1", port=0) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as connection:
            connection.sendall(f"GET /stories/{story}?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
            assert gate.entered.wait(60)
        wait_for(lambda: cache._inflight == {})  # the server saw the client go: the render is cancelled
        gate.release.set()
        wait_for(lambda: gate.cancelled + gate.finished == 1 and not cache._orphans)
        assert (gate.cancelled, gate.finished) == (1, 0)
        assert httpx.get(f"{server.url}/stories/{story}").status_code == 200
    assert gate.finished == 1


def test_a_render_goes_on_while_one_of_its_readers_is_still_there(store: Store, settings: Settings,
                                                                  newsroom: Newsroom, monkeypatch):
    article = newsroom.article(newsroom.source(), "Réunion", FR, translation=("Meeting", EN))
    path = f"/api/articles/{article}"
    gate = _Gate(api_module.article_page)
    monkeypatch.setattr(api_module, "article_page", gate)
    app = create_app(store, settings)
    cache = _cache(app)

    async def scenario() -> tuple[_Reader, _Reader]:
        first, second = _Reader(app, path), _Reader(app, path)
        first_request = first.start()
        await asyncio.to_thread(gate.entered.wait, 60)
        second_request = second.start()
        await _until(lambda: sum(f.readers for f in cache._inflight.values()) == 2)
        first.hang_up.set()  # the reader that started the render leaves
        await first_request
        gate.release.set()
        await second_request
        return first, second

    first, second = _in_own_loop(scenario)
    assert first.sent == [] and second.status == 200 and b"The NATO-Russia Council" in second.body
    assert (gate.calls, gate.cancelled, gate.finished) == (1, 0, 1)
    assert ("", path, b"") in cache._entries  # cached once, by the render itself
    assert _stored(store) == set()  # a reader's render stays in memory: only pre-rendering stores pages


def test_check_cancelled_outside_a_render_is_a_no_op():
    check_cancelled()


def test_unknown_query_parameters_do_not_force_renders(client: TestClient, newsroom: Newsroom, two_articles,
                                                       monkeypatch):
    story = newsroom.story("Une histoire", two_articles)
    views = {"story": 0, "home": 0}
    story_view, latest = pages_module.story_page, pages_module.article_list

    def counting_story(*args: Any, **kwargs: Any) -> Any:
        views["story"] += 1
        return story_view(*args, **kwargs)

    def counting_latest(*args: Any, **kwargs: Any) -> Any:
        views["home"] += 1
        return latest(*args, **kwargs)

    monkeypatch.setattr(pages_module, "story_page", counting_story)
    monkeypatch.setattr(pages_module, "article_list", counting_latest)
    tags = {client.get(f"/stories/{story}?x={i}").headers["etag"] for i in range(5)}
    tags.add(client.get(f"/stories/{story}?utm_source=feed&fbclid=1").headers["etag"])
    assert views["story"] == 1 and len(tags) == 1  # one render for the page, whatever follows the ?

    for query in ("?x=1", "?x=2", "?y", "?zz=1&x="):
        assert client.get(f"/{query}").status_code == 200
    assert views["home"] == 1
    first = client.get("/?lang=en&page=1&zz=1")
    second = client.get("/?zz=2&page=1&lang=en")
    third = client.get("/?page=2&page=1&lang=en")  # a repeated parameter: the last value, as the route reads it
    assert first.headers["etag"] == second.headers["etag"] == third.headers["etag"] and views["home"] == 2

    # Links in the answer carry what the route reads, nothing an attacker appended.
    assert client.get("/api/articles?limit=1&x=%22%3E%3Cscript%3E").json()["next"].startswith(
        "http://testserver/api/v1/articles?limit=1&cursor=")
    assert "evil" not in client.get("/?q=1&evil=1&lang=en").text


def test_a_known_parameter_still_selects_its_answer(client: TestClient, two_articles):
    one = client.get("/api/articles?limit=1").json()
    two = client.get("/api/articles?limit=2&x=1").json()
    assert len(one["items"]) == 1 and len(two["items"]) == 2
