"""What keeps a hostile source page inert: security headers, safe links, sanitised HTML."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]

# The HTML we build for feeds and snippets: text blocks, emphasis, links, change marks.
ALLOWED_TAGS = {"p", "h2", "h3", "blockquote", "ul", "li", "em", "strong", "a", "ins", "del", "mark", "br", "small"}
ALLOWED_ATTRIBUTES = {"a": {"href", "hreflang"}, "p": {"lang"}, "blockquote": {"lang"}, "h2": {"lang"},
                      "h3": {"lang"}, "li": {"lang"}}


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL (rendered as a link), else None (shown as text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links get http(s) only and noopener."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https"},
                     link_rel="noopener noreferrer")


class SecurityHeadersMiddleware:
    """ASGI middleware adding the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
