"""A glossary: source terms that must come out as given translations ("Grouchko" → "Grushko").

Terms are matched as whole words (``Otan`` does not match inside ``Otanie``), case-sensitively,
except that a term written in lower case also matches with a capital first letter at the start of
a sentence (``état d'urgence`` matches ``État d'urgence``); its translation is then capitalised
too. Where terms overlap the longest one wins (``Le Monde diplomatique`` before ``Le Monde``).

``ProtectedEngine`` (``translate.names``) hides each term from the engine behind a placeholder
and puts the translation back; ``glossary_violations`` is the quality check that a translation
uses the required translations.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property


def normalise_term(text: str) -> str:
    """NFC, typographic apostrophes as ', whitespace folded: the form terms are stored and matched in."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("ʼ", "'")
    return " ".join(text.split())


def _fold(text: str) -> str:
    return normalise_term(text).casefold()


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One occurrence of a glossary term in a text: where, which term, what it must become."""

    start: int
    end: int
    term: str
    translation: str


class Glossary:
    """Terms and their required translations for one language pair (already merged: per-source
    entries over global ones, see ``store.glossary.glossary_terms``)."""

    def __init__(self, terms: Mapping[str, str] | Iterable[tuple[str, str]] | None = None) -> None:
        items = terms.items() if isinstance(terms, Mapping) else (terms or [])
        self.terms: dict[str, str] = {}
        for term, translation in items:
            term, translation = normalise_term(term), normalise_term(translation)
            if term and translation:
                self.terms[term] = translation

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def items(self) -> Iterable[tuple[str, str]]:
        return self.terms.items()

    @cached_property
    def digest(self) -> str:
        """A short hash of the terms and translations: part of the engine id, so the translation
        memory never serves a sentence translated under another glossary."""
        payload = json.dumps(sorted(self.terms.items()), ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.terms:
            return None
        alternatives = []
        # Longest first, so the regex alternation prefers the longer of two overlapping terms.
        for term in sorted(self.terms, key=lambda t: (-len(t), t)):
            alternatives.append(_term_regex(term))
            if term[0].islower():
                alternatives.append(_term_regex(term[0].upper() + term[1:]))
        return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")

    @cached_property
    def _lookup(self) -> dict[str, str]:
        table = dict(self.terms)
        for term in self.terms:
            if term[0].islower():
                table.setdefault(term[0].upper() + term[1:], term)
        return table

    def find(self, text: str) -> list[TermMatch]:
        """The terms in ``text``, in order, with offsets into ``text``. Apostrophes may be ' or ’
        and spaces any run of whitespace; the text should be NFC (``normalise_term`` terms are)."""
        if self._pattern is None or not text:
            return []
        matches = []
        for m in self._pattern.finditer(text):
            found = normalise_term(m.group(0))
            term = found if found in self.terms else self._lookup[found]
            translation = self.terms[term]
            if found != term:  # a lower-case term capitalised at the start of a sentence
                translation = translation[0].upper() + translation[1:]
            matches.append(TermMatch(m.start(), m.end(), term, translation))
        return matches


def _term_regex(term: str) -> str:
    parts = [re.escape(p) for p in term.split(" ")]
    return r"\s+".join(p.replace("'", "['’ʼ]") for p in parts)


def _present(required: str, translation: str) -> bool:
    """Whether ``required`` occurs as whole words in ``translation`` (case, apostrophes and
    spacing aside)."""
    needle = _fold(required)
    haystack = _fold(translation)
    if not needle:
        return True
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in needle.split(" ")) + r"(?!\w)"
    return re.search(pattern, haystack) is not None


def glossary_violations(
    source_text: str, translation: str, terms: Mapping[str, str] | Glossary
) -> list[str]:
    """The glossary terms found in ``source_text`` whose required translation is missing from
    ``translation``: the evidence of the ``glossary`` quality flag, in order of first occurrence.

    Pure: no engine, no store. A term counts as translated when its required translation occurs
    anywhere in the translation as whole words, ignoring case (sentence-initial capitals).
    """
    glossary = terms if isinstance(terms, Glossary) else Glossary(terms)
    missing: list[str] = []
    for match in glossary.find(unicodedata.normalize("NFC", source_text)):
        if match.term not in missing and not _present(match.translation, translation):
            missing.append(match.term)
    return missing
