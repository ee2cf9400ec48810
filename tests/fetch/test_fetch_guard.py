"""The address guard: loopback/private/reserved addresses refused, on every hop."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest

from babelwire.config import FetchSettings
from babelwire.errors import BlockedAddressError
from babelwire.fetch import Fetcher
from babelwire.fetch.guard import AddressGuard, blocked_kind
from babelwire.loopback import LoopbackServer, Response

Settings = Callable[..., FetchSettings]


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
    ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"), ("100.64.0.1", "non-global"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("fc00::1", "private"),
    ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
    ("93.184.215.14", None), ("2606:4700:4700::1111", None), ("::ffff:1.1.1.1", None),
])
def test_blocked_kind(address: str, kind: str | None) -> None:
    assert blocked_kind(ipaddress.ip_address(address)) == kind


def test_allow_hosts_exemptions() -> None:
    guard = AddressGuard(False, ["intranet.example", "*.corp.example"])
    assert guard.exempt("intranet.example") and guard.exempt("INTRANET.example.")
    assert guard.exempt("news.corp.example") and not guard.exempt("corp.example.evil")
    assert not guard.exempt("example.org")
    assert AddressGuard(True).exempt("anything")


def test_direct_loopback_url_is_blocked(server: LoopbackServer, fetch_settings: Settings) -> None:
    url = server.route("/a", Response(b"<p>secret</p>"))
    settings = fetch_settings(allow_private=False, respect_robots=True)
    with Fetcher(settings) as fetcher, pytest.raises(BlockedAddressError) as caught:
        fetcher.fetch(url)
    assert caught.value.url == url
    assert "127.0.0.1 is a loopback address" in caught.value.reason
    assert "[fetch] allow_private = true" in caught.value.reason
    assert "BABELWIRE_FETCH_ALLOW_PRIVATE=1" in caught.value.reason
    assert server.requests == []  # not even robots.txt


def test_redirect_to_loopback_is_blocked(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/secret", Response(b"<p>admin panel</p>"))
    port = server.base_url.rsplit(":", 1)[1]
    server.route("/go", Response(b"", 302, {"Location": f"http://127.0.0.1:{port}/secret"}))
    settings = fetch_settings(allow_private=False, allow_hosts=["localhost"])
    with Fetcher(settings) as fetcher, pytest.raises(BlockedAddressError) as caught:
        fetcher.fetch(f"http://localhost:{port}/go")
    assert "loopback" in caught.value.reason
    assert len(server.requests_to("/go")) == 1
    assert server.requests_to("/secret") == []


def test_allowed_host_is_fetched(server: LoopbackServer, fetch_settings: Settings) -> None:
    server.route("/page", Response(b"<p>intranet</p>"))
    port = server.base_url.rsplit(":", 1)[1]
    with Fetcher(fetch_settings(allow_private=False, allow_hosts=["localhost"])) as fetcher:
        assert fetcher.fetch(f"http://localhost:{port}/page").content == b"<p>intranet</p>"


def test_name_resolving_to_loopback_is_blocked(fetch_settings: Settings) -> None:
    settings = fetch_settings(allow_private=False)
    with Fetcher(settings) as fetcher, pytest.raises(BlockedAddressError) as caught:
        fetcher.fetch("http://localhost:9/")
    assert caught.value.reason.startswith("localhost resolves to ")


@pytest.mark.parametrize("host", ["[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "169.254.169.254", "10.0.0.1"])
def test_address_literals_are_blocked(fetch_settings: Settings, host: str) -> None:
    settings = fetch_settings(allow_private=False, connect_timeout=0.5)
    how_to_allow = "address; set \\[fetch\\] allow_private = true"
    with Fetcher(settings) as fetcher, pytest.raises(BlockedAddressError, match=how_to_allow):
        fetcher.fetch(f"http://{host}/latest/meta-data/")
