"""Webhook calls: a JSON POST signed with HMAC-SHA256, through the fetcher's address guard.

Headers: ``X-Babelwire-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the watch's
secret>``, ``X-Babelwire-Event: watch.match``, ``X-Babelwire-Delivery: <delivery id>`` (the same
on every retry of one delivery: a receiver can drop repeats). A 2xx answer is success; anything
else, a timeout or a refused address is a failure the caller retries with backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from babelwire.config import Settings
from babelwire.errors import BabelwireError
from babelwire.fetch.guard import AddressGuard, guarded_transport

SIGNATURE_HEADER = "X-Babelwire-Signature"


class WebhookError(BabelwireError):
    """A webhook call that did not get a 2xx answer (the reason says what happened, never the secret)."""


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: what a receiver recomputes with its copy of the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def shown_url(url: str) -> str:
    """A webhook URL as logs and errors show it: scheme and host only (chat services put the secret
    in the path)."""
    try:
        parts = httpx.URL(url)
    except httpx.InvalidURL:
        return "(invalid URL)"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.host}{port}/…"


def check_webhook_url(url: str) -> str:
    """An http(s) URL with a host, else ValueError. Whether the address may be called is decided when
    it is called (the address guard), as for a feed."""
    parts = urlsplit(url or "")
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(ord(c) < 33 or ord(c) == 127 for c in url)
    ):
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


class WebhookClient:
    """One guarded HTTP client for every call of a delivery run."""

    def __init__(self, settings: Settings) -> None:
        guard = AddressGuard(settings.fetch.allow_private, settings.fetch.allow_hosts)
        self.client = httpx.Client(
            transport=guarded_transport(guard, httpx.Limits(max_connections=8)),
            timeout=settings.alerts.webhook_timeout,
            follow_redirects=False,
            headers={"User-Agent": settings.fetch.user_agent},
        )

    def post(self, url: str, secret: str, payload: dict[str, Any], delivery_id: int) -> int:
        """POST the payload; the status code, or WebhookError."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(secret, body),
            "X-Babelwire-Event": "watch.match",
            "X-Babelwire-Delivery": str(delivery_id),
        }
        try:
            response = self.client.post(url, content=body, headers=headers)
        except BabelwireError as exc:  # the address guard refused the host, or DNS failed
            raise WebhookError(f"webhook {shown_url(url)}: {exc.reason}") from exc
        except httpx.HTTPError as exc:
            raise WebhookError(f"webhook {shown_url(url)}: {type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise WebhookError(f"webhook {shown_url(url)} answered HTTP {response.status_code}")
        return response.status_code

    def close(self) -> None:
        self.client.close()
