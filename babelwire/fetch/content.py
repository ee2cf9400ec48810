"""Which bodies the fetcher accepts: HTML, XML, JSON, plain text and gzip files (sitemaps)."""

from __future__ import annotations

from babelwire.errors import UnsupportedContentError

GZIP_MAGIC = b"\x1f\x8b"
_TEXT_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "text/xml", "application/xml", "application/json",
    "text/plain", "text/x-opml",
})
_GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/gzip-compressed"})
# Types a misconfigured server uses for anything; accepted only when the body is gzip.
_GENERIC_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "application/x-download",
                            "application/download", "application/force-download"})
_SNIFF_BYTES = 1024
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16/32 text legitimately holds NUL bytes


def media_type(content_type_header: str | None) -> str:
    """``"text/html"`` from ``"Text/HTML; charset=UTF-8"``; ``""`` when absent."""
    return (content_type_header or "").split(";", 1)[0].strip().lower()


def is_text_type(media: str) -> bool:
    """HTML, XML (any ``+xml``), JSON (any ``+json``) or plain text."""
    return media in _TEXT_TYPES or media.endswith(("+xml", "+json"))


def refuse_early(media: str) -> None:
    """Refuse, from the headers alone, a type no body could redeem (images, PDF, video...)."""
    if media and not (is_text_type(media) or media in _GZIP_TYPES or media in _GENERIC_TYPES):
        raise UnsupportedContentError(f"unsupported content type {media}")


def check_body(media: str, content: bytes, content_type_header: str | None) -> None:
    """Refuse a body whose declared type, or whose bytes, are not something we can use."""
    refuse_early(media)
    if content.startswith(GZIP_MAGIC):
        return  # a gzip file (sitemap.xml.gz), whatever the server called it
    if media in _GZIP_TYPES:
        raise UnsupportedContentError(f"content declared {media} is not gzip")
    if media in _GENERIC_TYPES:
        raise UnsupportedContentError(f"unsupported content type {media}")
    head = content[:_SNIFF_BYTES]
    declared = (content_type_header or "").lower()
    wide_text = head.startswith(_WIDE_BOMS) or "utf-16" in declared or "utf-32" in declared
    if b"\x00" in head and not wide_text:
        raise UnsupportedContentError(f"binary content served as {media or 'text (no content type)'}")
