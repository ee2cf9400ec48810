"""Who may call the JSON API and how often: the /api/v1 prefix (``/api`` its alias), read tokens,
per-token and per-client rate limits, and CORS for browser clients.

All of it is ASGI middleware outside the page cache, so a cached answer is never handed to a
client that has no token, or is over its limit.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from babelwire.config import Settings
from babelwire.web.paging import API_PREFIX
from babelwire.web.problems import PATH_SCOPE_KEY, problem_response

API_PATHS = ("/api/",)  # the internal prefix of every API route (pages and feeds are not the API)
READ_METHODS = ("GET", "HEAD")
EXPOSED_HEADERS = ["Link", "ETag", "Last-Modified", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining"]


class ApiVersionAlias:
    """``/api/v1/…`` is served by the routes under ``/api/…``; the path the client sent is kept on
    the scope (``PATH_SCOPE_KEY``) for problem details' ``instance``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.prefix = API_PREFIX + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(self.prefix):
            inner = "/api/" + path[len(self.prefix) :]
            raw = scope.get("raw_path")
            scope = {
                **scope,
                "path": inner,
                PATH_SCOPE_KEY: path,
                "raw_path": b"/api/" + raw[len(self.prefix) :] if raw and raw.startswith(self.prefix.encode()) else raw,
            }
        await self.app(scope, receive, send)


class RateLimiter:
    """Token buckets: each key may make ``per_minute`` requests in a burst, refilled evenly over a
    minute. In memory, per server process (``babelwire serve`` runs one); the least recently seen
    keys are forgotten beyond ``max_keys``."""

    def __init__(self, per_minute: int, *, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: str) -> tuple[bool, int, float]:
        """(allowed, requests left, seconds until the next one is allowed)."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
        return allowed, int(tokens), wait


def _token_key(token: str) -> str:
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]  # never the token itself


class ApiAccess:
    """Read tokens and rate limits on /api.

    With ``[api] read_tokens`` set, a read (GET/HEAD) needs one of them (or the admin token) as
    ``Authorization: Bearer <token>``: 401 without, 403 with another. Requests carrying a known
    token are limited per token (``rate_limit`` a minute), others (every request, when no read
    token is set) per client address (``anonymous_rate_limit``); over the limit: 429 with
    ``Retry-After``."""

    def __init__(self, app: ASGIApp, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.settings = settings
        api = settings.api
        self.tokens = [t.encode() for t in api.read_tokens if t]
        self.per_token = RateLimiter(api.rate_limit, clock=clock) if api.rate_limit else None
        self.anonymous = RateLimiter(api.anonymous_rate_limit, clock=clock) if api.anonymous_rate_limit else None

    def _known(self, given: str) -> bool:
        candidates = [*self.tokens, *([self.settings.admin.token.encode()] if self.settings.admin.token else [])]
        found = False
        for token in candidates:  # every one compared, in constant time
            found |= hmac.compare_digest(given.encode(), token)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(API_PATHS) or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope.get("headers", []) if k == b"authorization"), b"").decode("latin-1")
        scheme, _, given = header.partition(" ")
        given = given.strip() if scheme.lower() == "bearer" else ""
        known = bool(self.tokens and given) and self._known(given)  # without read tokens, everyone is anonymous
        if self.tokens and scope["method"] in READ_METHODS and not known:
            if not given:
                await self._refuse(
                    scope,
                    receive,
                    send,
                    401,
                    "This API needs a read token: send it as 'Authorization: Bearer <token>' ([api] read_tokens).",
                    {"WWW-Authenticate": 'Bearer realm="babelwire"'},
                )
            else:
                await self._refuse(scope, receive, send, 403, "Unknown read token.")
            return
        limiter = self.per_token if known else self.anonymous
        if limiter is not None:
            key = _token_key(given) if known else "client:" + ((scope.get("client") or ("?",))[0] or "?")
            allowed, left, wait = limiter.take(key)
            limit_headers = {"RateLimit-Limit": str(int(limiter.capacity)), "RateLimit-Remaining": str(left)}
            if not allowed:
                retry = max(1, math.ceil(wait))
                await self._refuse(
                    scope,
                    receive,
                    send,
                    429,
                    f"Too many requests: at most {int(limiter.capacity)} a minute "
                    f"{'per token' if known else 'per client'}. Retry in {retry} s.",
                    {"Retry-After": str(retry), **limit_headers},
                )
                return
            await self.app(scope, receive, _with_headers(send, limit_headers))
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, status: int, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        await problem_response(scope, status, detail, headers=headers)(scope, receive, send)


def _with_headers(send: Send, headers: dict[str, str]) -> Send:
    extra = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def sending(message: dict) -> None:  # type: ignore[type-arg]
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending


class ApiCors:
    """CORS for ``[api] cors_origins`` on /api only (the pages are not for other sites' scripts)."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match", "If-Modified-Since"],
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(API_PATHS):
            await self.cors(scope, receive, send)
            return
        await self.app(scope, receive, send)
