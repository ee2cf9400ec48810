"""The Fetcher against a real loopback HTTP server: charsets, encodings, statuses, retries,
conditional GET, redirects and content types."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from babelwire.config import FetchSettings
from babelwire.errors import (
    FetchError,
    HTTPStatusError,
    NetworkError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from babelwire.fetch import Fetcher
from babelwire.loopback import LoopbackServer, Request, Response

Settings = Callable[..., FetchSettings]
FRENCH = "<html><body><p>Le député a déclaré « c’est fini » — 3 €</p></body></html>"


def test_utf8_page_declared_latin1(server: LoopbackServer, fetch_settings: Settings) -> None:
    headers = {"Content-Type": "text/html; charset=iso-8859-1"}
    url = server.route("/a", Response(FRENCH.encode(), headers=headers))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(url)
    assert (result.status, result.content_type, result.encoding) == (200, "text/html", "utf-8")
    assert result.text == FRENCH


def test_cp1252_page_without_declaration(server: LoopbackServer, fetch_settings: Settings) -> None:
    page = "<html><body>" + "<p>Le député a déclaré « c’est fini » à l’Assemblée.</p>" * 4 + "</body></html>"
    url = server.route("/a", Response(page.encode("cp1252"), headers={"Content-Type": "text/html"}))
    with Fetcher(fetch_settings()) as fetcher:
        assert fetcher.fetch(url).text == page


def test_meta_charset_after_1024_bytes(server: LoopbackServer, fetch_settings: Settings) -> None:
    page = ("<html><head><!--" + "-" * 1200 + '--><meta charset="iso-8859-1"></head>'
            "<body>Grüße, café</body></html>")
    url = server.route("/a", Response(page.encode("latin-1"), headers={"Content-Type": "text/html"}))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(url)
    assert result.encoding == "cp1252"
    assert "Grüße, café" in result.text


@pytest.mark.parametrize("encoding, compress", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw DEFLATE, as some servers send it
])
def test_content_encoding(server: LoopbackServer, fetch_settings: Settings, encoding: str,
                          compress: Callable[[bytes], bytes]) -> None:
    body = FRENCH.encode() * 50
    url = server.route("/a", Response(compress(body), headers={"Content-Type": "text/html; charset=utf-8",
                                                               "Content-Encoding": encoding}))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(url)
    assert result.content == body
    request = server.requests_to("/a")[0]
    assert "gzip" in request.headers["Accept-Encoding"]
    assert request.headers["User-Agent"].startswith("babelwire/")
    assert "text/html" in request.headers["Accept"]


def test_404_is_not_retried(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.url("/missing")
    with Fetcher(fetch_settings(retries=3)) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert caught.value.status == 404
    assert caught.value.reason == "HTTP 404 Not Found"
    assert caught.value.url == url
    assert len(server.requests_to("/missing")) == 1


def test_500_is_retried_then_fails(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/a", Response(b"oops", 500, {"Content-Type": "text/plain"}))
    with Fetcher(fetch_settings(retries=2)) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert caught.value.status == 500
    assert caught.value.reason == "HTTP 500 Internal Server Error (after 2 retries)"
    assert len(server.requests_to("/a")) == 3


def test_503_then_200_succeeds(server: LoopbackServer, fetch_settings: Settings) -> None:
    answers = iter([Response(b"busy", 503), Response(b"busy", 503), Response(b"<p>ok</p>")])
    url = server.route("/a", lambda request: next(answers))
    with Fetcher(fetch_settings(retries=3)) as fetcher:
        result = fetcher.fetch(url)
    assert (result.status, result.content) == (200, b"<p>ok</p>")
    assert len(server.requests_to("/a")) == 3


@pytest.mark.parametrize("retry_after", ["1", "date"])
def test_429_honours_retry_after(server: LoopbackServer, fetch_settings: Settings, retry_after: str) -> None:
    times: list[float] = []

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        if len(times) == 1:
            value = retry_after
            if value == "date":  # HTTP dates have one-second precision: ask for 2 s, expect > 1 s
                value = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
            return Response(b"slow down", 429, {"Retry-After": value})
        return Response(b"<p>ok</p>")

    url = server.route("/a", handler)
    with Fetcher(fetch_settings(retries=2, max_backoff=5)) as fetcher:
        assert fetcher.fetch(url).status == 200
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95


def test_retry_after_is_capped_by_max_backoff(server: LoopbackServer, fetch_settings: Settings) -> None:
    answers = iter([Response(b"", 429, {"Retry-After": "3600"}), Response(b"<p>ok</p>")])
    url = server.route("/a", lambda request: next(answers))
    started = time.monotonic()
    with Fetcher(fetch_settings(retries=1, max_backoff=0.2)) as fetcher:
        assert fetcher.fetch(url).status == 200
    assert time.monotonic() - started < 2


def test_read_timeout(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/slow", Response(b"<p>late</p>", delay=1.0))
    settings = fetch_settings(read_timeout=0.2, retries=1)
    with Fetcher(settings) as fetcher, pytest.raises(NetworkError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "timed out after 0.2s (read)"
    assert len(server.requests_to("/slow")) == 2  # a timeout is retried


def test_connection_refused(fetch_settings: Settings) -> None:
    with LoopbackServer() as gone:
        url = gone.url("/a")
    with Fetcher(fetch_settings(retries=1)) as fetcher, pytest.raises(NetworkError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "connection refused"


def test_dns_failure(fetch_settings: Settings) -> None:
    for allow_private in (True, False):  # plain httpx path and the guard's own resolver
        settings = fetch_settings(allow_private=allow_private)
        with Fetcher(settings) as fetcher, pytest.raises(NetworkError) as caught:
            fetcher.fetch("http://example.invalid/")
        assert caught.value.reason == "DNS lookup failed for example.invalid"


def test_redirects_are_followed_and_recorded(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/old", Response(b"", 301, {"Location": "/mid"}))
    server.route("/mid", Response(b"", 302, {"Location": server.url("/new#frag")}))
    server.route("/new", Response(b"<p>new</p>"))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(server.url("/old"))
    assert result.final_url == server.url("/new")
    assert result.redirects == [server.url("/mid"), server.url("/new")]
    assert result.url == server.url("/old")


def test_redirect_loop(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/a", Response(b"", 302, {"Location": "/b"}))
    server.route("/b", Response(b"", 302, {"Location": "/a"}))
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(TooManyRedirectsError) as caught:
        fetcher.fetch(server.url("/a"))
    assert caught.value.reason.startswith("redirect loop: ")
    assert len(server.requests) == 2


def test_too_many_redirects(server: LoopbackServer, fetch_settings: Settings) -> None:
    for hop in range(10):
        server.route(f"/r{hop}", Response(b"", 307, {"Location": f"/r{hop + 1}"}))
    with Fetcher(fetch_settings(max_redirects=5)) as fetcher, pytest.raises(TooManyRedirectsError) as caught:
        fetcher.fetch(server.url("/r0"))
    assert caught.value.reason.startswith("more than 5 redirects")
    assert len(server.requests) == 6


def test_redirect_to_other_scheme_is_refused(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/a", Response(b"", 302, {"Location": "file:///etc/passwd"}))
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(FetchError, match="only http and https"):
        fetcher.fetch(server.url("/a"))


def test_only_http_urls(fetch_settings: Settings) -> None:
    with Fetcher(fetch_settings()) as fetcher:
        for url in ("ftp://example.org/feed", "file:///etc/passwd", "example.org/page"):
            with pytest.raises(FetchError, match="only http and https"):
                fetcher.fetch(url)


def test_conditional_get_by_etag(server: LoopbackServer, fetch_settings: Settings) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(b"", 304, {"ETag": '"v1"'})
        return Response(b"<p>v1</p>", headers={"Content-Type": "text/html", "ETag": '"v1"'})

    url = server.route("/a", handler)
    with Fetcher(fetch_settings()) as fetcher:
        first = fetcher.fetch(url)
        second = fetcher.fetch(url, etag=first.etag)
    assert (first.status, first.etag, first.not_modified) == (200, '"v1"', False)
    assert (second.status, second.content, second.not_modified) == (304, b"", True)
    assert second.etag == '"v1"'


def test_conditional_get_by_last_modified(server: LoopbackServer, fetch_settings: Settings) -> None:
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(b"", 304, {})
        return Response(b"<p>v1</p>", headers={"Content-Type": "text/html", "Last-Modified": stamp})

    url = server.route("/a", handler)
    with Fetcher(fetch_settings()) as fetcher:
        first = fetcher.fetch(url)
        second = fetcher.fetch(url, last_modified=first.last_modified)
    assert first.last_modified == stamp
    assert second.not_modified
    assert second.last_modified == stamp
    assert "If-None-Match" not in server.requests_to("/a")[1].headers


def test_empty_page(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/empty", Response(b""))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(url)
    assert (result.status, result.content, result.text) == (200, b"", "")


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "video/mp4",
                                          "application/octet-stream"])
def test_unsupported_types_are_refused(server: LoopbackServer, fetch_settings: Settings,
                                       content_type: str) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    url = server.route("/file", Response(png, headers={"Content-Type": content_type}))
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(UnsupportedContentError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == f"unsupported content type {content_type}"
    assert caught.value.url == url


def test_binary_served_as_html_is_refused(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/fake.html", Response(b"\x7fELF\x02\x01\x01" + bytes(64) + b"\x03\x00>\x00",
                                              headers={"Content-Type": "text/html"}))
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(UnsupportedContentError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "binary content served as text/html"


@pytest.mark.parametrize("content_type", ["application/rss+xml", "application/atom+xml; charset=utf-8",
                                          "application/feed+json", "application/ld+json", "text/plain",
                                          "application/xhtml+xml", "text/xml", ""])
def test_accepted_types(server: LoopbackServer, fetch_settings: Settings, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    url = server.route("/feed", Response(b"<rss/>", headers=headers))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(url)
    assert result.content == b"<rss/>"
    assert result.content_type == content_type.split(";")[0]


@pytest.mark.parametrize("content_type", ["application/x-gzip", "application/gzip",
                                          "application/octet-stream"])
def test_gzip_files_are_accepted(server: LoopbackServer, fetch_settings: Settings, content_type: str) -> None:
    sitemap = gzip.compress(b"<urlset/>")
    url = server.route("/sitemap.xml.gz", Response(sitemap, headers={"Content-Type": content_type}))
    with Fetcher(fetch_settings()) as fetcher:
        assert fetcher.fetch(url).content == sitemap  # a gzip *file* stays compressed


def test_utf16_page_is_not_mistaken_for_binary(server: LoopbackServer, fetch_settings: Settings) -> None:
    body = "\ufeff<p>Grüße</p>".encode("utf-16-le")
    url = server.route("/a", Response(body, headers={"Content-Type": "text/html"}))
    with Fetcher(fetch_settings()) as fetcher:
        assert fetcher.fetch(url).text == "<p>Grüße</p>"


def test_shared_between_threads(server: LoopbackServer, fetch_settings: Settings) -> None:
    from concurrent.futures import ThreadPoolExecutor

    for index in range(20):
        server.route(f"/p{index}", Response(f"<p>{index}</p>".encode()))
    with Fetcher(fetch_settings(host_concurrency=4)) as fetcher, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: fetcher.fetch(server.url(f"/p{i}")).text, range(20)))
    assert results == [f"<p>{i}</p>" for i in range(20)]


def test_tls_error_is_named_and_not_retried(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.url("/a").replace("http://", "https://")  # TLS handshake against a plain HTTP server
    with Fetcher(fetch_settings(retries=3)) as fetcher, pytest.raises(NetworkError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason.startswith("TLS error: ")
    assert not isinstance(caught.value.__cause__, NetworkError)  # the httpx cause is chained, not raised
    assert len(server.requests) <= 1
