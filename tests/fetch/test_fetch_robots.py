"""robots.txt: disallow rules, unreachable robots, caching and Crawl-delay."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from babelwire.config import FetchSettings
from babelwire.errors import RobotsDisallowedError
from babelwire.fetch import Fetcher
from babelwire.fetch.robots import product_token
from babelwire.loopback import LoopbackServer, Request, Response

Settings = Callable[..., FetchSettings]
ROBOTS = b"""User-agent: *
Disallow: /private/

User-agent: babelwire
Disallow: /no-bots/
Crawl-delay: 0.5
"""


def test_product_token() -> None:
    assert product_token(FetchSettings().user_agent) == "babelwire"
    assert product_token("MyBot/2.0") == "mybot"


def test_robots_disallow(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/robots.txt", Response(ROBOTS, headers={"Content-Type": "text/plain"}))
    starts: list[float] = []

    def page(request: Request) -> Response:
        starts.append(time.monotonic())
        return Response(b"<p>story</p>")

    server.route("/news/1", page)
    server.route("/private/1", page)
    with Fetcher(fetch_settings(respect_robots=True)) as fetcher:
        assert fetcher.fetch(server.url("/news/1")).status == 200
        with pytest.raises(RobotsDisallowedError) as caught:
            fetcher.fetch(server.url("/no-bots/page"))
        assert caught.value.reason == "robots.txt disallows babelwire"
        assert caught.value.url == server.url("/no-bots/page")
        # our group replaces the * group: /private/ is allowed for babelwire
        assert fetcher.fetch(server.url("/private/1"), etag="x").status == 200
        assert fetcher.politeness.delay_for("127.0.0.1") == 0.5
    assert len(server.requests_to("/robots.txt")) == 1  # cached
    assert server.requests_to("/no-bots/page") == []
    assert len(starts) == 2
    assert starts[1] - starts[0] >= 0.45  # Crawl-delay spaced the two page requests


def test_robots_5xx_disallows_for_now(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/robots.txt", Response(b"down", 500, {"Content-Type": "text/plain"}))
    server.route("/news/1", Response(b"<p>story</p>"))
    settings = fetch_settings(respect_robots=True, retries=1)
    with Fetcher(settings) as fetcher, pytest.raises(RobotsDisallowedError) as caught:
        fetcher.fetch(server.url("/news/1"))
    assert "robots.txt unreachable (HTTP 500)" in caught.value.reason
    assert "RFC 9309" in caught.value.reason
    assert server.requests_to("/news/1") == []


def test_robots_network_failure_disallows(fetch_settings: Settings) -> None:
    with LoopbackServer() as gone:
        url = gone.url("/news/1")
    unreachable = r"robots.txt unreachable \(connection refused\)"
    settings = fetch_settings(respect_robots=True, retries=0)
    with Fetcher(settings) as fetcher, pytest.raises(RobotsDisallowedError, match=unreachable):
        fetcher.fetch(url)


@pytest.mark.parametrize("status", [404, 403, 410])
def test_robots_4xx_allows_all(server: LoopbackServer, fetch_settings: Settings, status: int) -> None:
    server.route("/robots.txt", Response(b"", status))
    server.route("/no-bots/page", Response(b"<p>ok</p>"))
    with Fetcher(fetch_settings(respect_robots=True)) as fetcher:
        assert fetcher.fetch(server.url("/no-bots/page")).status == 200


def test_robots_can_be_ignored(server: LoopbackServer, fetch_settings: Settings) -> None:
    everything = b"User-agent: *\nDisallow: /\n"
    server.route("/robots.txt", Response(everything, headers={"Content-Type": "text/plain"}))
    server.route("/a", Response(b"<p>ok</p>"))
    with Fetcher(fetch_settings(respect_robots=False)) as fetcher:
        assert fetcher.fetch(server.url("/a")).status == 200
    assert server.requests_to("/robots.txt") == []


def test_each_redirect_hop_obeys_robots(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/robots.txt", Response(ROBOTS, headers={"Content-Type": "text/plain"}))
    server.route("/short", Response(b"", 302, {"Location": "/no-bots/target"}))
    with Fetcher(fetch_settings(respect_robots=True)) as fetcher, pytest.raises(RobotsDisallowedError):
        fetcher.fetch(server.url("/short"))
    assert server.requests_to("/no-bots/target") == []


def test_an_unknown_host_is_named_as_such_not_as_robots_unreachable(fetch_settings: Settings) -> None:
    from babelwire.errors import NetworkError

    settings = fetch_settings(respect_robots=True, retries=0, allow_private=False)
    with Fetcher(settings) as fetcher, pytest.raises(NetworkError) as info:
        fetcher.fetch("https://no-such-host.invalid/article.html")
    assert info.value.kind == "dns" and "DNS lookup failed for no-such-host.invalid" in info.value.reason
    assert "robots.txt" not in info.value.reason
