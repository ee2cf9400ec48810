"""The identity of a URL in the store: how a link found in a feed, typed by a user or reached by a
redirect is normalised before it is compared and stored."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def normalise_url(url: str) -> str:
    """Strip the fragment and surrounding whitespace; lower-case scheme and host."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
