"""Sentence segmentation of article blocks, with exact reassembly.

pysbd (rule-based, the "Golden Rules" of sentence boundary disambiguation, 22 languages) does
the splitting. It was chosen over blingfire, sentence-splitter (Moses rules) and sentencex on
French/English news sentences (abbreviations, dates, decimals, « » quotations): pysbd 34/39,
blingfire 36/39 but one model for every language, sentence-splitter 34/39 and drops whitespace,
sentencex 33/39 and cuts "M. Macron" and "L'O.N.U.". pysbd keeps the text byte for byte, so a
block can be rebuilt exactly. Its French rules lack the abbreviations of French news (civil
titles, months, "art. 5"), which `_NewsFrench` adds. Known misses: an elided abbreviation
("l'art. 5") and "U.S." inside French text are still taken as sentence ends; a wrong split only
costs the engine some context, the block is still rebuilt exactly.

pysbd's time grows faster than the text (about 5 µs a character up to a few thousand characters,
40 µs at 32,000, minutes for a megabyte), so a block longer than :data:`MAX_WINDOW` is split
window by window: pysbd splits the first window, every sentence but its last is kept (the last may
be cut by the window's end), and the next window starts where that last sentence starts. The
boundaries are pysbd's own; only a window pysbd cannot split at all (one "sentence" longer than
the window) is cut by force, at its last line break or space. Time is then linear in the length
of the block, and the spans still tile it exactly.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import ClassVar

import pysbd
from pysbd.lang.french import French
from pysbd.languages import LANGUAGE_CODES

logger = logging.getLogger(__name__)

_FRENCH_MONTHS = ["janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc"]
_FRENCH_TITLES = [
    "m", "mm", "mme", "mmes", "mlle", "me", "mgr", "dr", "pr", "gén", "col", "cdt", "lt", "st", "ste"
]


class _NewsFrench(French):
    """pysbd's French rules plus the abbreviations of French news writing."""

    class Abbreviation(French.Abbreviation):
        ABBREVIATIONS: ClassVar[list[str]] = sorted(
            {*French.Abbreviation.ABBREVIATIONS, *_FRENCH_MONTHS, *_FRENCH_TITLES, "n", "no", "p"}
        )
        # A title abbreviation is never the end of a sentence ("M. Macron").
        PREPOSITIVE_ABBREVIATIONS: ClassVar[list[str]] = _FRENCH_TITLES
        # These end no sentence when a number follows ("12 janv. 2022", "art. 5").
        NUMBER_ABBREVIATIONS: ClassVar[list[str]] = [
            "art", "n", "no", "p", "pp", "vol", "chap", "fig", *_FRENCH_MONTHS
        ]


_OVERRIDES = {"fr": _NewsFrench}
MAX_WINDOW = 2000
"""Most characters given to pysbd at once (see the module doc)."""
# pysbd's Segmenter keeps the text being split on itself, so each thread gets its own.
_local = threading.local()


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence of a block: its text (no surrounding whitespace) and its span in the block."""

    text: str
    start: int
    end: int


def _segmenter(language: str) -> pysbd.Segmenter:
    code = (language or "en").lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGE_CODES:
        # Latin-script punctuation rules are the least bad guess for a language pysbd lacks.
        logger.debug("pysbd has no rules for %r, using English rules", language)
        code = "en"
    segmenters: dict[str, pysbd.Segmenter] = _local.__dict__.setdefault("segmenters", {})
    segmenter = segmenters.get(code)
    if segmenter is None:
        segmenter = pysbd.Segmenter(language=code, clean=False)
        if code in _OVERRIDES:
            segmenter.language_module = _OVERRIDES[code]
        segmenters[code] = segmenter
    return segmenter


def split_sentences(text: str, language: str) -> list[Segment]:
    """The sentences of a block, in order; the gaps between them are whitespace only."""
    if not text.strip():
        return []
    window = max(2, MAX_WINDOW)
    if len(text) <= window:
        return _split(text, language)
    segments: list[Segment] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + window)
        found = _split(text[start:end], language)
        if end == len(text):
            segments += _shifted(found, start)
            break
        if len(found) >= 2:
            # The last sentence may run past the window: it is split again with the next window.
            segments += _shifted(found[:-1], start)
            start += found[-1].start
            continue
        cut = _forced_cut(text, start, end)
        segments += _shifted(_whole(text[start:cut]), start)
        start = cut
    return segments


def _split(text: str, language: str) -> list[Segment]:
    """pysbd's sentences of ``text`` as spans into it."""
    if not text.strip():
        return []
    try:
        pieces = _segmenter(language).segment(text)
    except Exception:  # pysbd's regexes can fail on odd input; one segment is always correct
        logger.warning("pysbd failed on a %d-character block, keeping it whole", len(text), exc_info=True)
        pieces = [text]
    segments: list[Segment] = []
    cursor = 0
    for piece in pieces:
        sentence = piece.strip()
        if not sentence:
            continue
        start = text.find(sentence, cursor)
        if start < 0:
            # pysbd altered the text (it should not with clean=False): keep the rest whole.
            logger.warning("sentence not found in its block, keeping the rest of the block whole")
            break
        if segments and text[cursor:start].strip():
            # Characters pysbd skipped belong to the previous sentence.
            last = segments.pop()
            segments.append(Segment(text[last.start:start].rstrip(), last.start, len(text[:start].rstrip())))
        segments.append(Segment(sentence, start, start + len(sentence)))
        cursor = start + len(sentence)
    rest = text[cursor:]
    if rest.strip():
        segments += _shifted(_whole(rest), cursor)
    return segments


def _whole(text: str) -> list[Segment]:
    """``text`` as one segment (surrounding whitespace left out), or none if it is blank."""
    sentence = text.strip()
    if not sentence:
        return []
    offset = len(text) - len(text.lstrip())
    return [Segment(sentence, offset, offset + len(sentence))]


def _shifted(segments: list[Segment], offset: int) -> list[Segment]:
    if not offset:
        return segments
    return [Segment(s.text, s.start + offset, s.end + offset) for s in segments]


def _forced_cut(text: str, start: int, end: int) -> int:
    """Where to cut a window pysbd found no sentence end in: after its last line break, else its
    last space (in its second half), else at its end (one giant word)."""
    middle = start + (end - start) // 2
    for separator in ("\n", " ", "\t"):
        position = text.rfind(separator, middle, end)
        if position >= 0:
            return position + 1
    return end


def join_segments(text: str, segments: list[Segment], replacements: list[str]) -> str:
    """The block with each segment replaced by its replacement, whitespace between them kept."""
    if len(segments) != len(replacements):
        raise ValueError("one replacement per segment is needed")
    out: list[str] = []
    cursor = 0
    for segment, replacement in zip(segments, replacements, strict=True):
        out.append(text[cursor:segment.start])
        out.append(replacement)
        cursor = segment.end
    out.append(text[cursor:])
    return "".join(out)
