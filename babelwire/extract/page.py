"""extract_document: one HTML page → one Document (title, ordered blocks, metadata, language)."""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from babelwire.document import Document
from babelwire.errors import ExtractionError
from babelwire.extract.article import body_blocks
from babelwire.extract.boilerplate import remove_boilerplate
from babelwire.extract.encoding import decode_html
from babelwire.extract.language import detect_language
from babelwire.extract.metadata import read_metadata

logger = logging.getLogger(__name__)

# Larger pages are not articles (and trafilatura refuses them anyway).
MAX_PAGE_CHARS = 20_000_000
# Fewer letters than this is a menu, a caption or a gallery, not an article.
MIN_ARTICLE_LETTERS = 50
# trafilatura settings chosen on the extraction evaluation (see README, "Extraction quality").
TRAFILATURA_OPTIONS: dict[str, bool] = {
    "include_comments": False,  # readers' comments are not the article
    "include_tables": True,
}

_TAG = re.compile(r"<[a-zA-Z!?/]")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def extract_document(html: str | bytes, url: str | None = None, *, language: str | None = None) -> Document:
    """Extract the article of an HTML page; raises ExtractionError (only) when there is none.

    ``language`` is a hint (ISO 639-1) used only when the text's language cannot be detected.
    """
    try:
        return _extract(html, url, language)
    except ExtractionError:
        raise
    except Exception as exc:
        # The contract with every caller (pipeline, CLI) is "an article or an ExtractionError":
        # hostile markup can make lxml or trafilatura fail in ways no list of exceptions foresees.
        logger.warning("extraction failed on %s", url, exc_info=True)
        raise ExtractionError(f"extraction failed ({type(exc).__name__})", url=url) from exc


def _extract(html: str | bytes, url: str | None, language: str | None) -> Document:
    tree = _parse(html, url)
    meta = read_metadata(tree, url)
    result = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    blocks = body_blocks(result.body if result is not None else None)
    blocks = remove_boilerplate(blocks, meta.title, meta.site_names)
    letters = sum(ch.isalpha() for block in blocks for ch in block.text)
    if letters < MIN_ARTICLE_LETTERS:
        raise ExtractionError("no article text found" + (f" (only {letters} letters)" if letters else ""), url=url)
    document = Document(title=meta.title, blocks=blocks, author=meta.author, published=meta.published,
                        modified=meta.modified, url=meta.url)
    hint = language.strip().lower() if language and language.strip() else None
    document.language = detect_language(document.text) or hint or meta.html_language
    logger.debug("extracted %d blocks (%s) from %s", len(blocks), document.language, url)
    return document


def _parse(html: str | bytes, url: str | None) -> HtmlElement:
    """Decode and parse a page, refusing what is plainly not HTML."""
    if isinstance(html, bytes | bytearray):
        data = bytes(html)
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        if data.startswith(_BINARY_MAGIC) or (b"\x00" in data[:2048] and not utf16):
            raise ExtractionError("not an HTML document (binary data)", url=url)
        text = decode_html(data)
    elif isinstance(html, str):
        text = html
    else:
        raise ExtractionError(f"not an HTML document ({type(html).__name__})", url=url)
    if not text.strip():
        raise ExtractionError("empty page", url=url)
    if len(text) > MAX_PAGE_CHARS:
        raise ExtractionError(f"page too large ({len(text)} characters)", url=url)
    if not _TAG.search(text[:100_000]):
        raise ExtractionError("not an HTML document (no markup)", url=url)
    # Lone surrogates and NULs (from a str built out of broken bytes) make lxml fail outright.
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    tree = load_html(text)
    if tree is None:
        raise ExtractionError("not an HTML document (unparseable)", url=url)
    return tree
