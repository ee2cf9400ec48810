"""Translate whole Documents: segmentation, quotations, translation memory, batching, QA.

How quotations survive translation
----------------------------------
Engines misplace quotation marks, above all French « » with their inner spaces, and lose the
open/closed state of a quotation that runs over several sentences. So the engine never sees the
marks of quotations that open or close around sentences or clauses:

1. The marks of a whole block are read once (``typography.scan_quotes``), so a quotation that
   opens in one sentence and closes two sentences later is one pair. The block is then split
   into sentences and each sentence is cut at its quotation marks into pieces; every piece with
   a letter or digit is translated on its own, and the marks come back, in the target's style,
   between the translated pieces where they stood in the original (``« Nous ne laisserons pas
   faire cela », a-t-il dit.`` → ``“We will not …”, he said.``).
2. A short quotation of at most ``INLINE_QUOTE_WORDS`` words inside a sentence (``la politique
   d'« endiguement » de l'OTAN``) is left in its sentence for the engine: cutting around a single
   word would leave fragments no engine can translate. The quotation is also translated alone,
   and when the words between the marks of the engine's output are not that translation
   (Apertium reorders "« grandes divergences »" into "big discrepancies « »" and "un « mur » de
   sanctions" into "a « wall of » sanctions"), the text is cut at its marks as in 1.
3. Across blocks: a quotation left open at the end of a paragraph is closed there and, when the
   next paragraph carries on the quotation (it starts with French » or closes a quotation it
   never opened), reopened at its start, so every translated block is balanced on its own.
   The carried state is read from each paragraph's own marks, which French prints on every
   paragraph of a continued quotation; a paragraph without marks is never put in quotes, or a
   single unclosed « in the source would quote the rest of the article.

Brackets are not touched: ``[des uns]`` is translated with its sentence. Numbers are not hidden
behind placeholders either (Apertium keeps them, measured); the ``numbers`` check tells when an
engine loses one.

Memory and batching: pieces are keyed by ``memory_key``, deduplicated over every block of every
document, looked up in the translation memory, and only the rest reach the engine, sorted by
length in batches of ``batch_size``; each batch is stored back as soon as it is done.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from babelwire.document import Block, Document
from babelwire.errors import TranslationError
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.quality import check_block_evidence
from babelwire.translate.segment import Segment, join_segments, split_sentences
from babelwire.translate.typography import QuoteMark, apply_typography, scan_quotes

logger = logging.getLogger(__name__)

# A quotation of at most this many words inside a sentence stays with its sentence.
INLINE_QUOTE_WORDS = 3
# Neutral marks written into the reassembled text; apply_typography turns them into the
# target's marks with the right nesting and spacing (« always opens, » always closes there).
_OPEN, _CLOSE = "«", "»"

_QUOTE_FOLD = str.maketrans({c: '"' for c in "«»„“”‹›"} | {c: "'" for c in "‚‘’"})


class TranslationMemory(Protocol):
    """Stored translations keyed by (engine id, source language, target language, memory_key)."""

    def lookup(self, engine_id: str, source: str, target: str, keys: Sequence[str]) -> dict[str, str]:
        """The stored translations of those keys that have one."""
        ...

    def store(self, engine_id: str, source: str, target: str, items: Mapping[str, str]) -> None:
        """Remember translations (key → translation); existing keys may be kept as they are."""
        ...


def memory_key(sentence: str) -> str:
    """The normalised form a sentence is remembered by: NFC, quote marks unified, spaces folded."""
    text = unicodedata.normalize("NFC", sentence).translate(_QUOTE_FOLD)
    return " ".join(text.split())


class DictMemory:
    """A translation memory in a dict, for tests and one-off runs."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, str, str], str] = {}

    def lookup(self, engine_id: str, source: str, target: str, keys: Sequence[str]) -> dict[str, str]:
        """The stored translations of those keys that have one."""
        found = {}
        for key in keys:
            value = self.entries.get((engine_id, source, target, key))
            if value is not None:
                found[key] = value
        return found

    def store(self, engine_id: str, source: str, target: str, items: Mapping[str, str]) -> None:
        """Remember translations (key → translation)."""
        for key, value in items.items():
            self.entries[(engine_id, source, target, key)] = value

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(slots=True)
class BlockResult:
    """One translated block, its quality flags and their evidence (flag → strings)."""

    block: Block
    flags: list[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class TranslatedDocument:
    """A Document in the target language, with the QA flags of each block and of the title, and
    the evidence of each flag (``quality.check_block_evidence``: flag → strings, per block)."""

    document: Document
    flags: list[list[str]]
    title_flags: list[str]
    sentences: int
    from_memory: int
    engine_id: str = ""
    model: str | None = None
    evidence: list[dict[str, list[str]]] = field(default_factory=list)
    title_evidence: dict[str, list[str]] = field(default_factory=dict)

    @property
    def blocks(self) -> list[BlockResult]:
        """Each translated block with its flags and their evidence."""
        evidence = self.evidence or [{} for _ in self.flags]
        return [BlockResult(b, f, e) for b, f, e in zip(self.document.blocks, self.flags, evidence, strict=True)]

    @property
    def flagged(self) -> set[str]:
        """Every flag raised anywhere in the document."""
        return set(self.title_flags).union(*self.flags)


# -- planning: a text becomes literal pieces and pieces to translate --------------------------------

# A plan is a list of sentences; a sentence is a list of (kind, text) with kind "lit" (kept as is,
# quotation marks and bare punctuation) or "unit" (sent to the engine, via the memory).
_Part = tuple[str, str]
_Sentence = list[_Part]


@dataclass(slots=True)
class _TextPlan:
    text: str
    segments: list[Segment]
    sentences: list[_Sentence]


def _inline_marks(marks: list[QuoteMark], text: str, start: int, end: int) -> set[int]:
    """Indexes of the marks of short quotations that stay inside their sentence."""
    keep: set[int] = set()
    for mark in marks:
        if not mark.opening or mark.partner is None or not start <= mark.index < mark.partner < end:
            continue
        inner = text[mark.index + 1:mark.partner]
        if any(ch in inner for ch in "«»„“”\"‹›‘‚") or len(inner.split()) > INLINE_QUOTE_WORDS:
            continue
        keep.update({mark.index, mark.partner})
    return keep


def _piece(text: str) -> _Part | None:
    text = text.strip()
    if not text:
        return None
    # Bare punctuation (", ." between marks) is kept; the engine gets only pieces with words.
    return ("unit", text) if any(ch.isalnum() for ch in text) else ("lit", text)


def _plan(text: str, source: str, *, inline: bool = True) -> _TextPlan:
    scan = scan_quotes(text)
    segments = split_sentences(text, source)
    sentences: list[_Sentence] = []
    for segment in segments:
        inline_marks = _inline_marks(scan.marks, text, segment.start, segment.end) if inline else set()
        parts: _Sentence = []
        cursor = segment.start
        for mark in scan.marks:
            if not segment.start <= mark.index < segment.end or mark.index in inline_marks:
                continue
            if (piece := _piece(text[cursor:mark.index])) is not None:
                parts.append(piece)
            parts.append(("lit", _OPEN if mark.opening else _CLOSE))
            cursor = mark.index + 1
        if (piece := _piece(text[cursor:segment.end])) is not None:
            parts.append(piece)
        sentences.append(parts)
    if sentences:
        # A closing mark with no opening one continues a quotation of an earlier paragraph:
        # reopen it at the start; one left open is closed at the end (blocks stand alone).
        stray = sum(1 for m in scan.marks if not m.opening and not m.paired)
        unclosed = sum(1 for m in scan.marks if m.opening and not m.paired)
        sentences[0][:0] = [("lit", _OPEN)] * stray
        sentences[-1].extend([("lit", _CLOSE)] * unclosed)
    return _TextPlan(text, segments, sentences)


def _render(plan: _TextPlan, translations: Mapping[str, str], target: str) -> str:
    rendered = []
    for parts in plan.sentences:
        words = [translations[memory_key(text)] if kind == "unit" else text for kind, text in parts]
        rendered.append(" ".join(w for w in words if w))
    return apply_typography(join_segments(plan.text, plan.segments, rendered), target)


def _document_units(blocks: list[_TextPlan], title: _TextPlan | None,
                    captions: Sequence[_TextPlan | None] = ()) -> list[str]:
    """The texts to translate of a document's blocks, title and image captions, in order."""
    plans = [*blocks, *([title] if title else []), *(c for c in captions if c is not None)]
    return [text for plan in plans for text in _units(plan)]


def _units(plan: _TextPlan) -> list[str]:
    return [text for parts in plan.sentences for kind, text in parts if kind == "unit"]


_QUOTED = re.compile(r"[«“„\"‹]\s*([^«»“”„\"‹›]*?)\s*[»”\"›]")


def _inner_quotes(text: str) -> list[str]:
    """The texts of the quotations in ``text`` («…», “…”, "…"), in order."""
    return [m.group(1) for m in _QUOTED.finditer(text)]


def _same_words(a: str, b: str) -> bool:
    return memory_key(a).strip(" .,;:!?").casefold() == memory_key(b).strip(" .,;:!?").casefold()


def _inline_failed(plan: _TextPlan, translations: Mapping[str, str]) -> bool:
    """Whether the engine moved a short inline quotation: the words between the marks of its
    output must be the quotation translated alone (Apertium turns « grandes divergences » into
    "big discrepancies « »" and « mur » de sanctions into "« wall of » sanctions")."""
    for text in _units(plan):
        inner = _inner_quotes(text)
        if not inner:
            continue
        out = _inner_quotes(translations[memory_key(text)])
        if len(out) != len(inner) or not all(
            _same_words(o, translations[memory_key(i)]) for o, i in zip(out, inner, strict=True)
        ):
            return True
    return False


# -- translation ------------------------------------------------------------------------------------

def _translate_keys(
    wanted: dict[str, str], engine: TranslationEngine, source: str, target: str,
    memory: TranslationMemory | None, batch_size: int,
) -> tuple[dict[str, str], set[str]]:
    """Translations of every key (key → representative text); also the keys the memory served."""
    known = memory.lookup(engine.id, source, target, list(wanted)) if memory is not None else {}
    remembered = set(known)
    todo = sorted((k for k in wanted if k not in known), key=lambda k: len(wanted[k]))
    batch_size = max(1, batch_size)
    for start in range(0, len(todo), batch_size):
        keys = todo[start:start + batch_size]
        texts = [wanted[k] for k in keys]
        outputs = engine.translate(texts, source, target)
        if len(outputs) != len(texts):
            raise TranslationError(
                f"engine {engine.id} returned {len(outputs)} translations for {len(texts)} sentences"
            )
        batch = {k: " ".join(out.split()) for k, out in zip(keys, outputs, strict=True)}
        if memory is not None:
            memory.store(engine.id, source, target, batch)
        known.update(batch)
    logger.info(
        "translated %d distinct sentences %s→%s with %s: %d from memory, %d by the engine",
        len(wanted), source, target, engine.id, len(remembered), len(todo),
    )
    return known, remembered


def translate_documents(
    docs: Sequence[Document], engine: TranslationEngine, source: str, target: str, *,
    memory: TranslationMemory | None = None, batch_size: int = 64, glossary: Mapping[str, str] | None = None,
) -> list[TranslatedDocument]:
    """Translate many documents together: shared sentences are translated once, in batches.

    ``glossary`` (source term → required translation) is checked on every block (the ``glossary``
    flag); applying it is the engine's job (``translate.names.protect``)."""
    if source == target:
        return [TranslatedDocument(replace(d), [[] for _ in d.blocks], [], 0, 0, engine.id, engine.model,
                                   evidence=[{} for _ in d.blocks]) for d in docs]
    plans = [
        ([_plan(b.text, source) for b in doc.blocks], _plan(doc.title, source) if doc.title else None,
         [_plan(f.caption, source) if f.caption else None for f in doc.figures])  # captions are shown translated
        for doc in docs
    ]
    wanted: dict[str, str] = {}
    for blocks, title, captions in plans:
        for text in _document_units(blocks, title, captions):
            wanted.setdefault(memory_key(text), text)
            for inner in _inner_quotes(text):  # to check the engine kept each one in place
                wanted.setdefault(memory_key(inner), inner)
    if callable(learn := getattr(engine, "learn", None)):  # names protection reads whole documents
        learn([text for doc in docs for text in [doc.title or "", *(b.text for b in doc.blocks),
                                                 *(f.caption or "" for f in doc.figures)]], source)
    translations, remembered = _translate_keys(wanted, engine, source, target, memory, batch_size)

    # Second pass: where the engine displaced or emptied a short inline quotation, cut that text at
    # its marks like a long quotation (fragments translate less fluently, but the quotation holds).
    def replan(plan: _TextPlan | None) -> _TextPlan | None:
        if plan is None or not _inline_failed(plan, translations):
            return plan
        return _plan(plan.text, source, inline=False)

    plans = [([replan(p) for p in blocks], replan(title), [replan(c) for c in captions])
             for blocks, title, captions in plans]
    retry: dict[str, str] = {}
    for blocks, title, captions in plans:
        for text in _document_units(blocks, title, captions):
            if memory_key(text) not in translations:
                retry.setdefault(memory_key(text), text)
    if retry:
        more, more_remembered = _translate_keys(retry, engine, source, target, memory, batch_size)
        translations.update(more)
        remembered |= more_remembered

    results = []
    for doc, (blocks, title, captions) in zip(docs, plans, strict=True):
        new_blocks, evidence = [], []
        for block, plan in zip(doc.blocks, blocks, strict=True):
            text = _render(plan, translations, target)
            new_blocks.append(Block(block.type, text))
            evidence.append(check_block_evidence(block.text, text, source, target, glossary=glossary))
        new_title = _render(title, translations, target) if title else doc.title
        title_evidence = (check_block_evidence(doc.title, new_title, source, target, glossary=glossary)
                          if title and new_title else {})
        figures = [replace(figure, caption=_render(plan, translations, target) or None) if plan else figure
                   for figure, plan in zip(doc.figures, captions, strict=True)]
        keys = [memory_key(t) for t in _document_units(blocks, title, captions)]
        results.append(TranslatedDocument(
            document=replace(doc, blocks=new_blocks, title=new_title, language=target, figures=figures),
            flags=[list(e) for e in evidence], title_flags=list(title_evidence), sentences=len(keys),
            from_memory=sum(1 for k in keys if k in remembered),
            engine_id=engine.id, model=engine.model, evidence=evidence, title_evidence=title_evidence,
        ))
    return results


def translate_document(
    doc: Document, engine: TranslationEngine, source: str, target: str, *,
    memory: TranslationMemory | None = None, glossary: Mapping[str, str] | None = None,
) -> TranslatedDocument:
    """Translate one document (see translate_documents)."""
    return translate_documents([doc], engine, source, target, memory=memory, glossary=glossary)[0]

