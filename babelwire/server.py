"""Running the reader: uvicorn serving the web app (``serve``), alone or next to the poll
schedule in one process (``run``).

This sits above both ``pipeline`` and ``web`` (like ``cli``) so that neither imports the other.
The listening socket is bound before uvicorn starts, so ``port=0`` works and the URL can be
printed first; SIGINT/SIGTERM stop the web server *and* the poll thread, and the process then
exits normally (uvicorn would otherwise re-raise the signal after its graceful shutdown).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Generator
from types import FrameType
from typing import Any

import uvicorn

from babelwire.config import Settings
from babelwire.pipeline.scheduler import PollScheduler
from babelwire.store import Store

log = logging.getLogger(__name__)
GRACEFUL_SECONDS = 5  # open connections get this long to finish after a stop request
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn's server, telling us about stop signals and not re-raising them afterwards."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None] | None) -> None:
        super().__init__(config)
        self.on_exit = on_exit

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)  # first signal: graceful; second Ctrl-C: force
        if self.on_exit is not None:
            self.on_exit()


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        from babelwire.errors import ConfigError

        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class ReaderServer:
    """An ASGI app under uvicorn on a pre-bound socket: ``run()`` in the foreground, or
    ``with ReaderServer(app) as server: httpx.get(server.url)`` in a background thread."""

    def __init__(
        self, app: Any, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning",
        access_log: bool = False, on_exit: Callable[[], None] | None = None,
    ) -> None:
        self.host = host
        self.socket = bind_socket(host, port)
        self.port = self.socket.getsockname()[1]
        # log_config=None: keep the process's logging setup (the CLI's); proxy headers off: the
        # reader is not meant to trust X-Forwarded-For from whoever connects.
        config = uvicorn.Config(app, log_config=None, log_level=log_level, access_log=access_log,
                                proxy_headers=False, server_header=False, lifespan="auto",
                                timeout_graceful_shutdown=GRACEFUL_SECONDS)
        self.server = _Server(config, on_exit)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """Serve until SIGINT/SIGTERM (in the main thread) or :meth:`stop`."""
        self.server.run(sockets=[self.socket])

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to shut down; when running in a thread, wait for it."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)

    def start(self, timeout: float = 10.0) -> ReaderServer:
        """Serve in a background thread; returns once uvicorn accepts connections."""
        self._thread = threading.Thread(target=self.run, name="babelwire-web", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start on {self.url}")
            time.sleep(0.02)
        return self

    def __enter__(self) -> ReaderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def reader_app(store: Store, settings: Settings, *, host: str | None = None) -> Any:
    """The reader's FastAPI app for a store, listening on ``host`` (default ``[web] host``), a host
    name it answers to besides ``[web] allowed_hosts`` (any other Host header gets 400)."""
    from babelwire.alerts.service import WatchService
    from babelwire.pipeline.subscriptions import SourceService
    from babelwire.web.app import create_app

    return create_app(store, settings, warm=True, listen_host=host, sources=SourceService(store, settings),
                      watches=WatchService(store, settings))


def app_from_environment() -> Any:
    """App factory for ``uvicorn --factory`` (several workers): settings from BABELWIRE_* variables.

    Links never come from X-Forwarded-* headers (uvicorn trusts them from 127.0.0.1 by default; the
    app ignores the scheme they set): behind a proxy, set ``[web] base_url``."""
    from babelwire.config import load_settings

    settings = load_settings()
    return reader_app(Store(settings.database_url), settings)


def serve(
    store: Store, settings: Settings, *, host: str | None = None, port: int | None = None,
    log_level: str = "warning", access_log: bool = False, on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the reader until SIGINT/SIGTERM; ``on_ready`` gets the URL once the port is bound."""
    host = host or settings.web.host
    server = ReaderServer(reader_app(store, settings, host=host), host=host,
                          port=settings.web.port if port is None else port, log_level=log_level,
                          access_log=access_log)
    if on_ready:
        on_ready(server.url)
    log.info("serving the reader on %s", server.url)
    server.run()


def run(
    store: Store, settings: Settings, *, host: str | None = None, port: int | None = None,
    log_level: str = "warning", access_log: bool = False, on_ready: Callable[[str], None] | None = None,
    stop_timeout: float = 10.0,
) -> None:
    """Poll due sources every ``[poll] tick`` in a background thread and serve the reader, until
    SIGINT/SIGTERM; a running poll gets ``stop_timeout`` seconds to reach a safe point."""
    scheduler = PollScheduler(store, settings)
    host = host or settings.web.host
    server = ReaderServer(reader_app(store, settings, host=host), host=host,
                          port=settings.web.port if port is None else port, log_level=log_level,
                          access_log=access_log, on_exit=scheduler.request_stop)
    if on_ready:
        on_ready(server.url)
    log.info("serving the reader on %s and polling every %ss", server.url, scheduler.tick)
    scheduler.start()
    try:
        server.run()
    finally:
        scheduler.stop(stop_timeout)
