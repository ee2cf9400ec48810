"""Address guard: never connect to loopback, private, link-local or reserved addresses.

Feeds and pages are untrusted: a redirect or a DNS answer pointing at 127.0.0.1, 10.x or a
cloud metadata address (169.254.169.254) would turn the fetcher into a probe of the local
network (SSRF). The check runs inside the connection itself (:class:`GuardedBackend`): the host
is resolved once, every address is checked, and the socket connects to a checked address, so a
DNS answer that changes between check and connect (rebinding) cannot slip through, and every
redirect hop, robots.txt included, passes the same gate. Every stream it opens is also bounded by
the running request's total deadline (:mod:`babelwire.fetch.deadline`).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import typing
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import httpcore
import httpx

from babelwire.errors import BlockedAddressError, NetworkError
from babelwire.fetch.deadline import DeadlineStream, bounded

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
HOW_TO_ALLOW = (
    "set [fetch] allow_private = true or BABELWIRE_FETCH_ALLOW_PRIVATE=1 to allow private addresses, "
    "or list the host in [fetch] allow_hosts"
)


def blocked_kind(address: IPAddress) -> str | None:
    """Why an address must not be contacted ("loopback", "private", ...), or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 6to4/Teredo wrappers reach the IPv4 address inside them.
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is not None:
            return blocked_kind(inner)
    for kind in ("loopback", "unspecified", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:  # e.g. 100.64.0.0/10 carrier-grade NAT, 192.0.0.0/24
        return "non-global"
    return None


Resolver = typing.Callable[..., list[typing.Any]]
# Lookups run here, each bounded by its request's deadline (getaddrinfo cannot be interrupted).
_DNS_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="babelwire-dns")


class AddressGuard:
    """Decides which hosts may be contacted and resolves them to checked addresses."""

    def __init__(self, allow_private: bool, allow_hosts: typing.Iterable[str] = (),
                 resolver: Resolver = socket.getaddrinfo) -> None:
        self.allow_private = allow_private
        self.resolver = resolver  # socket.getaddrinfo's signature; another only in tests (a slow DNS)
        self._exact = set()
        self._suffixes = []
        for entry in allow_hosts:
            entry = entry.strip().lower().rstrip(".")
            if entry.startswith("*."):
                self._suffixes.append(entry[1:])  # "*.corp.example" → ".corp.example"
            elif entry:
                self._exact.add(entry)

    def exempt(self, host: str) -> bool:
        """True when the host is not checked (private addresses allowed, or listed in allow_hosts)."""
        host = host.lower().rstrip(".")
        return self.allow_private or host in self._exact or host.endswith(tuple(self._suffixes))

    def resolve(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        """The host's addresses, all checked (unless the host is exempt); raises BlockedAddressError
        or NetworkError (DNS). The lookup is bounded by ``timeout`` and the request's total
        deadline: the system resolver has its own timeouts, retries and servers, and a resolver
        that never answers must not hold a poll (the lookup runs on a small shared pool of threads,
        where one that outlives its deadline finishes on its own)."""
        limit, budget = bounded(timeout)
        lookup = _DNS_POOL.submit(self.resolver, host, port, type=socket.SOCK_STREAM)
        try:
            infos = lookup.result(timeout=limit)
        except FutureTimeout:
            lookup.cancel()
            if budget is not None:
                raise budget.error() from None
            raise NetworkError(f"DNS lookup for {host} took longer than {limit:g} s", kind="dns") from None
        except (socket.gaierror, UnicodeError) as exc:
            raise NetworkError(f"DNS lookup failed for {host}", kind="dns") from exc
        exempt = self.exempt(host)
        addresses: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            text = str(sockaddr[0])
            kind = None if exempt else blocked_kind(ipaddress.ip_address(text.split("%", 1)[0]))
            if kind is not None:
                # One bad answer blocks the host: the resolver could hand it out next time.
                where = f"{host} is" if host == text else f"{host} resolves to {text},"
                raise BlockedAddressError(f"{where} a {kind} address; {HOW_TO_ALLOW}")
            if text not in addresses:
                addresses.append(text)
        return addresses


class GuardedBackend(httpcore.SyncBackend):
    """An httpcore network backend that connects only to addresses the guard accepted."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve, check every address, then connect to the first checked address that answers;
        the stream returned respects the request's total deadline."""
        last_error: Exception | None = None
        for address in self.guard.resolve(host, port, timeout):
            try:
                return DeadlineStream(self._connect(address, port, timeout, local_address, socket_options))
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                logger.debug("connect to %s (%s) failed: %s", host, address, exc)
                last_error = exc
        assert last_error is not None  # resolve() returns at least one address or raises
        raise last_error

    def _connect(
        self,
        host: str,
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None,
    ) -> httpcore.NetworkStream:
        limit, budget = bounded(timeout)
        try:
            return super().connect_tcp(host, port, limit, local_address, socket_options)
        except httpcore.ConnectTimeout:
            if budget is not None:
                raise budget.error() from None
            raise


def guarded_transport(guard: AddressGuard, limits: httpx.Limits) -> httpx.HTTPTransport:
    """An httpx transport whose connections all go through :class:`GuardedBackend`."""
    transport = httpx.HTTPTransport(limits=limits, retries=0)
    # httpx exposes no network-backend option, so the pool is rebuilt the way httpx builds it
    # (same TLS context and limits) with our backend. Fail loudly if httpx ever renames it.
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise RuntimeError("httpx.HTTPTransport has no _pool: the address guard cannot be installed")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(guard),
    )
    return transport
