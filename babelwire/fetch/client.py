"""The Fetcher: one polite, guarded HTTP GET with retries, redirects, size limits and a deadline.

Safe to share between threads (the pipeline fetches from a thread pool): httpx's connection
pool is thread-safe, and politeness and the robots.txt cache lock their own state.

How long one URL can take, whatever its server does: at most ``[fetch] total_timeout`` (60 s)
of talking to servers, every attempt, redirect hop, body byte and backoff wait between retries
included (:mod:`babelwire.fetch.deadline`); retries share that budget, they do not multiply it
(a retry is not attempted when its backoff wait would outlast what is left). Not counted: waits
for our own politeness slots (``host_delay``, ``host_concurrency``, ``concurrency``: our queue,
not the server's doing) and at most one robots.txt fetch per origin and per hour (itself bounded
by the same deadline). The DNS lookup is bounded too, by the connect timeout and the deadline.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from babelwire.config import FetchSettings
from babelwire.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
)
from babelwire.fetch.content import check_body, media_type, refuse_early
from babelwire.fetch.deadline import Budget
from babelwire.fetch.decompress import ACCEPT_ENCODING, BoundedDecoder, describe_size
from babelwire.fetch.failures import transport_failure
from babelwire.fetch.guard import AddressGuard, Resolver, guarded_transport
from babelwire.fetch.politeness import Politeness
from babelwire.fetch.result import FetchResult
from babelwire.fetch.retry import RETRY_STATUSES, retry_wait
from babelwire.fetch.robots import RobotsPolicy

logger = logging.getLogger(__name__)

ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,"
          "application/feed+json,application/json;q=0.8,text/plain;q=0.5,*/*;q=0.1")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class _Response:
    url: str
    status: int
    phrase: str
    headers: dict[str, str]
    content: bytes = b""
    retries: int = 0


def _http_url(url: str) -> str:
    """The URL without its fragment; FetchError unless it is an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise FetchError(f"invalid URL: {exc}", url=url) from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme {parts.scheme or '(none)'!r}: only http and https", url=url)
    if not parts.hostname:
        raise FetchError("URL has no host", url=url)
    return urlunsplit(parts._replace(fragment=""))


