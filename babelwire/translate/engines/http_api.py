"""The HTTP part shared by the API engines: JSON POST with timeouts, retries and readable errors.

Retries cover what is worth retrying — 429, 5xx, timeouts and dropped connections — with
exponential backoff that honours ``Retry-After``. Every failure becomes a
:class:`~babelwire.errors.TranslationError` whose reason names the service, the HTTP status and
the API's own message (``DeepL: HTTP 403 Forbidden — Wrong auth key``).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx

from babelwire.errors import TranslationError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date; None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def api_message(response: httpx.Response) -> str:
    """The error text an API put in its body (``error``, ``message``, ``detail``), else the body."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            value = data.get(key)
            if isinstance(value, dict):  # OpenAI: {"error": {"message": "...", "type": ...}}
                value = value.get("message")
            if isinstance(value, str) and value.strip():
                return value.strip()
    text = " ".join(response.text.split())
    return text[:200]


def keep_blanks(sentences: Sequence[str], translate: Callable[[list[str]], list[str]]) -> list[str]:
    """Translate the non-blank sentences only; blank ones come back unchanged, in place."""
    results = list(sentences)
    todo = [i for i, s in enumerate(sentences) if s.strip()]
    if todo:
        for i, text in zip(todo, translate([sentences[i] for i in todo]), strict=True):
            results[i] = text
    return results


def chunked(items: Sequence[str], max_items: int, max_chars: int) -> Iterator[list[str]]:
    """Consecutive chunks of at most ``max_items`` items and (unless one item is bigger) ``max_chars``."""
    chunk: list[str] = []
    size = 0
    for item in items:
        if chunk and (len(chunk) >= max_items or size + len(item) > max_chars):
            yield chunk
            chunk, size = [], 0
        chunk.append(item)
        size += len(item)
    if chunk:
        yield chunk


class JSONAPI:
    """POST JSON to one service and get JSON back, or a TranslationError that says why."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        status_hints: dict[int, str] | None = None,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.status_hints = status_hints or {}
        # Connecting should be quick even when a translation may take a while.
        self._client = httpx.Client(
            headers={"Accept": "application/json", **(headers or {})},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        )

    def close(self) -> None:
        self._client.close()

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        """POST ``payload`` to ``base_url + path`` and return the decoded JSON answer."""
        url = self.base_url + path
        attempt = 0
        while True:
            wait: float | None = None
            try:
                response = self._client.post(url, json=payload)
            except httpx.TimeoutException as exc:
                failure = f"{self.service}: no answer within {self._client.timeout.read:g}s"
                cause: Exception = exc
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                failure = f"{self.service}: connection dropped ({exc.__class__.__name__})"
                cause = exc
            except httpx.ConnectError as exc:
                raise TranslationError(
                    f"{self.service}: cannot connect to {self.base_url} ({exc}); is the server running?",
                    url=url,
                ) from exc
            except httpx.HTTPError as exc:
                raise TranslationError(f"{self.service}: request failed: {exc}", url=url) from exc
            else:
                if response.status_code < 400:
                    return self._decode(response, url)
                failure = self._status_reason(response)
                cause = TranslationError(failure, url=url)
                if response.status_code not in RETRY_STATUSES:
                    raise TranslationError(failure, url=url)
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt >= self.retries:
                reason = f"{failure} (gave up after {attempt + 1} attempts)"
                raise TranslationError(reason, url=url) from cause
            if wait is None:
                wait = self.backoff * 2**attempt
            wait = min(wait, self.max_backoff)
            log.warning("%s; retrying in %.1fs", failure, wait, extra={"url": url})
            time.sleep(wait)
            attempt += 1

    def _status_reason(self, response: httpx.Response) -> str:
        reason = f"{self.service}: HTTP {response.status_code} {response.reason_phrase}".rstrip()
        message = api_message(response)
        hint = self.status_hints.get(response.status_code)
        return reason + "".join(f" — {part}" for part in (message, hint) if part)

    def _decode(self, response: httpx.Response, url: str) -> Any:
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError) as exc:
            snippet = " ".join(response.text.split())[:120]
            raise TranslationError(
                f"{self.service}: malformed response (not JSON): {snippet!r}", url=url
            ) from exc

    def malformed(self, what: str, path: str = "") -> TranslationError:
        """The error for a JSON answer that lacks what the API promises."""
        return TranslationError(f"{self.service}: malformed response: {what}", url=self.base_url + path)

