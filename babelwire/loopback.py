"""A small threaded HTTP server on loopback, serving a route table.

Used by the tests (real HTTP instead of mocks), by ``babelwire bench`` and by ``babelwire demo``.
Routes map a path to a static :class:`Response` or to a callable that builds one from the
request; every request is logged so tests can check what a client sent (e.g. conditional GETs).
A response can also stream its body piece by piece (:attr:`Response.chunks`, :func:`trickle`):
hostile servers that send a body slowly, endlessly, or stall in the middle of it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds to sleep before answering (timeouts)
    # When set, the body is written piece by piece as this iterable yields, flushing each piece
    # (``body`` is then ignored): sent chunked, unless ``headers`` give a Content-Length (which
    # may lie, as hostile servers do), then the connection is closed after the last piece.
    chunks: Iterable[bytes] | Callable[[], Iterable[bytes]] | None = None


def trickle(body: bytes, every: float, *, size: int = 1, forever: bool = False) -> Callable[[], Iterator[bytes]]:
    """Chunks for :attr:`Response.chunks`: ``size`` bytes of ``body`` every ``every`` seconds
    (repeating ``body`` endlessly when ``forever``); a fresh iterator per request."""

    def pieces() -> Iterator[bytes]:
        while True:
            for start in range(0, len(body), max(1, size)):
                time.sleep(every)
                yield body[start:start + max(1, size)]
            if not forever:
                return

    return pieces


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""


Handler = Callable[[Request], Response]


class LoopbackServer:
    """``with LoopbackServer() as server: server.route("/a", Response(b"..."))``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # silence stderr
                pass

            def _serve(self, send_body: bool) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, parts.path, parts.query, dict(self.headers.items()), body)
                with owner._lock:
                    owner.requests.append(request)
                    route = owner.routes.get(parts.path)
                if route is None:
                    response = Response(b"not found", 404, {"Content-Type": "text/plain"})
                elif callable(route):
                    response = route(request)
                else:
                    response = route
                if response.delay:
                    time.sleep(response.delay)
                try:
                    self.send_response(response.status)
                    headers = {k.lower(): v for k, v in response.headers.items()}
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    streamed = response.chunks is not None and send_body
                    if streamed and "content-length" not in headers:
                        self.send_header("Transfer-Encoding", "chunked")
                    elif streamed:
                        self.close_connection = True
                    elif "content-length" not in headers:
                        self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    if streamed:
                        self._stream(response, chunked="content-length" not in headers)
                    elif send_body and response.status not in (204, 304):
                        self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _stream(self, response: Response, chunked: bool) -> None:
                chunks = response.chunks() if callable(response.chunks) else response.chunks
                for piece in chunks or ():
                    if not piece:
                        continue
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                    self.wfile.flush()
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")

            def do_GET(self) -> None:
                self._serve(True)

            def do_HEAD(self) -> None:
                self._serve(False)

            def do_POST(self) -> None:
                self._serve(True)

        class _Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                import sys

                # Clients hanging up early (size limits, timeouts, killed pollers) are expected.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self._server = _Server((host, port), _Handler)
        # A short poll interval: stop() waits for it, and tests start hundreds of servers.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, response: Response | Handler) -> str:
        """Serve ``response`` at ``path``; returns the full URL."""
        with self._lock:
            self.routes[path] = response
        return self.url(path)

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
