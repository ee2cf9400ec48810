"""Headline echoes: the title coming back in the first blocks of the body, in any form.

News pages print the headline, and around it what repeats it: the ``<title>`` line with the site
name, the headline again as a lead line, its URL slug ("malgre des divergences majeures le dialogue
reste ouvert": accents stripped, lower case, punctuation dropped, words joined by spaces or
hyphens), a part of it (the headline without its kicker), the kicker or section label above it
("Europe", "Otan-Russie", "Kategorie: News"), the headline with a section, a site and a date ("Title
| Environnement | DW | 23.05.2011"), and a standfirst printed twice. All of them go, wherever they
stand among the first blocks; the title itself is ``Document.title``.
"""

from __future__ import annotations

import re

from babelwire.document import Block
from babelwire.extract.textforms import comparable, consonant_skeleton, letters, slug_form

# Echoes are looked for until this many blocks have been kept, or two paragraphs of prose.
HEAD_KEPT_BLOCKS = 5
HEAD_PROSE_BLOCKS = 2
PROSE_LETTERS = 120

_SEPARATOR = re.compile(r"\s[-–—|·:/]\s|\s[|·]|[|·]\s")
# Between the headline and what decorates it ("Title | Section | Site | 23.05.2011").
_DECORATION_SPLIT = re.compile(r"\s*[|·•»]\s*|\s+[-–—/]\s+|\s+::\s+")
# The title's own parts: kicker and headline ("Otan-Russie: malgré…", "Politik - Die Wahl…").
_TITLE_PARTS = re.compile(r"\s*[:|·•»]\s+|\s+[-–—/]\s+")
_NUMERIC_DATE = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:\s*[,-]?\s*\d{1,2}[:h]\d{2})?\s*[|·:,-]?\s*"
                           r"|\s*[|·:,-]?\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:\s*[,-]?\s*\d{1,2}[:h]\d{2})?\s*$")
_SECTION_LABEL = re.compile(
    r"^\W*(?:kategorie|kategorien|rubrik|ressort|catégorie|rubrique|category|categories|section|sección|categoría"
    r"|sezione|categoria|рубрика|раздел|категория|القسم|التصنيف|قسم)\s*[:：]\s*[^.!?]{1,40}$", re.IGNORECASE)


class _Title:
    """A title's comparable forms, computed once for all the blocks checked against it."""

    __slots__ = ("comparable", "parts", "site_names", "skeleton", "slug", "text")

    def __init__(self, title: str, site_names: tuple[str, ...]) -> None:
        self.text = title
        self.comparable = comparable(title)
        self.slug = slug_form(title)
        self.site_names = tuple(comparable(name) for name in site_names if name)
        parts = [slug_form(part) for part in _TITLE_PARTS.split(title)]
        self.parts = (parts[0], parts[-1]) if len(parts) >= 2 else ()
        # A headline in Cyrillic has its slug in Latin letters: compared on consonants.
        self.skeleton = consonant_skeleton(title) if not self.slug.isascii() else ""


def repeats_title(text: str, title: str, site_names: tuple[str, ...] = ()) -> bool:
    """True when a block is the headline again: same words, maybe with a site name or a dateline."""
    return _repeats(text, _Title(title, site_names))


def _repeats(text: str, title: _Title) -> bool:
    block, head = comparable(text), title.comparable
    if not block or not head:
        return False
    if block == head:
        return True
    # "Headline – Site name" as the first line, or the title carries the site name and not the block;
    # a separator is required so that a lead sentence starting with the headline's words is kept.
    for longer, original, shorter in ((block, text, head), (head, title.text, block)):
        if longer.startswith(shorter) and len(shorter) >= 12:
            rest = longer[len(shorter):].strip()
            if rest in title.site_names:
                return True
            if len(rest.split()) <= 4 and _SEPARATOR.search(original):
                return True
    return False


def is_echo(text: str, title: str, site_names: tuple[str, ...] = ()) -> bool:
    """True when a block repeats the headline: as is, as its slug, in part, or decorated."""
    return _echo(text, _Title(title, site_names))


def _echo(text: str, title: _Title) -> bool:
    if len(text) > 3 * len(title.text) + 80:
        return False  # far longer than the headline and its decorations: article text
    if _repeats(text, title):
        return True
    head = title.slug
    block = slug_form(_NUMERIC_DATE.sub(" ", text))
    if not block or not head:
        return False
    if block == head or block.replace(" ", "") == head.replace(" ", ""):
        return True
    if _part_of(block, head):
        return True
    if title.skeleton and block.isascii() and _part_of(consonant_skeleton(block), title.skeleton):
        return True
    # The headline and its decorations: every other segment a short label, a site or a date.
    segments = [segment for segment in (slug_form(s) for s in _DECORATION_SPLIT.split(text)) if segment]
    if len(segments) >= 2:
        headline = [i for i, segment in enumerate(segments) if segment == head or _part_of(segment, head)]
        if headline and all(i in headline or len(segment.split()) <= 3 for i, segment in enumerate(segments)):
            return True
    return False


def _part_of(block: str, head: str) -> bool:
    """``block``'s words are a run of the headline's words, at least three and half of them."""
    words = block.split()
    return (len(words) >= 3 and 2 * len(words) >= len(head.split())
            and f" {block} " in f" {head} ")


def is_kicker(text: str, title: str) -> bool:
    """True when a short block is a part of the title before or after a separator ("Otan-Russie"
    in "Otan-Russie: malgré…") or a section label ("Kategorie: News")."""
    return _kicker(text, _Title(title, ()))


def _kicker(text: str, title: _Title) -> bool:
    if len(text) > 80:
        return False
    if _SECTION_LABEL.match(" ".join(text.split())):
        return True
    block = slug_form(text)
    return bool(block) and len(block.split()) <= 4 and block in title.parts


def _label_like(text: str) -> bool:
    """A short line without sentence punctuation: a kicker, a section or a tag."""
    flat = " ".join(text.split())
    return 0 < len(flat) <= 40 and len(flat.split()) <= 4 and not flat.endswith((".", "!", "?", ":", "…"))


def remove_echoes(blocks: list[Block], title: str | None, site_names: tuple[str, ...] = ()) -> list[Block]:
    """``blocks`` without the headline echoes of their first blocks (see the module docstring)."""
    if not blocks or not title:
        return blocks
    headline = _Title(title, site_names)
    kept: list[Block] = []
    kept_head = prose = 0
    index = 0
    while index < len(blocks) and kept_head < HEAD_KEPT_BLOCKS and prose < HEAD_PROSE_BLOCKS:
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.type in ("heading", "paragraph") and (_echo(block.text, headline) or _kicker(block.text, headline)):
            index += 1
            continue
        # A label right above the headline echo is its kicker.
        if following is not None and _label_like(block.text) and _echo(following.text, headline):
            index += 2
            continue
        norm = comparable(block.text)
        # A standfirst printed twice, or printed short then in full.
        if any(norm and norm == comparable(earlier.text) for earlier in kept):
            index += 1
            continue
        if (following is not None and len(norm) >= 40 and block.type == following.type
                and comparable(following.text).startswith(norm) and len(following.text) > len(block.text)):
            index += 1
            continue
        kept.append(block)
        kept_head += 1
        if block.type == "paragraph" and letters(block.text) >= PROSE_LETTERS:
            prose += 1
        index += 1
    return kept + blocks[index:]
