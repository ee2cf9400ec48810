"""The watch query language: words, "phrases", names, outlets and languages with AND, OR, NOT.

    Grushko                          a name: matched across spellings (Grouchko, Gruschko) and cases
    "Alexandre Grouchko"             a phrase: these words in this order
    otan OR nato                     either (a lower-case word is matched without case or accents,
                                     l'Otan and plurals included)
    Grushko NOT "Alexandre Grushko"  words side by side are joined by AND; NOT / a leading - excludes
    (Grushko OR Ryabkov) lang:fr     parentheses group; lang:CODE is the original language,
    source:12  source:rfi            source:ID or source:NAME (a word of the outlet's name)

Every word and phrase is looked for in the original *and* in its translations. A word written
with a capital letter is a name: compared by :func:`babelwire.stories.representation.name_key`, the
key the story grouping uses, so transcriptions of one name match; any other word by
:func:`word_key` (folded, lightly stemmed).

:func:`parse` returns the tree or raises :class:`QueryError` with the 1-based position of the error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babelwire.errors import BabelwireError
from babelwire.stories.representation import name_key, stem

MAX_QUERY = 1000
FIELDS = ("lang", "source")
_TOKEN = re.compile(r"""\s*(?:(?P<open>\()|(?P<close>\))|(?P<quote>")|(?P<minus>-(?=[^\s-]))|(?P<word>[^\s()"]+))""")
WORD = re.compile(r"[^\W_][\w'’\-]*")


class QueryError(BabelwireError):
    """An invalid watch query; ``position`` is the 1-based character where the problem is."""

    def __init__(self, message: str, position: int, query: str) -> None:
        self.message, self.position, self.query = message, position, query
        super().__init__(f"invalid query at position {position}: {message}")


# Combining marks (accents) left by NFKD: stripped in C, not character by character in Python.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Elided articles and pronouns glued to a word: French l'Otan, d'un; Italian dell'Unione.
_ELIDED = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|dell|all|dall|nell|sull|un)'(?=\w)")


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """How a word of a text or a lower-case query word is compared: without case or accents, an
    elided article dropped (l'Otan → otan), plurals and possessives as the singular. The same
    reading as the story grouping's ``term_key``, computed faster (every distinct word of every new
    article goes through it)."""
    folded = word.lower().replace("’", "'")
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return stem(_ELIDED.sub("", folded))


@lru_cache(maxsize=200_000)
def name_word_key(word: str) -> str:
    """How a capitalised word is compared as a name: the story grouping's spelling-tolerant
    :func:`~babelwire.stories.representation.name_key` (Grouchko, Gruschko, Grushko are one)."""
    return name_key(word.replace("’", "'").split("'")[-1])


@dataclass(frozen=True)
class Term:
    """A word or a phrase; ``keys`` are ``("n", key)`` (a name) or ``("t", key)`` (a word) per word."""

    text: str
    keys: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Field:
    name: str  # lang | source
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Field | Not | And | Or


def term_of(text: str) -> Term | None:
    """The term a query word or phrase stands for (None when it holds no word)."""
    keys = []
    for match in WORD.finditer(text):
        word = match.group()
        if word[:1].isupper():
            keys.append(("n", name_word_key(word)))
        else:
            keys.append(("t", word_key(word)))
    return Term(text, tuple(keys)) if keys else None


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, 1-based position)
        self.i = 0

    def error(self, message: str, position: int | None = None) -> QueryError:
        if position is None:
            position = self.tokens[self.i][2] if self.i < len(self.tokens) else len(self.query) + 1
        return QueryError(message, position, self.query)

    def lex(self) -> None:
        pos, query = 0, self.query
        while pos < len(query):
            if query[pos:].strip() == "":
                break
            match = _TOKEN.match(query, pos)
            if match is None:  # cannot happen: every character is some token
                raise self.error("unexpected character", pos + 1)
            kind = match.lastgroup or ""
            start = match.start(kind)
            if kind == "quote":
                end = query.find('"', start + 1)
                if end < 0:
                    raise QueryError("this quotation mark is never closed", start + 1, query)
                self.tokens.append(("phrase", query[start + 1 : end], start + 1))
                pos = end + 1
                continue
            text = match.group(kind)
            if kind == "word" and text in ("AND", "OR", "NOT"):
                kind = text.lower()
            elif kind == "word" and not WORD.search(text):
                pos = match.end()  # punctuation alone ("&", "…", "--") is no term: skipped, like spaces
                continue
            self.tokens.append((kind, text, start + 1))
            pos = match.end()

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse(self) -> Node:
        self.lex()
        if not self.tokens:
            raise self.error("the query holds no word", 1)
        node = self.parse_or()
        if self.i < len(self.tokens):
            kind = self.peek()
            raise self.error(
                "this closing parenthesis has no opening one"
                if kind == "close"
                else f"unexpected {self.tokens[self.i][1]!r}"
            )
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek() == "or":
            self.i += 1
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while self.peek() in ("and", "not", "minus", "open", "word", "phrase"):
            if self.peek() == "and":
                self.i += 1
            children.append(self.parse_not())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self) -> Node:
        if self.peek() in ("not", "minus"):
            self.i += 1
            return Not(self.parse_not())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        if self.i >= len(self.tokens):
            raise self.error("the query ends where a word, a phrase or a parenthesis was expected")
        kind, text, position = self.tokens[self.i]
        self.i += 1
        if kind == "open":
            node = self.parse_or()
            if self.peek() != "close":
                raise self.error("this parenthesis is never closed", position)
            self.i += 1
            return node
        if kind in ("close", "and", "or"):
            self.i -= 1
            what = "a closing parenthesis" if kind == "close" else text
            raise self.error(f"{what} where a word, a phrase or a parenthesis was expected")
        if kind == "word" and ":" in text.strip(":"):
            name, _, value = text.partition(":")
            if name.lower() in FIELDS:
                return self.field(name.lower(), value, position)
        term = term_of(text)
        if term is None:
            raise self.error(f"{text!r} holds no word (letters or digits)", position)
        return term

    def field(self, name: str, value: str, position: int) -> Field:
        if name == "lang":
            from babelwire.languages import check_language

            try:
                value = check_language(value)
            except ValueError:
                raise self.error(f"unknown language code {value!r}", position + len(name) + 1) from None
        return Field(name, value.lower())


def parse(query: str) -> Node:
    """The query's tree; raises :class:`QueryError` naming the position of the first problem."""
    if len(query) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY} characters", MAX_QUERY + 1, query)
    return _Parser(query).parse()


def terms(node: Node, *, negated: bool = False) -> list[Term]:
    """The words and phrases the query looks for (not those under NOT), in query order."""
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return terms(node.child, negated=not negated)
    if isinstance(node, And | Or):
        return [t for child in node.children for t in terms(child, negated=negated)]
    return []


def needs_a_term(node: Node) -> bool:
    """True when no article can match without containing one of the query's terms (then a watch
    is only tried on texts holding one of them: :class:`babelwire.alerts.matching.WatchIndex`)."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Field | Not):
        return False
    if isinstance(node, And):
        return any(needs_a_term(child) for child in node.children)
    return all(needs_a_term(child) for child in node.children)  # Or


def describe(error: QueryError) -> str:
    """Two lines: the query, and a caret under the position of the error."""
    return f"{error.query}\n{' ' * (error.position - 1)}^ {error.message}"
