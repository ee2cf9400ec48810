"""Size limits: raw body (declared, chunked, close-delimited) and decompressed body (gzip bomb)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator

import pytest

from babelwire.config import FetchSettings
from babelwire.errors import TooLargeError
from babelwire.fetch import Fetcher
from babelwire.fetch.decompress import BoundedDecoder
from babelwire.loopback import LoopbackServer, Response

Settings = Callable[..., FetchSettings]
MIB = 1024 * 1024


def _twenty_mib() -> Iterator[bytes]:
    block = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
    for _ in range(20 * MIB // len(block)):
        yield block


def test_declared_length_over_limit(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/big", Response(b"a" * (20 * MIB), headers={"Content-Type": "text/html"}))
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(TooLargeError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "body larger than 10 MiB"
    assert caught.value.url == url


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_body_without_length_over_limit(raw_server: Callable[..., object], fetch_settings: Settings,
                                        chunked: bool) -> None:
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else b"Connection: close\r\n"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + framing + b"\r\n"
    server = raw_server(head, _twenty_mib, chunked)
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(TooLargeError, match="body larger than 10 MiB"):
        fetcher.fetch(server.url)  # type: ignore[attr-defined]


def test_chunked_body_within_limit(raw_server: Callable[..., object], fetch_settings: Settings) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
    server = raw_server(head, lambda: [b"<p>one</p>", "<p>deux é</p>".encode()], True)
    with Fetcher(fetch_settings()) as fetcher:
        assert fetcher.fetch(server.url).text == "<p>one</p><p>deux é</p>"  # type: ignore[attr-defined]


def test_gzip_bomb(server: LoopbackServer, fetch_settings: Settings) -> None:
    bomb = gzip.compress(b"\0" * (48 * MIB), compresslevel=9)  # ~50 KB on the wire
    assert len(bomb) < 100 * 1024
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    url = server.route("/bomb", Response(bomb, headers=headers))
    with Fetcher(fetch_settings()) as fetcher, pytest.raises(TooLargeError) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "decompressed body larger than 40 MiB"


def test_decoder_never_holds_more_than_the_limit() -> None:
    decoder = BoundedDecoder("gzip", limit=1000)
    bomb = gzip.compress(b"a" * 10_000_000)
    with pytest.raises(TooLargeError):
        decoder.feed(bomb)
    assert decoder.produced == 0


def test_decoder_handles_stacked_and_multi_member_encodings() -> None:
    data = b"<p>hello</p>" * 100
    stacked = gzip.compress(zlib.compress(data))  # "deflate, gzip": deflate applied first
    decoder = BoundedDecoder("deflate, gzip", limit=10_000)
    pieces = [decoder.feed(stacked[i:i + 7]) for i in range(0, len(stacked), 7)]
    assert b"".join(pieces) + decoder.finish() == data
    members = gzip.compress(b"one ") + gzip.compress(b"two")
    decoder = BoundedDecoder("gzip", limit=100)
    assert decoder.feed(members) + decoder.finish() == b"one two"
