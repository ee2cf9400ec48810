"""extract_document: one HTML page → one Document (title, ordered blocks, metadata, language)."""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from babelwire.document import Block, Document, Figure
from babelwire.errors import ExtractionError
from babelwire.extract.article import body_blocks
from babelwire.extract.boilerplate import remove_boilerplate
from babelwire.extract.byline import Byline, agency_of, byline_block, dateline_agency
from babelwire.extract.encoding import decode_html
from babelwire.extract.figures import MAX_FIGURES, caption_block, collect_figures, figure_of_block
from babelwire.extract.language import detect_language
from babelwire.extract.markup import scan_markup
from babelwire.extract.metadata import publication_day, read_metadata
from babelwire.extract.textforms import comparable
from babelwire.extract.textforms import letters as count_letters

logger = logging.getLogger(__name__)

# Larger pages are not articles (and trafilatura refuses them anyway).
MAX_PAGE_CHARS = 20_000_000
# Fewer letters than this is a menu, a caption or a gallery, not an article.
MIN_ARTICLE_LETTERS = 50
# Bylines left in the body are looked for in this many first blocks (and the last two).
BYLINE_EDGE_BLOCKS = 4
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
    markup = scan_markup(tree)
    meta = read_metadata(tree, url, markup)
    figures = collect_figures(markup)
    result = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    blocks = body_blocks(result.body if result is not None else None)
    credited = _credited_agency(blocks)
    blocks = _take_captions(blocks, figures)
    blocks = remove_boilerplate(blocks, meta.title, meta.site_names)
    blocks, body_byline = _take_bylines(blocks)
    blocks = _drop_agency_signature(blocks)
    letters = sum(count_letters(block.text) for block in blocks)
    if letters < MIN_ARTICLE_LETTERS:
        raise ExtractionError("no article text found" + (f" (only {letters} letters)" if letters else ""), url=url)
    byline = meta.byline
    byline.merge(body_byline)
    document = Document(title=meta.title, blocks=blocks, author=", ".join(byline.authors) or None,
                        authors=list(byline.authors), agency=byline.agency or credited,
                        published=meta.published or byline.published or publication_day(tree, url),
                        modified=meta.modified or byline.modified, url=meta.url, figures=figures)
    hint = language.strip().lower() if language and language.strip() else None
    document.language = detect_language(document.text) or hint or meta.html_language
    logger.debug("extracted %d blocks (%s) from %s", len(blocks), document.language, url)
    return document


def _take_captions(blocks: list[Block], figures: list[Figure]) -> list[Block]:
    """``blocks`` without image captions and credits; those not in ``figures`` yet are added."""
    known: set[str] = set()
    for figure in figures:
        parts = [part for part in (figure.caption, figure.credit) if part]
        known.update(comparable(part) for part in parts)
        known.add(comparable(" ".join(parts)))
    known.discard("")
    longest = max((len(text) for text in known), default=0) + 20  # comparable() only shortens a text
    kept: list[Block] = []
    for block in blocks:
        if known and len(block.text) <= longest and (
                comparable(block.text) in known
                or all(comparable(line) in known for line in block.text.split("\n"))):
            continue
        if block.type != "heading" and caption_block(block.text):
            figure = figure_of_block(block.text)
            if figure is not None and figure not in figures and len(figures) < MAX_FIGURES:
                figures.append(figure)
            continue
        kept.append(block)
    return kept


def _take_bylines(blocks: list[Block]) -> tuple[list[Block], Byline]:
    """``blocks`` without the byline lines at their start and end, and what those lines say."""
    byline = Byline()
    edge = set(range(min(BYLINE_EDGE_BLOCKS, len(blocks)))) | set(range(len(blocks) - 2, len(blocks)))
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        parsed = byline_block(block.text) if index in edge and block.type != "quote" else None
        if parsed is None:
            kept.append(block)
        else:
            byline.merge(parsed)
    return kept, byline


def _credited_agency(blocks: list[Block]) -> str | None:
    """The agency an article credits in its last lines ("(Avec AFP)", "dpa/lnw", "Quelle: Reuters")
    or in the dateline of its first paragraph ("PARIS (AFP) -", "МОСКВА, 15 сен — РИА Новости.")."""
    for block in reversed(blocks[-4:]):
        if len(block.text) <= 60 and (agency := agency_of(block.text)) is not None:
            return agency
    # The dateline opens the first paragraph, after the headline and its echoes.
    return next((agency for block in blocks[:4] if (agency := dateline_agency(block.text)) is not None), None)


def _drop_agency_signature(blocks: list[Block]) -> list[Block]:
    """``blocks`` without a last line of editors' initials and an agency ("aja/PAP", "dpa/lnw"): an
    internal code. A credit written for readers ("(Avec AFP)") stays."""
    return [block for index, block in enumerate(blocks)
            if index < len(blocks) - 3 or len(block.text) > 24 or "/" not in block.text or not agency_of(block.text)]


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