class Fetcher:
    """``with Fetcher(settings.fetch) as fetcher: result = fetcher.fetch(url)``."""

    def __init__(self, settings: FetchSettings, *, resolver: Resolver | None = None) -> None:
        """``resolver`` replaces the system's ``getaddrinfo`` (tests: a DNS that never answers)."""
        self.settings = settings
        self.politeness = Politeness(settings.host_delay, settings.host_concurrency, settings.concurrency)
        guard = AddressGuard(settings.allow_private, settings.allow_hosts,
                             **({"resolver": resolver} if resolver is not None else {}))
        connections = max(1, settings.concurrency)
        limits = httpx.Limits(max_connections=connections * 2, max_keepalive_connections=connections,
                              keepalive_expiry=5.0)
        self._client = httpx.Client(
            transport=guarded_transport(guard, limits),
            timeout=httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                  write=settings.read_timeout,
                                  pool=settings.connect_timeout + settings.read_timeout),
            follow_redirects=False,  # every hop is checked (scheme, robots, guard) and counted here
            trust_env=False,  # an environment proxy would bypass the address guard
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self.robots: RobotsPolicy | None = None
        if settings.respect_robots:
            self.robots = RobotsPolicy(settings.user_agent, self._fetch_robots_txt,
                                       self.politeness.set_crawl_delay)

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` politely; conditional when validators are given (304 → ``not_modified``)."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = self._fetch(url, headers, obey_robots=True, check_content=True)
        if result.not_modified:
            result.etag = result.etag or etag
            result.last_modified = result.last_modified or last_modified
        return result

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _fetch_robots_txt(self, url: str) -> FetchResult:
        return self._fetch(url, {}, obey_robots=False, check_content=False)

    def _fetch(self, url: str, headers: dict[str, str], *, obey_robots: bool,
               check_content: bool) -> FetchResult:
        started = time.monotonic()
        current = start = _http_url(url)
        hops: list[str] = []
        budget = Budget(self.settings.total_timeout)  # shared by every hop and retry of this URL
        while True:
            if obey_robots and self.robots is not None:
                try:
                    self.robots.check(current)
                except BlockedAddressError as exc:  # met while fetching robots.txt: report the page
                    exc.url = current
                    raise
            response = self._get_with_retries(current, headers, check_content, budget)
            if response.status not in REDIRECT_STATUSES:
                break
            current = self._next_hop(start, current, response, hops)
        if response.status != 304 and not 200 <= response.status < 300:
            retried = f" (after {response.retries} retries)" if response.retries else ""
            raise HTTPStatusError(f"HTTP {response.status} {response.phrase}".rstrip() + retried,
                                  url=current, status=response.status)
        if check_content and response.status != 304:
            try:
                check_body(media_type(response.headers.get("content-type")), response.content,
                           response.headers.get("content-type"))
            except FetchError as exc:
                exc.url = current
                raise
        return FetchResult(
            url=url, final_url=current, status=response.status, content=response.content,
            content_type=media_type(response.headers.get("content-type")), headers=response.headers,
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
            redirects=hops, elapsed=time.monotonic() - started,
        )

    def _next_hop(self, start: str, current: str, response: _Response, hops: list[str]) -> str:
        location = response.headers.get("location")
        if not location:
            raise HTTPStatusError(f"HTTP {response.status} redirect without a Location header",
                                  url=current, status=response.status)
        target = _http_url(urljoin(current, location))
        chain = [start, *hops]
        if target in chain:
            raise TooManyRedirectsError("redirect loop: " + " → ".join([*chain, target]), url=start)
        if len(hops) >= self.settings.max_redirects:
            limit = self.settings.max_redirects
            raise TooManyRedirectsError(f"more than {limit} redirects (last to {target})", url=start)
        hops.append(target)
        return target

    def _get_with_retries(self, url: str, headers: dict[str, str], check_content: bool,
                          budget: Budget) -> _Response:
        host = (urlsplit(url).hostname or "").lower()
        retries = max(0, self.settings.retries)
        for attempt in range(retries + 1):
            try:
                with self.politeness.slot(host), budget.running():
                    response = self._get(url, headers, check_content, budget)
            except httpx.HTTPError as exc:
                error, transient = transport_failure(exc, host, self.settings)
                error.url = url
                wait = retry_wait(attempt, self.settings.backoff, self.settings.max_backoff)
                if not transient or attempt == retries or wait >= budget.remaining():
                    raise error from exc
                logger.info("fetch %s failed (%s); retry %d/%d in %.2fs", url, error.reason, attempt + 1,
                            retries, wait)
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL: {exc}", url=url) from exc
            except FetchError as exc:  # raised by our own checks, inside or outside the transport
                exc.url = exc.url or url
                raise
            else:
                response.retries = attempt
                if response.status not in RETRY_STATUSES or attempt == retries:
                    return response
                wait = retry_wait(attempt, self.settings.backoff, self.settings.max_backoff,
                                  response.headers.get("retry-after"))
                if wait >= budget.remaining():  # the retry could not finish in time: report this answer
                    logger.info("fetch %s: HTTP %d; no time left to retry", url, response.status)
                    return response
                logger.info("fetch %s: HTTP %d; retry %d/%d in %.2fs", url, response.status, attempt + 1,
                            retries, wait)
            budget.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _get(self, url: str, headers: dict[str, str], check_content: bool, budget: Budget) -> _Response:
        # Socket operations are bounded by the budget in the network stream; the wait for a pooled
        # connection is not a socket operation, so it is bounded here.
        timeout = httpx.Timeout(connect=self.settings.connect_timeout, read=self.settings.read_timeout,
                                write=self.settings.read_timeout,
                                pool=max(0.001, min(self.settings.connect_timeout + self.settings.read_timeout,
                                                    budget.remaining())))
        with self._client.stream("GET", url, headers=headers, timeout=timeout) as response:
            result = _Response(url, response.status_code, response.reason_phrase,
                               {name: response.headers[name] for name in response.headers})
            if not 200 <= response.status_code < 300:
                return result  # redirects, 304 and errors: the body is not wanted
            if check_content:
                refuse_early(media_type(result.headers.get("content-type")))
            result.content = self._read_body(response, result.headers)
            return result

    def _read_body(self, response: httpx.Response, headers: dict[str, str]) -> bytes:
        limit = self.settings.max_bytes
        too_large = f"body larger than {describe_size(limit)}"
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise TooLargeError(too_large)  # refused before a byte of the body is read
        decoder = BoundedDecoder(headers.get("content-encoding"), self.settings.max_decompressed_bytes)
        received = 0
        parts = []
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > limit:  # chunked or lying Content-Length
                raise TooLargeError(too_large)
            parts.append(decoder.feed(chunk))
        parts.append(decoder.finish())
        return b"".join(parts)
