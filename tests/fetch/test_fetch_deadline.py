"""The total deadline of one URL ([fetch] total_timeout): trickling, endless and stalled responses,
slow headers, redirects and retries all stop at it. Real HTTP on loopback, never a timed assertion
tighter than a few seconds of slack."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from babelwire.config import FetchSettings, load_settings
from babelwire.errors import HTTPStatusError, NetworkError
from babelwire.fetch import Fetcher
from babelwire.loopback import LoopbackServer, Response, trickle

Settings = Callable[..., FetchSettings]
PAGE = b"<html><body><p>" + b"Le ministre a parl\xc3\xa9. " * 4 + b"</p></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _fetch_fails_in(fetcher: Fetcher, url: str, seconds: float) -> NetworkError:
    started = time.monotonic()
    with pytest.raises(NetworkError) as caught:
        fetcher.fetch(url)
    assert time.monotonic() - started < seconds
    return caught.value


def test_trickling_body_is_cut_at_the_total_timeout(server: LoopbackServer, fetch_settings: Settings) -> None:
    # One byte every 0.1 s: the read timeout (5 s) never fires, the whole body would take 10 s+.
    url = server.route("/trickle", Response(headers=HTML, chunks=trickle(PAGE, 0.1)))
    with Fetcher(fetch_settings(total_timeout=1.0, retries=3)) as fetcher:
        error = _fetch_fails_in(fetcher, url, 4)
    assert error.reason == "took longer than 1 s"
    assert error.url == url
    assert len(server.requests_to("/trickle")) == 1  # the budget is spent: no retry


def test_endless_body_is_cut(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/endless", Response(headers=HTML, chunks=trickle(b"<p>spam</p>", 0.01, size=11,
                                                                          forever=True)))
    # max_bytes is never reached in 1 s at ~1 KB/s: only the deadline stops it.
    with Fetcher(fetch_settings(total_timeout=1.0)) as fetcher:
        assert _fetch_fails_in(fetcher, url, 4).reason == "took longer than 1 s"


def test_stalled_body_is_cut_before_the_read_timeout(server: LoopbackServer, fetch_settings: Settings) -> None:
    def stall() -> Iterator[bytes]:
        yield b"<html><body>"
        time.sleep(30)
        yield b"</body></html>"

    url = server.route("/stall", Response(headers=HTML, chunks=stall))
    with Fetcher(fetch_settings(total_timeout=0.5, read_timeout=20.0)) as fetcher:
        assert _fetch_fails_in(fetcher, url, 4).reason == "took longer than 0.5 s"


def test_slow_headers_are_cut(raw_server: Callable[..., object], fetch_settings: Settings) -> None:
    # The status line and headers themselves trickle in, one byte every 0.1 s.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n"

    def body() -> Iterator[bytes]:
        for byte in head:
            time.sleep(0.1)
            yield bytes([byte])

    server = raw_server(b"", body, False)
    with Fetcher(fetch_settings(total_timeout=1.0)) as fetcher:
        assert _fetch_fails_in(fetcher, server.url, 4).reason == "took longer than 1 s"  # type: ignore[attr-defined]


def test_redirect_hops_share_one_deadline(server: LoopbackServer, fetch_settings: Settings) -> None:
    # Each hop answers after 0.4 s (well within the read timeout); five hops cannot fit in 1 s.
    for hop in range(5):
        server.route(f"/hop{hop}", Response(b"", 302, {"Location": f"/hop{hop + 1}"}, delay=0.4))
    server.route("/hop5", Response(PAGE, headers=HTML))
    with Fetcher(fetch_settings(total_timeout=1.0, max_redirects=10)) as fetcher:
        assert _fetch_fails_in(fetcher, server.url("/hop0"), 4).reason == "took longer than 1 s"
    assert len(server.requests_to("/hop5")) == 0


def test_retries_share_one_deadline(server: LoopbackServer, fetch_settings: Settings) -> None:
    # Read timeouts are retried, but 10 retries of 0.4 s do not fit in 1 s: one URL stays bounded.
    url = server.route("/slow", Response(PAGE, headers=HTML, delay=3.0))
    settings = fetch_settings(total_timeout=1.0, read_timeout=0.4, retries=10, backoff=0.01)
    with Fetcher(settings) as fetcher:
        error = _fetch_fails_in(fetcher, url, 3)
    assert error.reason in ("took longer than 1 s", "timed out after 0.4s (read)")
    assert len(server.requests_to("/slow")) <= 3


def test_no_retry_when_the_backoff_would_outlast_the_deadline(server: LoopbackServer,
                                                              fetch_settings: Settings) -> None:
    url = server.route("/busy", Response(b"busy", 503, {"Content-Type": "text/plain", "Retry-After": "30"}))
    started = time.monotonic()
    with Fetcher(fetch_settings(total_timeout=2.0, retries=3, max_backoff=30)) as fetcher, \
            pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert time.monotonic() - started < 2
    assert caught.value.status == 503
    assert len(server.requests_to("/busy")) == 1


def test_a_fast_page_is_untouched_and_the_connection_reused(server: LoopbackServer,
                                                            fetch_settings: Settings) -> None:
    url = server.route("/fast", Response(PAGE, headers=HTML))
    slow = server.route("/trickle", Response(headers=HTML, chunks=trickle(PAGE[:40], 0.01)))
    with Fetcher(fetch_settings(total_timeout=5.0)) as fetcher:
        for _ in range(3):
            assert fetcher.fetch(url).content == PAGE
        assert fetcher.fetch(slow).content == PAGE[:40]  # trickling within the deadline is fine


def test_total_timeout_setting_and_environment(tmp_path) -> None:
    assert FetchSettings().total_timeout == 60.0
    settings = load_settings(tmp_path, environ={"BABELWIRE_FETCH_TOTAL_TIMEOUT": "12.5"})
    assert settings.fetch.total_timeout == 12.5


def _resolver(names: dict[str, float]):
    """getaddrinfo for ``name.test`` hosts, answering 127.0.0.1 after the given delay (a DNS server
    that answers late, or — with a long delay — never within the deadline); other names as usual."""
    import socket

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            time.sleep(names[host])
            return socket.getaddrinfo("127.0.0.1", port, *args, **kwargs)
        return socket.getaddrinfo(host, port, *args, **kwargs)

    return getaddrinfo


def test_a_dns_lookup_that_never_answers_is_cut_at_the_total_timeout(server: LoopbackServer,
                                                                       fetch_settings: Settings) -> None:
    url = server.route("/page", Response(PAGE, headers=HTML))
    port = url.split(":")[2].split("/")[0]
    resolver = _resolver({"slow-dns.test": 8.0, "named.test": 0.0})
    with Fetcher(fetch_settings(total_timeout=1.0, retries=2), resolver=resolver) as fetcher:
        error = _fetch_fails_in(fetcher, f"http://slow-dns.test:{port}/page", 4)
        assert error.reason == "took longer than 1 s"
        # The same fetcher, a name the resolver answers at once: fetched (through the same lookup path).
        assert fetcher.fetch(f"http://named.test:{port}/page").content == PAGE
    assert len(server.requests_to("/page")) == 1


def test_a_slow_dns_lookup_is_bounded_by_the_connect_timeout_without_a_deadline(server: LoopbackServer,
                                                                                fetch_settings: Settings) -> None:
    url = server.route("/page", Response(PAGE, headers=HTML))
    port = url.split(":")[2].split("/")[0]
    settings = fetch_settings(total_timeout=60.0, connect_timeout=0.5, retries=0)
    with Fetcher(settings, resolver=_resolver({"slow-dns.test": 8.0})) as fetcher:
        error = _fetch_fails_in(fetcher, f"http://slow-dns.test:{port}/page", 4)
    assert error.reason == "DNS lookup for slow-dns.test took longer than 0.5 s" and error.kind == "dns"
