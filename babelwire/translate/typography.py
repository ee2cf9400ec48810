"""Quotation marks and punctuation spacing in the conventions of the target language.

Machine translation copies the source's marks (« » from French) or loses their spacing; this
module finds every quotation mark, works out whether it opens or closes and how deeply it is
nested, then writes the target's marks: English “ ” with ‘ ’ inside, German „ “ with ‚ ‘,
French « » with narrow no-break spaces inside and no-break spaces before ; : ! ?.

Apostrophes inside words (aujourd'hui, it's, l’OTAN) are never taken for quotation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NNBSP = "\u202f"  # narrow no-break space: inside « » and before ; ! ? in French
NBSP = "\u00a0"  # no-break space: before : in French
_SPACES = " \t\u00a0\u202f\u2009\u2007"

# Outer and nested (opening, closing) marks per target language; others get the English ones.
QUOTE_STYLES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "en": (("“", "”"), ("‘", "’")),
    "fr": (("«", "»"), ("“", "”")),
    "de": (("„", "“"), ("‚", "‘")),
    "es": (("«", "»"), ("“", "”")),
    "it": (("«", "»"), ("“", "”")),
    "ru": (("«", "»"), ("„", "“")),
    "uk": (("«", "»"), ("„", "“")),
    "pl": (("„", "”"), ("«", "»")),
}
_DOUBLE = "«»„“”\""
_SINGLE = "‹›‚‘’'"
QUOTE_CHARS = _DOUBLE + _SINGLE
# Before an opening mark these take no space: elision (d'« endiguement »), brackets, line starts.
_TIGHT_BEFORE_OPENER = "'’([{/\n"


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A quotation mark found in a text: where, whether it opens, its nesting depth (1 = outer)
    and the index of the mark it pairs with (None when it opens or closes nothing)."""

    index: int
    char: str
    opening: bool
    depth: int
    partner: int | None

    @property
    def paired(self) -> bool:
        return self.partner is not None


@dataclass(frozen=True, slots=True)
class QuoteScan:
    """The quotation marks of a text and what they say about its quotations."""

    marks: list[QuoteMark]

    @property
    def balanced(self) -> bool:
        """Every opening mark is closed and every closing mark was opened."""
        return all(mark.paired for mark in self.marks)

    @property
    def quotations(self) -> int:
        """Quotations touched: opening marks plus closing marks that close nothing."""
        return sum(1 for mark in self.marks if mark.opening or not mark.paired)


def _language(code: str) -> str:
    return (code or "en").lower().replace("_", "-").split("-")[0]


def _is_word(char: str) -> bool:
    return char.isalnum()


def _classify(text: str, i: int, stack: list[tuple[int, str]]) -> tuple[bool, str] | None:
    """(opening?, kind) for the candidate mark at i, or None when it is no quotation mark."""
    char = text[i]
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    # "left-flanking" marks stand before a word (they open), "right-flanking" ones after (they close)
    after_space = prev == "" or prev.isspace() or prev in "([{—–-/" or prev in QUOTE_CHARS
    before_space = nxt == "" or nxt.isspace() or not (_is_word(nxt) or nxt in "([{")
    left = after_space and not before_space
    right = before_space and not after_space
    kind = "double" if char in _DOUBLE else "single"
    top = text[stack[-1][0]] if stack else ""
    open_kinds = {k for _, k in stack}
    if char in "«„‹‚":
        return True, kind
    if char in "»›":
        # French continues a quotation into a new paragraph with » at its start.
        return (not text[:i].strip(), kind)
    if char in "’'":
        if _is_word(prev) and _is_word(nxt):
            return None  # apostrophe inside a word
        if char == "'" and left and not right:
            return True, kind
        # a closing single mark only when a single quotation is open; else an apostrophe (allies’)
        return (False, kind) if "single" in open_kinds else None
    if char in "“‘":
        if left != right:
            return left, kind  # opens in English, closes in German („gut“,)
        return (top != {"“": "„", "‘": "‚"}[char], kind)
    if char == "”":
        # closes whatever is open; else it opens only where it stands before a word
        return (kind not in open_kinds and left and not right, kind)
    if _is_word(prev) and _is_word(nxt):
        return None  # a straight " glued between words: leave it alone
    if left != right:
        return left, kind
    return (kind not in open_kinds, kind)


