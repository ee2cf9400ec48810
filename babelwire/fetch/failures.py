"""httpx transport exceptions → babelwire errors with short reasons, and whether to retry."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx

from babelwire.config import FetchSettings
from babelwire.errors import FetchError, NetworkError


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _tls_reason(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return error.verify_message
    return error.reason or str(error)


def transport_failure(exc: httpx.HTTPError, host: str, settings: FetchSettings) -> tuple[FetchError, bool]:
    """The error to raise for ``exc`` and whether the request is worth retrying."""
    if isinstance(exc, httpx.ConnectTimeout):
        return NetworkError(f"timed out after {settings.connect_timeout:g}s (connect)", kind="timeout"), True
    if isinstance(exc, httpx.ReadTimeout):
        return NetworkError(f"timed out after {settings.read_timeout:g}s (read)", kind="timeout"), True
    if isinstance(exc, httpx.WriteTimeout):
        return NetworkError(f"timed out after {settings.read_timeout:g}s (write)", kind="timeout"), True
    if isinstance(exc, httpx.PoolTimeout):
        return NetworkError("timed out waiting for a free connection", kind="timeout"), True
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError(f"unsupported URL: {exc}"), False
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            return NetworkError(f"TLS error: {_tls_reason(cause)}", kind="tls"), False
        if isinstance(cause, socket.gaierror):
            return NetworkError(f"DNS lookup failed for {host}", kind="dns"), False
        if isinstance(cause, ConnectionRefusedError):
            return NetworkError("connection refused", kind="refused"), True
        if isinstance(cause, ConnectionResetError):
            return NetworkError("connection reset by the server", kind="reset"), True
    if isinstance(exc, httpx.RemoteProtocolError):
        return NetworkError(f"server broke the HTTP exchange: {exc}", kind="protocol"), True
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(f"connection failed: {exc}"), True
    if isinstance(exc, httpx.TransportError):
        return NetworkError(f"connection lost: {exc}"), True
    return FetchError(f"HTTP client error: {exc}"), False
