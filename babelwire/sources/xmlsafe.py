"""Parsing untrusted XML and gzip safely: no external entities, no network, bounded sizes."""

from __future__ import annotations

import re
import zlib

from lxml import etree

from babelwire.errors import FeedError, FetchError
from babelwire.fetch.decompress import gunzip as bounded_gunzip

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Largest (decompressed) sitemap or feed we parse: the sitemap protocol's 50 MiB limit."""
# libxml2's own guards against entity expansion (billion laughs, quadratic blowup, entity loops).
_ENTITY_ATTACK = re.compile(r"amplification|entity reference loop|entity loop", re.I)


class EntityAttackError(FeedError):
    """The document declares entities that expand exponentially or in a loop: refused whole
    (never recovered: what a recovering parser keeps of it is not what the author wrote)."""


def safe_parser(*, recover: bool = False) -> etree.XMLParser:
    """An lxml parser that never reads a DTD, an external entity or the network (no XXE),
    never expands entities (no billion laughs) and keeps libxml2's size limits (huge_tree)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def parse_xml(content: bytes, *, what: str, url: str | None = None, recover: bool = False) -> etree._Element:
    """The root element of ``content``; FeedError naming ``what`` ("sitemap", "OPML") if malformed."""
    try:
        root = etree.fromstring(content, parser=safe_parser(recover=recover))
    except etree.XMLSyntaxError as exc:
        if _ENTITY_ATTACK.search(str(exc.msg or exc)):
            raise EntityAttackError(f"{what} refused: entity expansion attack ({_describe(exc)})", url=url) from exc
        raise FeedError(f"malformed {what}: {_describe(exc)}", url=url) from exc
    except ValueError as exc:  # e.g. "can only parse strings" or an unsupported encoding
        raise FeedError(f"malformed {what}: {exc}", url=url) from exc
    if root is None:
        raise FeedError(f"malformed {what}: no root element", url=url)
    return root


def local_name(element: etree._Element) -> str:
    """The tag of ``element`` without its namespace ("" for comments and entities)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def gunzip(content: bytes, max_bytes: int, *, url: str | None = None) -> bytes:
    """``fetch.decompress.gunzip`` (the one bounded gunzip), its failures as FeedError."""
    try:
        return bounded_gunzip(content, max_bytes, url=url)
    except FetchError as exc:
        raise FeedError(exc.reason, url=url) from exc


def gunzip_head(content: bytes, size: int = 64 * 1024) -> bytes:
    """The first ``size`` decompressed bytes of gzip ``content`` (enough to sniff); never raises."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(content, size)
    except zlib.error:
        return b""


def _describe(exc: etree.XMLSyntaxError) -> str:
    message = str(exc.msg or exc).strip()
    line = getattr(exc, "lineno", None)
    return f"{message} at line {line}" if line and f"line {line}" not in message else message
