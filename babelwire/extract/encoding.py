"""Bytes → text for HTML pages given to the extractor as bytes.

trafilatura guesses the encoding of bytes with charset-normalizer alone, which misreads short
Latin-1 pages that declare their charset in a ``<meta>`` tag. Pages are decoded here instead, by
the fetcher's own sniffer (:func:`babelwire.fetch.encoding.decode_text`: BOM, valid UTF-8, the
page's declaration, detection), so a page fetched and a page read from disk decode the same way.
"""

from __future__ import annotations

from babelwire.fetch.encoding import declared_charset, decode_text

__all__ = ["declared_encoding", "decode_html"]


def declared_encoding(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (meta tag or XML declaration), if Python knows it."""
    return declared_charset(data)


def decode_html(data: bytes, content_type_header: str | None = None) -> str:
    """Decode an HTML page exactly as the fetcher would (see :func:`decode_text`)."""
    return decode_text(data, content_type_header)[0]
