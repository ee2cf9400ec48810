"""What keeps a hostile source page inert (security headers, safe links, sanitised HTML) and a
hostile client from steering the reader's links (the Host check, ``HostGuard``)."""

from __future__ import annotations

import json
import re
from typing import Any
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


# --- which Host the reader answers to, and the base URL of its links ---------------------------
BASE_URL_SCOPE_KEY = "babelwire.base_url"  # the checked base URL, set on the scope by HostGuard
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::", "[::]", "*"})  # listening on every interface
_HOST = re.compile(r"^(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?))\.?"
                   r"(?::(?P<port>[0-9]{1,5}))?$")
_FORWARDED = frozenset({b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-port", b"forwarded"})
_UNSEEN = object()


def split_host(value: str) -> tuple[str, int | None] | None:
    """(lower-case name without brackets, port or None) of a Host header or an allowed_hosts entry;
    None when it is not a host name, an IPv4 address or a bracketed IPv6 address (with a port)."""
    value = value.strip().lower()
    if value.count(":") > 1 and not value.startswith("["):  # a bare IPv6 address (an allowed_hosts entry)
        value = f"[{value}]"
    match = _HOST.match(value)
    if match is None:
        return None
    port = int(match["port"]) if match["port"] else None
    if port is not None and not 0 < port < 65536:
        return None
    return match["ipv6"] or match["name"], port


def _netloc(name: str, port: int | None) -> str:
    host = f"[{name}]" if ":" in name else name
    return f"{host}:{port}" if port is not None else host


class HostPolicy:
    """The Host headers the reader answers to and the base URL of the links it writes.

    Allowed: the address the connection came in on (what a client that typed that address sends),
    every ``[web] allowed_hosts`` entry, ``[web] host`` unless it is a wildcard address, and the host
    of ``[web] base_url``. An entry without a port allows the name without a port or with the port
    the server listens on; ``name:port`` that port only; ``*.example.org`` any subdomain, ``*`` any host.
    Ports are part of the check because links carry them: an open port range would let anyone
    multiply the variants of every cached answer.
    """

    def __init__(self, allowed: list[str], *, base_url: str = "", listen_host: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        entries = list(allowed)
        if listen_host.strip().lower() not in WILDCARD_ADDRESSES:
            entries.append(listen_host)
        if self.base_url:
            parts = urlsplit(self.base_url)
            if parts.hostname:
                entries.append(_netloc(parts.hostname, parts.port))
        self.any_host = False
        self._memo: dict[tuple[Any, ...], str | None] = {}
        self._names: dict[str, set[int | None]] = {}  # name -> ports (None: none given or the listening port)
        self._suffixes: list[tuple[str, int | None]] = []
        for entry in entries:
            text = entry.strip().lower()
            if text == "*":
                self.any_host = True
                continue
            wildcard = text.startswith("*.")
            found = split_host(text[2:] if wildcard else text)
            if found is None:
                raise ValueError(f"[web] allowed_hosts: {entry!r} is not a host name, host:port or *.domain")
            name, port = found
            if wildcard:
                self._suffixes.append(("." + name, port))
            else:
                self._names.setdefault(name, set()).add(port)

    @staticmethod
    def _port_ok(allowed: int | None, port: int | None, default: int, server_port: int | None) -> bool:
        if allowed is not None:
            return (port or default) == allowed
        return port is None or server_port is None or port in (default, server_port)

    def allows(self, name: str, port: int | None, *, scheme: str, server: tuple[str, int] | None) -> bool:
        """Whether a request for ``name[:port]`` that came in on ``server`` is answered."""
        if self.any_host:
            return True
        default = 443 if scheme == "https" else 80
        server_port = (server[1] or default) if server else None  # (host, None): on the default port
        if server is not None and name == str(server[0]).strip("[]").lower() and (port or default) == server_port:
            return True
        for allowed in self._names.get(name, ()):
            if self._port_ok(allowed, port, default, server_port):
                return True
        return any(name.endswith(suffix) and self._port_ok(allowed, port, default, server_port)
                   for suffix, allowed in self._suffixes)

    def base_for(self, scope: Scope) -> str | None:
        """The base URL of links in the answer to ``scope`` (``[web] base_url``, else the scheme and
        checked Host of the request plus its root path); None when its Host is not allowed."""
        hosts: list[bytes] = []
        forwarded = False
        for name, value in scope.get("headers", ()):
            if name == b"host":
                hosts.append(value)
            elif name in _FORWARDED:
                forwarded = True
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        if scheme == "https" and forwarded:
            # uvicorn's --proxy-headers may have set the scheme from X-Forwarded-Proto, which anyone
            # on a trusted address can send: not a source of links (set [web] base_url behind a proxy).
            scheme = "http"
        server = scope.get("server")
        key = (tuple(hosts), scheme, tuple(server) if server else None, scope.get("root_path", ""))
        found = self._memo.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._decide(*key)
            if len(self._memo) >= 1024:  # the keys come from clients: keep few
                self._memo.clear()
            self._memo[key] = found
        return found  # type: ignore[return-value]

    def _decide(self, hosts: tuple[bytes, ...], scheme: str, server: tuple[str, int] | None,
                root_path: str) -> str | None:
        if len(hosts) > 1:
            return None
        if hosts:
            found = split_host(hosts[0].decode("latin-1"))
            if found is None:
                return None
            name, port = found
        elif server is not None:  # HTTP/1.0 without Host: the address the client connected to
            name, port = str(server[0]).strip("[]").lower(), server[1]
        else:
            return self.base_url or None
        if not self.allows(name, port, scheme=scheme, server=server):
            return None
        if self.base_url:
            return self.base_url
        default = 443 if scheme == "https" else 80
        return f"{scheme}://{_netloc(name, None if port == default else port)}{root_path}"


def request_base_url(scope: Scope, configured: str = "") -> str:
    """The base URL for links in the answer to ``scope``: the one ``HostGuard`` checked, else
    ``configured`` ([web] base_url), else the address the connection came in on."""
    checked = scope.get(BASE_URL_SCOPE_KEY)
    if checked:
        return str(checked)
    if configured:
        return configured.rstrip("/")
    server = scope.get("server")
    host = _netloc(str(server[0]).strip("[]"), server[1]) if server else "localhost"
    return f"http://{host}{scope.get('root_path', '')}"


class HostGuard:
    """ASGI middleware: 400 for a Host the reader does not answer to (DNS rebinding, cache
    poisoning); otherwise the checked base URL goes on the scope for every link the answer writes."""

    def __init__(self, app: ASGIApp, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        base = self.policy.base_for(scope)
        if base is None:
            await self._refuse(scope, send)
            return
        scope[BASE_URL_SCOPE_KEY] = base
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        message = ("Invalid Host header. Add the host name to [web] allowed_hosts "
                   "(BABELWIRE_WEB_ALLOWED_HOSTS) or set [web] base_url.")
        if scope.get("path", "").startswith(("/api/", "/feeds/", "/openapi.json")):
            problem = {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": message,
                       "instance": scope.get("path", "")}  # RFC 9457, as every API error (web.problems)
            body, kind = json.dumps(problem).encode(), b"application/problem+json"
        else:
            body, kind = message.encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 400,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body if scope.get("method") != "HEAD" else b""})
