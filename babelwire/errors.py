"""The documented errors of babelwire: one hierarchy callers can catch precisely.

Every error carries a readable ``reason`` (what a user sees in ``source list`` or
``article show``) and, where there is one, the ``url`` it concerns.
"""

from __future__ import annotations


class BabelwireError(Exception):
    """Base class of every error babelwire raises on purpose."""

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url

    def __str__(self) -> str:
        return f"{self.reason} ({self.url})" if self.url else self.reason


class ConfigError(BabelwireError):
    """A setting in babelwire.toml or the environment is missing or malformed."""


class FetchError(BabelwireError):
    """A URL could not be fetched; subclasses say why."""


class BlockedAddressError(FetchError):
    """The URL (or a redirect hop) resolves to a loopback, private or reserved address."""


class RobotsDisallowedError(FetchError):
    """robots.txt forbids our User-Agent to fetch the URL."""


class HTTPStatusError(FetchError):
    """The server answered with a 4xx or 5xx status."""

    def __init__(self, reason: str, *, url: str | None = None, status: int = 0) -> None:
        super().__init__(reason, url=url)
        self.status = status


class NetworkError(FetchError):
    """DNS, connection, TLS or timeout failure; ``kind`` says which (``dns``, ``refused``,
    ``tls``, ``timeout``, ``reset``, ``protocol``, or ``""`` when unknown)."""

    def __init__(self, reason: str, *, url: str | None = None, kind: str = "") -> None:
        super().__init__(reason, url=url)
        self.kind = kind


class TooLargeError(FetchError):
    """The body (raw or decompressed) exceeds the configured limit."""


class TooManyRedirectsError(FetchError):
    """Redirect limit exceeded, or a redirect loop."""


class UnsupportedContentError(FetchError):
    """The body is not HTML, XML or JSON (e.g. an image or a binary served as text/html)."""


class FeedError(BabelwireError):
    """A feed, sitemap or OPML file is malformed or holds nothing usable."""


class ExtractionError(BabelwireError):
    """No article could be extracted from a page."""


class TranslationError(BabelwireError):
    """A translation engine failed or is not available."""


class ModelError(TranslationError):
    """A translation model is missing, unreadable or cannot be downloaded."""


class SourceExistsError(BabelwireError):
    """The URL is already watched."""


class InvalidSourceError(BabelwireError):
    """A source's URL, language or engine cannot be stored (too long for its column)."""
