"""trafilatura's extracted XML body → ordered Blocks (heading, paragraph, quote, list_item).

trafilatura's own text output flattens the body and loses the block types; walking the ``body``
tree it returns keeps them, and costs nothing more than the extraction already did.
"""

from __future__ import annotations

import unicodedata

from lxml.etree import _Element

from babelwire.document import Block, BlockType

# Elements that start blocks of their own when met inside another block (``code`` is one at the
# top level only: inside a paragraph or a list item it is inline code).
_BLOCK_TAGS = frozenset({"p", "head", "quote", "list", "item", "table", "row", "cell", "div"})
# Elements whose text is not article text.
_SKIPPED_TAGS = frozenset({"graphic", "amp-img", "amp-state", "amp-bind-macro", "amp-video", "amp-ima-video"})


def body_blocks(body: _Element | None) -> list[Block]:
    """The blocks of a trafilatura body element, in document order, empty ones dropped."""
    blocks: list[Block] = []
    if body is not None:
        _walk(body, blocks, "paragraph")
    return blocks


def _walk(element: _Element, blocks: list[Block], kind: BlockType) -> None:
    """Append the blocks of ``element``'s children; ``kind`` is the type of loose text here."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED_TAGS:
            _append(blocks, kind, child.tail)
            continue
        if tag == "head":
            _append_block(blocks, "heading", child)
        elif tag == "quote":
            _append_block(blocks, "quote", child)
        elif tag == "list":
            _walk(child, blocks, "list_item")
        elif tag == "item":
            _append_block(blocks, "list_item", child)
        elif tag == "table":
            _table_blocks(child, blocks)
        elif tag in ("p", "code", "row", "cell"):
            _append_block(blocks, kind if kind in ("quote", "list_item") else "paragraph", child)
        else:
            # Containers (div, body, unknown tags): their loose text is a paragraph of its own.
            _append(blocks, kind, child.text)
            _walk(child, blocks, kind)
        _append(blocks, kind, child.tail)


def _table_blocks(table: _Element, blocks: list[Block]) -> None:
    """A data row becomes one paragraph ("a | b | c"); a layout table (cells holding paragraphs,
    headings or other tables, as old sites put whole articles in one) is walked like a container."""
    for row in table:
        if row.tag != "row":
            if isinstance(row.tag, str):
                _walk_nested(row, blocks, "paragraph")
            continue
        cells = [cell for cell in row if isinstance(cell.tag, str)]
        if any(isinstance(sub.tag, str) and sub.tag in _BLOCK_TAGS for cell in cells for sub in cell):
            for cell in cells:
                _append(blocks, "paragraph", _inline_text(cell))
                _walk(cell, blocks, "paragraph")
        else:
            texts = (" ".join(_inline_text(cell).split()) for cell in cells)
            _append(blocks, "paragraph", " | ".join(text for text in texts if text))


def _append_block(blocks: list[Block], kind: BlockType, element: _Element) -> None:
    """The element's own inline text as one block, then any blocks nested inside it."""
    _append(blocks, kind, _inline_text(element))
    for child in element:
        if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
            nested: BlockType = "list_item" if child.tag in ("list", "item") else kind
            if child.tag == "head":
                nested = "heading"
            if child.tag in ("list", "div", "quote") or len(child):
                _walk_nested(child, blocks, nested)
            else:
                _append(blocks, nested, _inline_text(child))


def _walk_nested(element: _Element, blocks: list[Block], kind: BlockType) -> None:
    if element.tag in ("list", "div"):
        _walk(element, blocks, kind)
    else:
        _append_block(blocks, kind, element)


def _inline_text(element: _Element) -> str:
    """Text of an element and its inline children; nested blocks are left to the caller."""
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            if tag == "lb" or tag in _BLOCK_TAGS:
                parts.append("\n")
            elif tag not in _SKIPPED_TAGS:
                parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _printable(text: str) -> str:
    """NFC text without invisible format characters (soft hyphens, zero-width spaces, controls),
    which break sentence splitting, search and translation; whitespace is kept for the caller."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch.isprintable() or ch.isspace())


def _append(blocks: list[Block], kind: BlockType, text: str | None) -> None:
    if not text:
        return
    text = _printable(text)
    # Line breaks (<br>) are kept inside a block; runs of spaces and empty lines are not.
    lines = (" ".join(line.split()) for line in text.split("\n"))
    cleaned = "\n".join(line for line in lines if line)
    if cleaned:
        blocks.append(Block(kind, cleaned))
