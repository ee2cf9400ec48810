"""Bytes → text for HTML pages: byte-order mark, then the page's own charset, then detection.

trafilatura guesses the encoding of bytes with charset-normalizer alone, which misreads short
Latin-1 pages that declare their charset in a ``<meta>`` tag; the declaration is the better
witness, so it is read first (the way browsers do, within the first kilobytes).
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read windows-1252 where a page says latin-1 or ascii (WHATWG encoding standard).
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso8859-1": "cp1252"}


def declared_encoding(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (meta tag or XML declaration), if Python knows it."""
    head = data[:4096]
    match = _XML_DECLARATION.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> str:
    """Decode an HTML page: BOM, declared charset, strict UTF-8, detection, then lossy UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    declared = declared_encoding(data)
    # A page declaring UTF-16/32 in ASCII-compatible bytes is lying: the tag itself was readable.
    if declared and not declared.startswith(("utf-16", "utf-32")):
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            logger.debug("page declares %s but does not decode with it", declared)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:20000]).best()
    if best is not None:
        try:
            return data.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace")
