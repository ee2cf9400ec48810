"""Matching watches against an article: its original and translations indexed once, then only the
watches that can match tried.

:class:`TextIndex` reads a text once: every word's term key, and the name key of every capitalised
word, with their positions (phrases are consecutive positions). :class:`WatchIndex` holds compiled
watches and an inverted index from the first key of each of their terms to the watches, so that an
article is tried against the few watches whose words it contains (plus the watches that can match
without a word, such as ``lang:fr`` or ``NOT x``): 1,000 watches cost about as much as ten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from babelwire.alerts.query import (
    WORD,
    And,
    Field,
    Node,
    Not,
    Or,
    Term,
    name_word_key,
    needs_a_term,
    parse,
    terms,
    word_key,
)
from babelwire.stories.representation import fold


class TextIndex:
    """The distinct words of one text (an original or a translation) by key. Each distinct word is
    keyed once; positions, needed only for phrases, are computed on the first phrase asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = WORD.findall(text)
        self.forms: dict[tuple[str, str], list[str]] = defaultdict(list)  # key -> the words as written
        self._keys: dict[str, tuple[tuple[str, str], ...]] = {}
        for word in dict.fromkeys(self.words):  # distinct, in order of first appearance
            keys: tuple[tuple[str, str], ...] = (("t", word_key(word)),)
            if word[:1].isupper():
                keys += (("n", name_word_key(word)),)
            self._keys[word] = keys
            for key in keys:
                self.forms[key].append(word)
        self._positions: dict[tuple[str, str], set[int]] | None = None

    def _at(self) -> dict[tuple[str, str], set[int]]:
        if self._positions is None:
            self._positions = defaultdict(set)
            for i, word in enumerate(self.words):
                for key in self._keys[word]:
                    self._positions[key].add(i)
        return self._positions

    def find(self, term: Term) -> list[str]:
        """The distinct spellings of a word or phrase in the text, as written."""
        if not all(key in self.forms for key in term.keys):
            return []
        if len(term.keys) == 1:
            return list(self.forms[term.keys[0]])
        at = self._at()
        starts = sorted(i for i in at[term.keys[0]] if all(i + k in at[key] for k, key in enumerate(term.keys[1:], 1)))
        if not starts:
            return []
        spans = [m.span() for m in WORD.finditer(self.text)]
        found = [self.text[spans[i][0] : spans[i + len(term.keys) - 1][1]] for i in starts]
        return list(dict.fromkeys(found))


@dataclass
class Article:
    """What a watch is matched against: the original text, the translations, the outlet, the language."""

    source_id: int
    source_name: str
    language: str | None
    original: str
    translations: Sequence[str] = ()

    @classmethod
    def of(cls, item: Any) -> Article:
        """From a stored revision to match (``store.watches``: source, language, document and
        translated documents)."""
        return cls(item.source_id, item.source_name, item.language, document_text(item.document),
                   [document_text(t) for t in item.translations])

    def __post_init__(self) -> None:
        self.indexes = [TextIndex(self.original), *(TextIndex(t) for t in self.translations)]
        self._found: dict[Term, tuple[list[str], list[str]]] = {}
        self.keys = set().union(*(ix.forms for ix in self.indexes))

    def found(self, term: Term) -> tuple[list[str], list[str]]:
        """(occurrences in the original, occurrences in the translations) of a term."""
        if term not in self._found:
            original = self.indexes[0].find(term)
            translated = [w for ix in self.indexes[1:] for w in ix.find(term)]
            self._found[term] = (original, translated)
        return self._found[term]


@dataclass(frozen=True)
class Match:
    """A watch matched: which terms, and the words as written in the original and the translations."""

    watch_id: int
    terms: tuple[str, ...]
    original: tuple[str, ...]
    translation: tuple[str, ...]

    def to_stored(self) -> dict[str, Any]:
        return {"terms": list(self.terms), "original": list(self.original), "translation": list(self.translation)}


def evaluate(node: Node, article: Article) -> bool:
    """Whether the article satisfies the query tree."""
    if isinstance(node, Term):
        original, translated = article.found(node)
        return bool(original or translated)
    if isinstance(node, Field):
        if node.name == "lang":
            return (article.language or "").lower().split("-")[0] == node.value.split("-")[0]
        return node.value == str(article.source_id) or node.value in fold(article.source_name).split()
    if isinstance(node, Not):
        return not evaluate(node.child, article)
    if isinstance(node, And):
        return all(evaluate(child, article) for child in node.children)
    if isinstance(node, Or):
        return any(evaluate(child, article) for child in node.children)
    raise TypeError(node)


@dataclass
class CompiledWatch:
    id: int
    query: str
    tree: Node
    source_ids: frozenset[int] | None = None
    languages: frozenset[str] | None = None
    terms: list[Term] = field(default_factory=list)

    def match(self, article: Article) -> Match | None:
        if self.source_ids is not None and article.source_id not in self.source_ids:
            return None
        if self.languages is not None and (article.language or "").split("-")[0] not in self.languages:
            return None
        if not evaluate(self.tree, article):
            return None
        matched, original, translation = [], [], []
        for term in self.terms:
            in_original, in_translation = article.found(term)
            if in_original or in_translation:
                matched.append(term.text)
                original += in_original
                translation += in_translation
        unique = lambda words: tuple(dict.fromkeys(words))  # noqa: E731 - keep the first spelling's order
        return Match(self.id, unique(matched), unique(original), unique(translation))


def compile_watch(
    watch_id: int, query: str, source_ids: Iterable[int] | None = None, languages: Iterable[str] | None = None
) -> CompiledWatch:
    """A stored watch, parsed (raises QueryError for a query that no longer parses)."""
    tree = parse(query)
    return CompiledWatch(
        watch_id,
        query,
        tree,
        frozenset(source_ids) if source_ids else None,
        frozenset(languages) if languages else None,
        terms(tree),
    )


class WatchIndex:
    """Every watch, with an inverted index from term keys to the watches that use them."""

    def __init__(self, watches: Iterable[CompiledWatch]) -> None:
        self.watches = list(watches)
        self.by_key: dict[tuple[str, str], list[CompiledWatch]] = defaultdict(list)
        self.always: list[CompiledWatch] = []
        for watch in self.watches:
            if needs_a_term(watch.tree):
                for key in {t.keys[0] for t in watch.terms}:
                    self.by_key[key].append(watch)
            else:
                self.always.append(watch)

    def __len__(self) -> int:
        return len(self.watches)

    def match(self, article: Article) -> list[Match]:
        """The watches the article matches, by watch id."""
        candidates: dict[int, CompiledWatch] = {w.id: w for w in self.always}
        for key in self.by_key.keys() & article.keys:
            candidates.update((w.id, w) for w in self.by_key[key])
        found = [m for w in candidates.values() if (m := w.match(article)) is not None]
        return sorted(found, key=lambda m: m.watch_id)


def document_text(document: Mapping[str, Any] | None) -> str:
    """A stored document's title and blocks as one text (blocks on lines of their own)."""
    if not document:
        return ""
    parts = [document.get("title") or ""]
    parts += [block.get("text") or "" for block in document.get("blocks") or []]
    return "\n".join(p for p in parts if p)
