"""Fixtures for the fetcher tests: test settings and a raw socket server for bodies the
LoopbackServer cannot send (chunked or close-delimited, without Content-Length)."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterable, Iterator

import pytest

from babelwire.config import FetchSettings

RawBody = Callable[[], Iterable[bytes]]


def make_settings(**overrides: object) -> FetchSettings:
    """Settings for loopback tests: private addresses allowed, no delays, tiny backoff."""
    values: dict[str, object] = {"allow_private": True, "host_delay": 0.0, "backoff": 0.01,
                                 "max_backoff": 0.2, "respect_robots": False, "read_timeout": 5.0}
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


class RawServer:
    """Answers every request with ``head`` (status line + headers) then the chunks of ``body()``."""

    def __init__(self, head: bytes, body: RawBody, chunked: bool) -> None:
        self.requests = 0
        owner = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = b""
                while b"\r\n\r\n" not in data:
                    part = self.request.recv(65536)
                    if not part:
                        return
                    data += part
                owner.requests += 1
                try:
                    self.request.sendall(head)
                    for chunk in body():
                        self.request.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                    if chunked:
                        self.request.sendall(b"0\r\n\r\n")
                    self.request.shutdown(socket.SHUT_WR)
                except OSError:  # the client hung up on purpose (size limit)
                    pass

        class _Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/page"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    """``raw_server(head, body, chunked=True)`` starts a RawServer, stopped after the test."""
    servers: list[RawServer] = []

    def start(head: bytes, body: RawBody, chunked: bool = True) -> RawServer:
        server = RawServer(head, body, chunked)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def fetch_settings() -> Callable[..., FetchSettings]:
    """``fetch_settings(read_timeout=0.3)``: :func:`make_settings` as a fixture."""
    return make_settings
