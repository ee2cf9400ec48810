"""Alert fixtures: a real SMTP server (aiosmtpd) and a webhook receiver, both on loopback."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from babelwire.loopback import LoopbackServer, Request, Response
from tests.scale.conftest import broker_url, workers  # noqa: F401 - the Celery fixtures, for test_celery_runner


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received: parsed messages with their envelope."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """An aiosmtpd server on 127.0.0.1, set as [mail] host/port (no STARTTLS on loopback)."""
    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    monkeypatch.setenv("BABELWIRE_MAIL_HOST", box.host)
    monkeypatch.setenv("BABELWIRE_MAIL_PORT", str(box.port))
    monkeypatch.setenv("BABELWIRE_MAIL_STARTTLS", "0")
    monkeypatch.setenv("BABELWIRE_MAIL_FROM", "alerts@babelwire.test")
    yield box
    controller.stop()


class Receiver:
    """A webhook receiver: answers ``status`` (a list: one status per call, the last one repeated)."""

    def __init__(self, server: LoopbackServer, path: str = "/hook", statuses: tuple[int, ...] = (204,)) -> None:
        self.server, self.path, self.statuses = server, path, list(statuses)
        self.url = server.route(path, self._answer)
        self.calls: list[Request] = []
        self.lock = threading.Lock()

    def _answer(self, request: Request) -> Response:
        with self.lock:
            self.calls.append(request)
            status = self.statuses[min(len(self.calls), len(self.statuses)) - 1]
        return Response(b"", status)
