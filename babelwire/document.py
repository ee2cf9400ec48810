"""Document and Block: the one in-memory shape of an article, shared by every stage.

This module imports nothing from babelwire, so every stage can depend on it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

BlockType = Literal["heading", "paragraph", "quote", "list_item"]
BLOCK_TYPES: tuple[str, ...] = ("heading", "paragraph", "quote", "list_item")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of an article body, in reading order."""

    type: BlockType
    text: str

    def __post_init__(self) -> None:
        if self.type not in BLOCK_TYPES:
            raise ValueError(f"unknown block type {self.type!r}")

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "text": self.text}


@dataclass(frozen=True, slots=True)
class Figure:
    """An image's caption and credit, kept out of the body (they interrupt the text) but stored."""

    caption: str | None = None
    credit: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"caption": self.caption, "credit": self.credit}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        return cls(caption=data.get("caption") or None, credit=data.get("credit") or None)


@dataclass(slots=True)
class Document:
    """An article: title, ordered body blocks and metadata.

    Dates are timezone-aware datetimes where the page gave a time zone, naive otherwise;
    they serialise to ISO 8601. ``author`` is what a reader is shown (the ``authors`` joined by
    ", "); ``agency`` is a news agency credited for the text (AFP, Reuters, dpa…); ``figures`` are
    the captions and credits of the article's images. Documents stored before these three fields
    existed load with their defaults.
    """

    title: str | None = None
    blocks: list[Block] = field(default_factory=list)
    language: str | None = None
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    figures: list[Figure] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body as plain text: blocks joined by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)

    def content_hash(self) -> str:
        """A hash of what a reader sees (title and blocks), insensitive to whitespace and
        Unicode normalisation, so a page re-rendered with different markup keeps its hash."""
        digest = hashlib.sha256()
        for part in [self.title or "", *(f"{b.type}\x1f{b.text}" for b in self.blocks)]:
            normalised = " ".join(unicodedata.normalize("NFC", part).split())
            digest.update(normalised.encode("utf-8"))
            digest.update(b"\x1e")
        return digest.hexdigest()

    def with_blocks(self, blocks: list[Block], title: str | None = None) -> Document:
        """A copy with other blocks (and optionally another title), metadata kept."""
        return replace(self, blocks=list(blocks), title=self.title if title is None else title)

    def to_stored(self) -> dict[str, Any]:
        """The document as the store keeps it (revisions, translations): without the derived
        ``text``, which readers compute from the blocks."""
        return {
            "title": self.title,
            "blocks": [block.to_dict() for block in self.blocks],
            "language": self.language,
            "author": self.author,
            "published": iso(self.published),
            "modified": iso(self.modified),
            "url": self.url,
            "authors": list(self.authors),
            "agency": self.agency,
            "figures": [figure.to_dict() for figure in self.figures],
        }

    def to_dict(self) -> dict[str, Any]:
        """The document as a user sees it (``extract --json``): the stored fields and ``text``."""
        stored = self.to_stored()
        return {"title": stored.pop("title"), "blocks": stored.pop("blocks"), "text": self.text, **stored}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """From ``to_stored`` or ``to_dict`` (a ``text`` key, derived, is ignored)."""
        return cls(
            title=data.get("title"),
            blocks=[Block(b["type"], b["text"]) for b in data.get("blocks", [])],
            language=data.get("language"),
            author=data.get("author"),
            published=_parse_iso(data.get("published")),
            modified=_parse_iso(data.get("modified")),
            url=data.get("url"),
            authors=[str(name) for name in data.get("authors") or []],
            agency=data.get("agency"),
            figures=[Figure.from_dict(f) for f in data.get("figures") or [] if isinstance(f, dict)],
        )


def iso(value: datetime | None) -> str | None:
    """A time as ISO 8601 text (None stays None): the one way babelwire writes times out."""
    return value.isoformat() if value is not None else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