def scan_quotes(text: str) -> QuoteScan:
    """Every quotation mark of the text, paired and with its nesting depth."""
    stack: list[tuple[int, str]] = []  # (index, kind) of open marks
    found: dict[int, tuple[bool, int]] = {}  # index -> (opening, depth)
    partners: dict[int, int] = {}
    for i, char in enumerate(text):
        if char not in QUOTE_CHARS:
            continue
        classified = _classify(text, i, stack)
        if classified is None:
            continue
        opening, kind = classified
        if opening:
            stack.append((i, kind))
            found[i] = (True, len(stack))
            continue
        match = next((j for j in range(len(stack) - 1, -1, -1) if stack[j][1] == kind), None)
        if match is None:
            found[i] = (False, 1)  # closes nothing
            continue
        # Marks opened inside and never closed are dropped: they stay unpaired.
        found[i] = (False, match + 1)
        partners[i], partners[stack[match][0]] = stack[match][0], i
        del stack[match:]
    marks = [QuoteMark(i, text[i], op, depth, partners.get(i)) for i, (op, depth) in sorted(found.items())]
    return QuoteScan(marks)


def quote_mark(target: str, opening: bool, depth: int) -> str:
    """The target language's mark for a quotation at this depth (1 = outer), French spacing included."""
    lang = _language(target)
    outer, nested = QUOTE_STYLES.get(lang, QUOTE_STYLES["en"])
    pair = outer if depth % 2 == 1 else nested
    mark = pair[0] if opening else pair[1]
    if lang == "fr" and mark in "«»":
        return mark + NNBSP if opening else NNBSP + mark
    return mark


def normalise_quotes(text: str, target: str) -> str:
    """Write every quotation mark in the target's style, with the target's spacing around it."""
    marks = scan_quotes(text).marks
    if not marks:
        return text
    spans: list[str] = []
    cursor = 0
    for mark in marks:
        spans.append(text[cursor:mark.index])
        cursor = mark.index + 1
    spans.append(text[cursor:])
    for n, mark in enumerate(marks):
        before, after = spans[n], spans[n + 1]
        if mark.opening:
            spans[n + 1] = after.lstrip(_SPACES)
            stripped = before.rstrip(_SPACES)
            if n == 0 and not stripped:
                continue
            if stripped and stripped[-1] in _TIGHT_BEFORE_OPENER:
                spans[n] = stripped
            elif not stripped and n > 0:
                # between two marks: a space after a closing one, none after an opening one
                spans[n] = "" if marks[n - 1].opening else " "
            else:
                spans[n] = stripped + " "
        else:
            spans[n] = before.rstrip(_SPACES)
            stripped = after.lstrip(_SPACES)
            if stripped and (_is_word(stripped[0]) or stripped[0] in "(["):
                spans[n + 1] = " " + stripped
            elif not stripped and n + 1 < len(marks):
                spans[n + 1] = " " if marks[n + 1].opening else ""
            else:
                spans[n + 1] = stripped
    out = [spans[0]]
    for n, mark in enumerate(marks):
        out.append(quote_mark(target, mark.opening, mark.depth))
        out.append(spans[n + 1])
    return "".join(out)


_SP = f"[{_SPACES}]"
_END = r"(?=\s|$|[”’»“\"')\]])"


def fix_punctuation_spacing(text: str, target: str) -> str:
    """Spaces around punctuation as the target language writes them."""
    text = re.sub(r"(?<=\S) {2,}", " ", text)
    text = re.sub(rf"([(\[]){_SP}+", r"\1", text)
    text = re.sub(rf"{_SP}+([)\]])", r"\1", text)
    text = re.sub(rf"{_SP}+([,.…]){_END}", r"\1", text)
    if _language(target) == "fr":
        # espace fine insécable before ; ! ? (and %), espace insécable before :
        text = re.sub(rf"(?<=[^\s!?;]){_SP}*([;!?]+){_END}", NNBSP + r"\1", text)
        text = re.sub(rf"(?<=[^\s:]){_SP}*:(?=\s|$)", NBSP + ":", text)
        text = re.sub(rf"(?<=\d){_SP}*%", NNBSP + "%", text)
    else:
        text = re.sub(rf"{_SP}+([;:!?]+){_END}", r"\1", text)
        text = re.sub(rf"(?<=\d){_SP}+%", "%", text)
    return text


def apply_typography(text: str, target: str) -> str:
    """Quotation marks and punctuation spacing of the target language."""
    return fix_punctuation_spacing(normalise_quotes(text, target), target)
