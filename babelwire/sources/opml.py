"""OPML subscription lists: import from a feed reader, export for one (OPML 2.0)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from babelwire.errors import FeedError
from babelwire.sources.language import normalise_language
from babelwire.sources.listing import MAX_ENTRIES, absolute_url, clean_text
from babelwire.sources.xmlsafe import local_name, parse_xml

log = logging.getLogger(__name__)


@dataclass
class Outline:
    """One subscription of an OPML file; ``category`` is its folder path ("News/France")."""

    url: str
    title: str | None
    language: str | None = None
    html_url: str | None = None
    category: str | None = None


def parse_opml(content: bytes) -> list[Outline]:
    """The feeds of an OPML file, nested folders flattened into ``category`` paths; FeedError if
    it is malformed or lists no feed."""
    if not isinstance(content, bytes | bytearray):
        raise FeedError("malformed OPML: no bytes")
    root = parse_xml(bytes(content), what="OPML")
    if local_name(root) != "opml":
        raise FeedError(f"malformed OPML: the root element is <{local_name(root) or '?'}>, not <opml>")
    body = next((child for child in root if local_name(child) == "body"), None)
    if body is None:
        raise FeedError("malformed OPML: no <body>")
    outlines: list[Outline] = []
    seen: set[str] = set()
    for outline in _walk(body, []):
        if outline.url not in seen and len(outlines) < MAX_ENTRIES:
            seen.add(outline.url)
            outlines.append(outline)
    if not outlines:
        raise FeedError("OPML holds no feeds (no outline with an xmlUrl)")
    return outlines


def write_opml(outlines: Sequence[Outline], title: str = "babelwire sources") -> str:
    """An OPML 2.0 document of ``outlines``, categories as nested folders, for any feed reader."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    folders: dict[tuple[str, ...], etree._Element] = {(): body}
    for outline in outlines:
        parent = _folder(folders, _category_path(outline.category))
        attributes = {"type": "rss", "text": outline.title or outline.url}
        if outline.title:
            attributes["title"] = outline.title
        attributes["xmlUrl"] = outline.url
        if outline.html_url:
            attributes["htmlUrl"] = outline.html_url
        if outline.language:
            attributes["language"] = outline.language
        etree.SubElement(parent, "outline", attributes)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode",
                                                                          pretty_print=True)


def _walk(element: etree._Element, folders: list[str]) -> Iterator[Outline]:
    for child in element:
        if local_name(child) != "outline":
            continue
        attributes = {key.lower(): value for key, value in child.attrib.items() if isinstance(key, str)}
        url = absolute_url(attributes.get("xmlurl"), "")
        text = clean_text(attributes.get("title")) or clean_text(attributes.get("text"))
        if url is not None:
            category = "/".join(folders) or _category_attribute(attributes.get("category"))
            yield Outline(
                url=url,
                # write_opml puts the URL as text when there is no title: read that back as None.
                title=None if text == url else text,
                language=normalise_language(attributes.get("language")),
                html_url=absolute_url(attributes.get("htmlurl"), url),
                category=category,
            )
        elif attributes.get("xmlurl"):
            log.warning("OPML outline skipped: %r is not an http(s) URL", attributes.get("xmlurl"))
        # Folders (outlines without xmlUrl) and, rarely, feeds hold nested outlines.
        yield from _walk(child, [*folders, text] if url is None and text else folders)


def _category_attribute(value: str | None) -> str | None:
    # OPML 2.0: comma-separated slash-delimited paths ("/News/France,/Tags/tech"); keep the first.
    if not value:
        return None
    first = value.split(",", 1)[0].strip().strip("/")
    return first or None


def _category_path(category: str | None) -> tuple[str, ...]:
    if not category:
        return ()
    return tuple(part.strip() for part in category.split("/") if part.strip())


def _folder(folders: dict[tuple[str, ...], etree._Element], path: tuple[str, ...]) -> etree._Element:
    if path not in folders:
        parent = _folder(folders, path[:-1])
        folders[path] = etree.SubElement(parent, "outline", text=path[-1], title=path[-1])
    return folders[path]
