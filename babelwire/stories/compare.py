"""What outlets report alike and differently about one story: facts, quotations, numbers, headlines.

Pure functions over documents (no store): each article of a story is handed in as a :class:`Report`
(its outlet, language, publication time, original document and translated document) and
:func:`compare_reports` returns plain dataclasses.

**Sentences.** Every paragraph is split into sentences with the segmenter the translator uses
(pysbd, ``translate.segment``); a translated paragraph's sentences are paired with its original's
(one to one when both count the same, else by a length alignment allowing 1–2 and 2–1 beads).

**Which text is compared.** Two reports in the same language are compared in their originals (two
French outlets: the French sentences, not two machine translations of them); otherwise through
the texts in the target language (a translation, or an original already in that language).

**Similarity** of two sentences is the weighted overlap (Ochiai) of their terms: content words
(accents folded, light stemming; stopwords of English and French and reporting verbs — "said",
"a ajouté", "told reporters" — left out), pairs of neighbouring words, names (capitalised words,
matched across spellings: Grouchko / Grushko / Gruschko) and what each number counts ("four hours"
→ hour, so a changed toll still pairs and is then flagged). Each term weighs its inverse frequency
among the story's sentences; names ``NAME_WEIGHT`` of a word. Names and numbers alone never pair two
sentences. Alignment is greedy, best pair first: a row holds at most one sentence of each report,
a sentence joins a row only if it is at least ``COHESION`` × the threshold alike to every sentence
in it (no chains), and pairs below :data:`THRESHOLD` are not made. The threshold and weights were
measured on hand-aligned reports (``tests/stories/compare_gold.py``; the sweep is in the README).

**Numbers** that disagree in an aligned row are flagged: the same kind of number (same unit word
after it, or the same month) with different values, or one unmatched number on each side.

**Quotations** (``stories.quotes``) are grouped by speaker, speakers matched by surname across
spellings, and aligned within a speaker by overlap; a quotation one outlet alone carries is
marked ``only``, one worded differently ``different``.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, count, pairwise
from typing import Any, Literal

from babelwire.stories.quotes import extract_quotes, translated_quotes
from babelwire.stories.representation import STOPWORDS as ENGLISH_STOPWORDS
from babelwire.translate.segment import split_sentences

THRESHOLD = 0.2
"""Least similarity of two sentences reported as one fact (measured: see the module doc)."""
QUOTE_THRESHOLD = 0.5
"""Least overlap (of the shorter quotation) for two quotations of one speaker to be one row."""
COHESION = 0.5
"""A sentence joins a row only if it is at least COHESION × THRESHOLD alike to every sentence in it."""
NAME_WEIGHT = 0.5
NUMBER_WEIGHT = 1.0
BIGRAM_WEIGHT = 1.0
NAME_SIMILARITY = 0.8  # of two names' folded spellings (Grouchko/Grushko: 1.0 after folding)
MAX_REPORTS = 8  # articles compared side by side; more are listed as omitted
MAX_SENTENCES = 300  # of one article; a longer text is compared on its first MAX_SENTENCES
MAX_CHARS = 60_000  # of one article (original and translation): where a comparison stops reading
MAX_QUOTES = 100  # quotations of one article compared
MAX_NUMBERS = 40  # numbers in one sentence beyond which it is a table, not checked for disagreements
MAX_POSTINGS = 60  # units sharing a word beyond which the word proposes no pairs (see _Texts.candidates)
PAIRING_CELLS = 10_000  # original × translated sentences of a paragraph aligned by length; beyond: whole
LEAD_CHARS = 500
STEM = 6  # characters kept of a folded word: "divergences"/"divergence", "enlargement"/"enlarge"


def _listed(words: str) -> list[str]:
    """The words of a whitespace-separated list written as one string (long word lists)."""
    return words.split()


_FRENCH_STOPWORDS = frozenset(_listed("""
a à au aux avec ce ces cet cette ceux celle celles cela ça chez comme contre dans de des du elle elles en
entre est et été être eu leur leurs lui il ils je la le les lors lorsque mais me même mes moi mon ne ni nos
notre nous on ont ou où par pas pendant plus pour qu que quel quelle qui sa sans se ses si son sont sous sur
ta te tes toi ton tous tout toute toutes très tu un une vers vos votre vous y après avant aussi alors donc
déjà encore ainsi selon dont car sera seront était étaient avait avaient aurait fait faire dit dire
mercredi lundi mardi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août
septembre octobre novembre décembre hier aujourd demain cependant toujours notamment également ceci celui
fois bien peu beaucoup deux trois quatre cinq six sept huit neuf dix premier première dernier dernière
"""))
_MONTHS = {
    **{m: i for i, m in enumerate(_listed(
        "january february march april may june july august september october november december"), 1)},
    **{m: i for i, m in enumerate(_listed(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"), 1)},
    "jan": 1, "feb": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11,
    "dec": 12, "janv": 1, "fevr": 2, "juil": 7,
}
_NUMBER_WORDS = {
    **dict(zip(_listed("two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                       "sixteen seventeen eighteen nineteen twenty"), range(2, 21), strict=True)),
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "dozen": 12,
    **dict(zip(_listed("deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
                       "dix-sept dix-huit dix-neuf vingt"), range(2, 21), strict=True)),
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "cents": 100, "mille": 1000,
    "douzaine": 12,
}
_COMPOUND_PARTS = {**_NUMBER_WORDS, "un": 1, "une": 1, "one": 1, "et": 0, "vingts": 20}
_SCALES = {"million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "billion": 1e9, "billions": 1e9}
_ELISION = re.compile(r"^(?:l|d|qu|s|n|j|c|m|t|jusqu|lorsqu|puisqu)['’]", re.I)
_TOKEN = re.compile(
    r"(?<![\d\w])\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?![\d])"  # 12 000 (French thousands)
    r"|(?<![\d\w])\d+(?:[.,]\d+)*(?:er|re|e|st|nd|rd|th)?(?![\w])"  # 12, 3,5, 4,000, 1er, 12th
    r"|%"
    r"|[^\W\d_][\w'’\-]*",
    re.UNICODE,
)
_WORDS_ONLY = re.compile(r"[^\W\d_]+", re.UNICODE)
_REPEATED = re.compile(r"(.)\1+")
_ORDINAL = re.compile(r"(?:er|re|e|st|nd|rd|th)$")


# --- input and output -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Report:
    """One article of a story: its outlet, language, time, original and translated documents
    (stored shape: ``title`` and ``blocks`` of ``{"type", "text"}``; the translation keeps the
    original's blocks, one for one)."""

    key: int
    outlet: str
    language: str | None
    published: str | None
    original: Mapping[str, Any]
    translated: Mapping[str, Any] | None = None
    target: str = "en"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a report: its original wording and its translation (None when the report is
    in the target language or not translated). ``block`` is the paragraph it belongs to."""

    report: int
    block: int
    index: int
    original: str | None
    translated: str | None


@dataclass(frozen=True, slots=True)
class NumberDisagreement:
    """The numbers of one report's sentence that the other sentences of its row contradict, as
    written in the text they were compared in (``language``: the original's or the target's)."""

    report: int
    numbers: tuple[str, ...]
    language: str


@dataclass(frozen=True, slots=True)
class FactRow:
    """Sentences of different reports that say the same thing (one sentence: only one outlet does)."""

    sentences: tuple[Sentence, ...]
    outlets: tuple[str, ...]
    only: bool
    basis: Literal["original", "translation", ""]
    score: float
    numbers: tuple[NumberDisagreement, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteItem:
    report: int
    speaker: str | None
    original: str | None
    translated: str | None


QuoteStatus = Literal["only", "same", "partial", "different", "matched"]


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """One quotation as each outlet that carries it words it. ``status``: ``only`` (one outlet),
    ``same`` (identical wording), ``partial`` (one quotes part of what the other does),
    ``different`` (worded differently), ``matched`` (compared through translations, so the
    wording is not compared)."""

    quotes: tuple[QuoteItem, ...]
    outlets: tuple[str, ...]
    status: QuoteStatus


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    speaker: str | None
    names: tuple[str, ...]
    outlets: tuple[str, ...]
    rows: tuple[QuoteRow, ...]


@dataclass(frozen=True, slots=True)
class Headline:
    report: int
    outlet: str
    language: str | None
    published: str | None
    title: str | None
    translated_title: str | None
    lead: str | None
    translated_lead: str | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Reports compared (``omitted``: beyond MAX_REPORTS; ``cut``: compared on their first
    MAX_SENTENCES sentences or MAX_CHARS characters only), their headlines, facts and quotations."""

    reports: tuple[int, ...]
    omitted: tuple[int, ...]
    cut: tuple[int, ...]
    headlines: tuple[Headline, ...]
    facts: tuple[FactRow, ...]
    speakers: tuple[SpeakerRow, ...]
    threshold: float


@dataclass(frozen=True, slots=True)
class ParagraphChanges:
    """What changed between two revisions of an article, paragraph by paragraph."""

    title_changed: bool
    changed: int
    added: int
    removed: int

    def describe(self) -> str:
        """``3 paragraphs changed, 1 added`` (or ``title changed``, or ``no change in the text``)."""
        counts = [(n, verb) for n, verb in ((self.changed, "changed"), (self.added, "added"),
                                           (self.removed, "removed")) if n]
        parts = [f"{n} {verb}" for n, verb in counts]
        if parts:
            first = counts[0][0]
            parts[0] = f"{first} paragraph{'' if first == 1 else 's'} {counts[0][1]}"
        if self.title_changed:
            parts.append("title changed")
        return ", ".join(parts) if parts else "no change in the text"


# --- words, names and numbers ---------------------------------------------------------------------
@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without accents: ``Élargissement`` → ``elargissement``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# How a quotation is attributed says nothing of what was reported: "added", "a déclaré", "told reporters".
_REPORTING = frozenset(_listed("""
added adds announced argued asked claimed declared explained insisted noted replied reported stated stressed
urged warned tweeted wrote reporters journalists press conference briefing statement
ajoute ajouté annonce annoncé affirme affirmé declare déclaré explique expliqué indique indiqué insiste insisté
souligne souligné estime estimé assure assuré martele martelé precise précisé rappele rappelé lance lancé
journalistes presse point conférence communiqué
"""))
_STOPWORDS = frozenset(fold(w) for w in ENGLISH_STOPWORDS | _FRENCH_STOPWORDS | _REPORTING)
# The titles in front of a name ("Deputy Foreign Minister Alexander Grushko") say who speaks, not
# what is reported: left out, as stopwords are.
_TITLE_WORDS = frozenset(_listed("""
minister ministre deputy vice secretary secretaire general generale foreign affaires etrangeres president
presidente prime premier premiere chancellor chancelier spokesman spokeswoman spokesperson porte-parole
ambassador ambassadeur director directeur chief chef senator senateur governor gouverneur mayor maire
chairman commissioner commissaire representative representant state etat defence defense adjoint adjointe
"""))
_SPELLINGS = (("sch", "sh"), ("tch", "ch"), ("ch", "sh"), ("ou", "u"), ("kh", "h"), ("ck", "k"), ("ph", "f"),
              ("w", "v"), ("y", "i"), ("ii", "i"))


def name_key(name: str) -> str:
    """A spelling-tolerant key of a name: accents folded, transliteration variants merged
    (Grouchko, Grushko and Gruschko all give ``grushko``)."""
    key = "".join(_WORDS_ONLY.findall(fold(name)))
    for old, new in _SPELLINGS:
        key = key.replace(old, new)
    return _REPEATED.sub(r"\1", key)


def same_name(a: str, b: str) -> bool:
    """Whether two name keys (``name_key``) are one name written two ways."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def surname(speaker: str) -> str:
    """The last word of a name, the part outlets spell alike most often."""
    words = speaker.split()
    return words[-1] if words else speaker


def same_speaker(a: str, b: str) -> bool:
    """Whether two speakers are one person: their surnames match across spellings."""
    return same_name(name_key(surname(a)), name_key(surname(b)))


def _stem(word: str) -> str:
    word = _ELISION.sub("", word).replace("’", "'").removesuffix("'s")
    word = fold(word)
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:STEM]


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    text: str
    context: str | None
    year: bool


def _number_value(token: str, language: str) -> float | None:
    token = _ORDINAL.sub("", token)
    token = token.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in token and "." in token:
        if token.rfind(".") > token.rfind(","):  # 4,000.5
            token = token.replace(",", "")
        else:  # 4.000,5
            token = token.replace(".", "").replace(",", ".")
    elif "," in token:
        groups = token.split(",")
        if language != "fr" and all(len(g) == 3 for g in groups[1:]):
            token = "".join(groups)
        else:
            token = token.replace(",", ".", 1).replace(",", "")
    elif "." in token:
        groups = token.split(".")
        if language in ("fr", "de", "es", "it") and all(len(g) == 3 for g in groups[1:]) and len(groups) > 1:
            token = "".join(groups)
    try:
        return float(token)
    except ValueError:
        return None


def _word_number(word: str) -> float | None:
    folded = fold(word)
    if folded in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[folded])
    if "-" in folded:
        parts = folded.split("-")
        if all(p in _COMPOUND_PARTS for p in parts):
            total = 0
            for i, part in enumerate(parts):
                if part.startswith("vingt") and i > 0 and parts[i - 1] == "quatre":
                    total += 80 - 4  # quatre-vingt(s): four twenties
                else:
                    total += _COMPOUND_PARTS[part]
            return float(total) if total > 1 else None
    return None


_NUMBER_FILLERS = frozenset(_listed("""
of de des du d the le la les l a an un une more than plus moins less at least au about environ some quelque
nearly near presque près almost over under sous sur some autour around pour for per par en in on
"""))


def _number_in_token(token: str, language: str) -> tuple[float | None, str | None]:
    """(value, the unit glued to it) of one token: ``12``, ``3,5``, ``quatre-vingt-dix``, and
    ``three-year`` (3, ``year``)."""
    if token[0].isdigit():
        return _number_value(token, language), None
    value = _word_number(token)
    if value is not None or "-" not in token:
        return value, None
    parts = token.split("-")
    for cut in range(len(parts) - 1, 0, -1):  # the longest number in front: "twenty-two-year"
        value = _word_number("-".join(parts[:cut]))
        if value is not None:
            return value, parts[cut]
    return None, None


def numbers_in(text: str, language: str) -> list[Number]:
    """The numbers of a sentence (digits and number words of English and French), each with its
    context: the month it dates, else the word after it (``four hours`` → ``hour``)."""
    matches = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in matches]

    def touching(a: int, b: int) -> bool:  # only spaces between tokens a and b (a < b)
        return a >= 0 and b < len(matches) and not text[matches[a].end():matches[b].start()].strip()

    found: list[Number] = []
    for i, token in enumerate(tokens):
        value, glued = _number_in_token(token, language)
        if value is None:
            continue
        j = i + 1
        if j < len(tokens) and fold(tokens[j]) in _SCALES and touching(i, j):
            value *= _SCALES[fold(tokens[j])]
            j += 1
        year = token.isdigit() and len(token) == 4 and 1800 <= value <= 2100
        context = None
        if token.isdigit() and value <= 31 and not glued:
            # "12 janvier", "January 12": a day of a month.
            for a, b, k in ((i, j, j), (i - 1, i, i - 1)):
                if touching(a, b) and fold(tokens[k].rstrip(".")) in _MONTHS:
                    context = f"month {_MONTHS[fold(tokens[k].rstrip('.'))]}"
                    break
        if context is None and year:
            context = "year"
        if context is None and glued:
            context = _stem(glued)
        if context is None:
            for k in range(j, min(j + 4, len(tokens))):
                word = tokens[k]
                if word == "%":
                    context = "%"
                    break
                if word[0].isdigit() or fold(word) in _NUMBER_FILLERS:
                    continue
                context = _stem(word)
                break
        found.append(Number(value=value, text=token, context=context, year=year))
    return found


@dataclass(frozen=True, slots=True)
class _Features:
    terms: dict[str, float]  # term → weight multiplier (words by stem, numbers "#", neighbours "~")
    names: dict[str, str]  # the terms written with a capital → their spelling-tolerant key
    numbers: tuple[Number, ...]


def features(text: str, language: str) -> _Features:
    """The terms a sentence is compared by: content words (stems; a capitalised one also as a
    name, matched across spellings), numbers (``#``) and pairs of neighbouring words (``~``)."""
    terms: dict[str, float] = {}
    names: dict[str, str] = {}
    sequence: list[str] = []  # content terms in order, for the pairs of neighbours
    numbers = numbers_in(text, language)
    for number in numbers:
        # What a number counts ("# hour", "# month 1") makes two sentences alike, not its value:
        # a sentence whose toll changed is still the same fact, and its numbers are then flagged.
        key = f"#{number.context}" if number.context else f"#{number.value:g}"
        terms[key] = NUMBER_WEIGHT
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0].isdigit() or token == "%" or _word_number(token) is not None:
            continue
        for word in _ELISION.sub("", token).split("-"):  # "Russie-OTAN", "non-élargissement"
            folded = fold(word)
            if not word or folded in _STOPWORDS or folded in _TITLE_WORDS:
                continue
            stem = _stem(word)
            if len(stem) < 3:
                continue
            if word[0].isupper():
                names[stem] = name_key(word)
                terms[stem] = max(terms.get(stem, 0.0), NAME_WEIGHT)
            else:
                terms.setdefault(stem, 1.0)
            sequence.append(stem)
    if BIGRAM_WEIGHT:
        for first, second in pairwise(sequence):
            if first not in names or second not in names:  # "Alexander Grouchko" is a name, not wording
                terms[f"~{first}~{second}"] = BIGRAM_WEIGHT
    return _Features(terms, names, tuple(numbers))


def idf_of(term_sets: Iterable[Iterable[str]]) -> tuple[dict[str, float], float]:
    """Smoothed inverse frequencies of terms among sentences, and the value for an unseen term."""
    df: dict[str, int] = defaultdict(int)
    n = 0
    for terms in term_sets:
        n += 1
        for term in set(terms):
            df[term] += 1
    return {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}, math.log(1 + n) + 1.0


def similarity(a: _Features, b: _Features, idf: Mapping[str, float], unseen: float = 1.0,
               *, overlap: bool = False) -> float:
    """Weighted overlap of two sentences' terms (Ochiai; with ``overlap``, of the smaller side),
    names matched across spellings."""
    def weight(term: str, terms: Mapping[str, float]) -> float:
        return terms[term] * idf.get(term, unseen)

    total_a = sum(weight(t, a.terms) for t in a.terms)
    total_b = sum(weight(t, b.terms) for t in b.terms)
    if not total_a or not total_b:
        return 0.0
    common = a.terms.keys() & b.terms.keys()
    if all(t in a.names or t[0] == "#" for t in common):
        return 0.0  # names and numbers alone do not make one fact: something must be said alike
    shared = sum(min(weight(t, a.terms), weight(t, b.terms)) for t in common)
    names_b = [t for t in b.names if t not in common]
    for term, key in a.names.items():
        if term in common:
            continue
        for other in names_b:
            if same_name(key, b.names[other]):
                shared += min(weight(term, a.terms), weight(other, b.terms))
                names_b.remove(other)
                break
    if overlap:
        return min(1.0, shared / min(total_a, total_b))
    return shared / math.sqrt(total_a * total_b)


def number_disagreements(a: Sequence[Number], b: Sequence[Number]) -> tuple[list[Number], list[Number]]:
    """The numbers of ``a`` and of ``b`` that contradict each other: the same kind (context: the
    unit after it, the month) with different values, or — when nothing else is left — one
    unmatched number on each side of the same sort (a year against a year, a count against a
    count) with different values. A number one side gives and the other does not is no conflict."""
    if len(a) > MAX_NUMBERS or len(b) > MAX_NUMBERS:
        return [], []

    def matched(n: Number, others: Sequence[Number]) -> bool:
        return any(m.value == n.value and (m.context == n.context or None in (m.context, n.context)) for m in others)

    left_a = [n for n in a if not matched(n, b)]
    left_b = [n for n in b if not matched(n, a)]
    if not left_a or not left_b:
        return [], []
    bad_a: list[Number] = []
    bad_b: list[Number] = []
    for context in sorted({n.context for n in left_a if n.context} & {n.context for n in left_b if n.context}):
        bad_a += [n for n in left_a if n.context == context]
        bad_b += [n for n in left_b if n.context == context]
    contexts_a, contexts_b = {n.context for n in a if n.context}, {n.context for n in b if n.context}
    rest_a = [n for n in left_a if n not in bad_a and n.context not in contexts_b]
    rest_b = [n for n in left_b if n not in bad_b and n.context not in contexts_a]
    if (len(rest_a) == 1 and len(rest_b) == 1 and rest_a[0].year == rest_b[0].year
            and rest_a[0].value != rest_b[0].value):
        bad_a += rest_a
        bad_b += rest_b
    return bad_a, bad_b


# --- sentences of a report ------------------------------------------------------------------------
def _pair_sentences(originals: list[str], translations: list[str]) -> list[tuple[str | None, str | None]]:
    """Original and translated sentences of one paragraph paired in order: one to one when they
    count the same, else by length (beads 1–1, 1–2, 2–1, 2–2, and 1–0/0–1 at a high cost)."""
    if not originals or not translations:
        return [(o, None) for o in originals] + [(None, t) for t in translations]
    if len(originals) == len(translations):
        return list(zip(originals, translations, strict=True))
    if len(originals) * len(translations) > PAIRING_CELLS:  # a giant paragraph: kept whole
        return [(" ".join(originals), " ".join(translations))]
    ratio = sum(map(len, translations)) / max(1, sum(map(len, originals)))
    beads = ((1, 1, 0.0), (1, 2, 0.4), (2, 1, 0.4), (2, 2, 0.8), (1, 0, 2.5), (0, 1, 2.5))
    n, m = len(originals), len(translations)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for di, dj, penalty in beads:
                if i + di > n or j + dj > m:
                    continue
                lo = sum(len(s) for s in originals[i:i + di]) * ratio
                lt = sum(len(s) for s in translations[j:j + dj])
                step = penalty + (abs(math.log((lt + 10) / (lo + 10))) if di and dj else 0.0)
                if cost[i][j] + step < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = cost[i][j] + step
                    back[i + di][j + dj] = (di, dj)
    pairs: list[tuple[str | None, str | None]] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j] or (1, 1)
        o = " ".join(originals[i - di:i]) or None
        t = " ".join(translations[j - dj:j]) or None
        pairs.append((o, t))
        i, j = i - di, j - dj
    return pairs[::-1]


def _blocks(document: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return list((document or {}).get("blocks") or [])


def report_sentences(report: Report, *, limit: int = MAX_SENTENCES, budget: int = MAX_CHARS
                     ) -> tuple[list[Sentence], bool]:
    """A report's sentences (headings left out), each with its translation when it has one, and
    whether the text went beyond ``limit`` sentences or ``budget`` characters (original and
    translation together), where it stops: a comparison reads news, not books."""
    language = report.language or report.target
    originals, translations = _blocks(report.original), _blocks(report.translated)
    sentences: list[Sentence] = []
    for block in range(max(len(originals), len(translations))):
        o = originals[block] if block < len(originals) else None
        t = translations[block] if block < len(translations) else None
        if ((o or t) or {}).get("type") == "heading":
            continue
        o_text = (o or {}).get("text") or ""
        t_text = (t or {}).get("text") or ""
        if len(o_text) + len(t_text) > budget:
            return sentences, True
        budget -= len(o_text) + len(t_text)
        pairs = _pair_sentences([s.text for s in split_sentences(o_text, language)],
                                [s.text for s in split_sentences(t_text, report.target)])
        for original, translated in pairs:
            if not (original or translated):
                continue
            if len(sentences) == limit:
                return sentences, True
            sentences.append(Sentence(report=report.key, block=block, index=len(sentences), original=original,
                                      translated=translated))
    return sentences, False


class _Texts:
    """Each report's units (sentences or quotations) in the languages they can be compared in,
    with their features and one inverse-frequency table per language."""

    def __init__(self, reports: Sequence[Report], units: Mapping[int, Sequence[Any]]) -> None:
        self.reports = {r.key: r for r in reports}
        self.features: dict[tuple[int, int, str], _Features] = {}
        by_language: dict[str, list[set[str]]] = defaultdict(list)
        for report in reports:
            for i, unit in enumerate(units[report.key]):
                for language, text in self.texts(report, unit).items():
                    f = features(text, language)
                    self.features[(report.key, i, language)] = f
                    by_language[language].append(set(f.terms))
        self.idf = {language: idf_of(sets) for language, sets in by_language.items()}
        self._scores: dict[tuple[int, int, int, int, bool], tuple[float, str | None]] = {}

    @staticmethod
    def texts(report: Report, unit: Any) -> dict[str, str]:
        found = {}
        if unit.original and report.language:
            found[report.language] = unit.original
        if unit.translated:
            found[report.target] = unit.translated
        elif unit.original and (report.language or report.target) == report.target:
            found[report.target] = unit.original
        return found

    def language_for(self, a: int, i: int, b: int, j: int) -> str | None:
        """The language units ``i`` of report ``a`` and ``j`` of ``b`` are compared in: their
        shared original language when both have their original, else the target language."""
        ra, rb = self.reports[a], self.reports[b]
        if ra.language and ra.language == rb.language and (a, i, ra.language) in self.features \
                and (b, j, ra.language) in self.features:
            return ra.language
        if (a, i, ra.target) in self.features and (b, j, rb.target) in self.features and ra.target == rb.target:
            return ra.target
        return None

    def candidates(self) -> list[tuple[int, int, int, int]]:
        """The pairs of units of two reports that share a word (or a pair of words) in a language
        they can be compared in: the only pairs that can be alike. Found through an index of the
        words, so a long story does not cost every sentence against every other; a word in more
        than ``MAX_POSTINGS`` units (in a story that long) is too common to propose pairs."""
        postings: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for (key, index, language), f in self.features.items():
            for term in f.terms:
                if term[0] != "#" and term not in f.names:
                    postings[(language, term)].append((key, index))
        found: set[tuple[int, int, int, int]] = set()
        order = {key: n for n, key in enumerate(self.reports)}
        for (language, _term), units in postings.items():
            if len(units) > MAX_POSTINGS:
                continue
            for (a, i), (b, j) in combinations(units, 2):
                if a == b:
                    continue
                if order[a] > order[b]:
                    a, i, b, j = b, j, a, i
                if self.language_for(a, i, b, j) == language:
                    found.add((a, i, b, j))
        return sorted(found)

    def score(self, a: int, i: int, b: int, j: int, *, overlap: bool = False) -> tuple[float, str | None]:
        cache_key = (a, i, b, j, overlap) if (a, i) <= (b, j) else (b, j, a, i, overlap)
        cached = self._scores.get(cache_key)
        if cached is not None:
            return cached
        language = self.language_for(a, i, b, j)
        if language is None:
            found: tuple[float, str | None] = (0.0, None)
        else:
            idf, unseen = self.idf[language]
            found = (similarity(self.features[(a, i, language)], self.features[(b, j, language)], idf, unseen,
                                overlap=overlap), language)
        self._scores[cache_key] = found
        return found


def _align(keys: Sequence[int], units: Mapping[int, Sequence[Any]], texts: _Texts, threshold: float,
           *, overlap: bool = False) -> list[tuple[dict[int, int], list[tuple[float, str | None]]]]:
    """Greedy alignment, best pair first: rows of at most one unit per report. Each row: report →
    unit index, and the (score, language) of the links that made it."""
    links = []
    for a, i, b, j in texts.candidates():
        score, language = texts.score(a, i, b, j, overlap=overlap)
        if score >= threshold:
            links.append((score, a, i, b, j, language))
    links.sort(key=lambda link: (-link[0], *link[1:5]))
    rows: dict[int, tuple[dict[int, int], list[tuple[float, str | None]]]] = {}
    row_of: dict[tuple[int, int], int] = {}
    fresh = count()
    for score, a, i, b, j, language in links:
        row_a, row_b = row_of.get((a, i)), row_of.get((b, j))
        if row_a is not None and row_a == row_b:
            continue
        members_a = rows[row_a][0] if row_a is not None else {a: i}
        members_b = rows[row_b][0] if row_b is not None else {b: j}
        if members_a.keys() & members_b.keys():
            continue  # a row holds one sentence of each report
        if not _cohesive(members_a, members_b, texts, threshold * COHESION, overlap=overlap):
            continue  # no chains: every sentence of a row must be near every other
        merged = ({**members_a, **members_b},
                  [*(rows[row_a][1] if row_a is not None else []), *(rows[row_b][1] if row_b is not None else []),
                   (score, language)])
        for old in (row_a, row_b):
            if old is not None:
                del rows[old]
        new = min(k for k in (row_a, row_b) if k is not None) if row_a is not None or row_b is not None \
            else next(fresh)
        rows[new] = merged
        for key, index in merged[0].items():
            row_of[(key, index)] = new
    found = list(rows.values())
    for key in keys:
        for index in range(len(units[key])):
            if (key, index) not in row_of:
                found.append(({key: index}, []))
    return found


def _cohesive(a: Mapping[int, int], b: Mapping[int, int], texts: _Texts, floor: float, *, overlap: bool) -> bool:
    """Whether every pair across two rows about to merge is at least ``floor`` alike (pairs that
    share no language are not held against it)."""
    for ka, ia in a.items():
        for kb, ib in b.items():
            score, language = texts.score(ka, ia, kb, ib, overlap=overlap)
            if language is not None and score < floor:
                return False
    return True


def _order(rows: list[tuple[dict[int, int], Any]], keys: Sequence[int],
           units: Mapping[int, Sequence[Any]]) -> list[tuple[dict[int, int], Any]]:
    """Rows in reading order: by the mean relative position of their sentences in their reports."""
    rank = {key: n for n, key in enumerate(keys)}

    def where(row: tuple[dict[int, int], Any]) -> tuple[float, int, int]:
        members = row[0]
        mean = sum((i + 0.5) / max(1, len(units[k])) for k, i in members.items()) / len(members)
        first = min(members, key=rank.__getitem__)
        return mean, rank[first], members[first]

    return sorted(rows, key=where)


# --- the comparison -------------------------------------------------------------------------------
def _lead(document: Mapping[str, Any] | None) -> tuple[int | None, str | None]:
    for i, block in enumerate(_blocks(document)):
        text = (block.get("text") or "").strip()
        if block.get("type") != "heading" and text:
            return i, (text[:LEAD_CHARS].rsplit(" ", 1)[0] + "…" if len(text) > LEAD_CHARS else text)
    return None, None


def headline(report: Report) -> Headline:
    """A report's title and lead, original and translated."""
    index, lead = _lead(report.original)
    translated_lead = None
    if report.translated is not None:
        blocks = _blocks(report.translated)
        if index is not None and index < len(blocks):
            text = (blocks[index].get("text") or "").strip()
            translated_lead = text[:LEAD_CHARS].rsplit(" ", 1)[0] + "…" if len(text) > LEAD_CHARS else text
        elif index is None:
            translated_lead = _lead(report.translated)[1]
    return Headline(report=report.key, outlet=report.outlet, language=report.language, published=report.published,
                    title=report.original.get("title"),
                    translated_title=(report.translated or {}).get("title") or None,
                    lead=lead, translated_lead=translated_lead or None)


def _facts(reports: Sequence[Report], threshold: float, units: Mapping[int, list[Sentence]]) -> list[FactRow]:
    keys = [r.key for r in reports]
    outlet = {r.key: r.outlet for r in reports}
    texts = _Texts(reports, units)
    facts = []
    for members, links in _order(_align(keys, units, texts, threshold), keys, units):
        ordered = sorted(members.items(), key=lambda kv: keys.index(kv[0]))
        outlets = tuple(dict.fromkeys(outlet[k] for k, _ in ordered))
        languages = {language for _, language in links}
        basis: Literal["original", "translation", ""] = ""
        if links:
            translated = any(language == reports[0].target and any(
                texts.reports[k].language != language for k, _ in ordered) for language in languages)
            basis = "translation" if translated else "original"
        facts.append(FactRow(
            sentences=tuple(units[k][i] for k, i in ordered), outlets=outlets, only=len(outlets) == 1,
            basis=basis, score=round(min((s for s, _ in links), default=1.0), 3),
            numbers=tuple(_row_numbers(ordered, texts)),
        ))
    return facts


def _row_numbers(members: list[tuple[int, int]], texts: _Texts) -> list[NumberDisagreement]:
    """The numbers the sentences of one row disagree on, per report (in row order)."""
    bad: dict[int, tuple[list[str], str]] = {}
    for (a, i), (b, j) in combinations(members, 2):
        language = texts.language_for(a, i, b, j)
        if language is None:
            continue
        wrong_a, wrong_b = number_disagreements(texts.features[(a, i, language)].numbers,
                                                texts.features[(b, j, language)].numbers)
        for key, wrong in ((a, wrong_a), (b, wrong_b)):
            for number in wrong:
                found, _ = bad.setdefault(key, ([], language))
                if number.text not in found:
                    found.append(number.text)
    return [NumberDisagreement(report=k, numbers=tuple(bad[k][0]), language=bad[k][1]) for k, _ in members if k in bad]


def report_quotes(report: Report) -> list[QuoteItem]:
    """A report's quotations, each with its original wording and its translation, speakers read
    from the original where the two agree (``quotes.translated_quotes``)."""
    originals = extract_quotes(dict(report.original), report.language or "")
    if report.translated is None:
        return [QuoteItem(report.key, q.speaker, q.text, None) for q in originals]
    translated = translated_quotes(dict(report.original), dict(report.translated))
    if len(originals) == len(translated):
        return [QuoteItem(report.key, o.speaker or t.speaker, o.text, t.text)
                for o, t in zip(originals, translated, strict=True)]
    items = []
    start = 0
    for t in translated:
        found = None
        for k in range(start, len(originals)):
            if t.speaker and originals[k].speaker and same_speaker(t.speaker, originals[k].speaker):
                found = k
                break
        if found is None:
            items.append(QuoteItem(report.key, t.speaker, None, t.text))
        else:
            items.append(QuoteItem(report.key, originals[found].speaker or t.speaker, originals[found].text, t.text))
            start = found + 1
    return items


@lru_cache(maxsize=4096)
def _normal(text: str) -> str:
    return " ".join(_WORDS_ONLY.findall(fold(text)))


def _containing(part: QuoteItem, candidates: Sequence[QuoteItem], reports: Mapping[int, Report]) -> QuoteItem | None:
    """The quotation among ``candidates`` (another report's) that holds ``part`` word for word,
    compared in the originals when both reports share a language, else in the target language."""
    mine = reports[part.report]
    for other in candidates:
        theirs = reports[other.report]
        if mine.language and mine.language == theirs.language and part.original and other.original:
            inner, outer = part.original, other.original
        else:
            inner = part.translated or (part.original if mine.language == mine.target else None)
            outer = other.translated or (other.original if theirs.language == theirs.target else None)
        if inner and outer and len(inner) < len(outer) and _normal(inner) in _normal(outer):
            return other
    return None


def _quote_status(quotes: list[QuoteItem], reports: Mapping[int, Report]) -> QuoteStatus:
    if len({reports[q.report].outlet for q in quotes}) == 1:
        return "only"
    originals = [q.original for q in quotes]
    if all(originals) and len({reports[q.report].language for q in quotes}) == 1:
        words = [_normal(o) for o in originals if o]
        if len(set(words)) == 1:
            return "same"
        shortest = min(words, key=len)
        if all(shortest in w for w in words):
            return "partial"
        return "different"
    return "matched"


def _speakers(reports: Sequence[Report]) -> list[SpeakerRow]:
    keys = [r.key for r in reports]
    by_key = {r.key: r for r in reports}
    groups: list[tuple[str | None, dict[int, list[QuoteItem]]]] = []
    for report in reports:
        for item in report_quotes(report)[:MAX_QUOTES]:
            group = next((g for g in groups if (g[0] is None and item.speaker is None) or (
                g[0] is not None and item.speaker is not None and same_speaker(g[0], item.speaker))), None)
            if group is None:
                group = (item.speaker, defaultdict(list))
                groups.append(group)
            group[1][report.key].append(item)
    speakers = []
    for speaker, per_report in groups:
        units = {k: per_report.get(k, []) for k in keys}
        texts = _Texts(reports, units)
        rows = []
        for members, _links in _order(_align(keys, units, texts, QUOTE_THRESHOLD, overlap=True), keys, units):
            ordered = sorted(members.items(), key=lambda kv: keys.index(kv[0]))
            quotes = [units[k][i] for k, i in ordered]
            status = _quote_status(quotes, by_key)
            if status == "only":
                # One outlet quotes a part of a longer quotation another outlet gives whole: the
                # longer one is shown beside it (it may also stand in a row of its own).
                whole = [_containing(quotes[0], per_report.get(k, []), by_key) for k in keys if k != quotes[0].report]
                if any(whole):
                    quotes += [q for q in whole if q is not None]
                    status = "partial"
            rows.append(QuoteRow(quotes=tuple(quotes),
                                 outlets=tuple(dict.fromkeys(by_key[q.report].outlet for q in quotes)),
                                 status=status))
        names = tuple(dict.fromkeys(q.speaker for qs in per_report.values() for q in qs if q.speaker))
        outlets = tuple(dict.fromkeys(by_key[k].outlet for k in keys if per_report.get(k)))
        # The name as written in the target language (an English outlet's "Grushko") reads best.
        shown = next((q.speaker for k in keys for q in per_report.get(k, [])
                      if q.speaker and by_key[k].language == by_key[k].target), speaker)
        speakers.append(SpeakerRow(speaker=shown, names=names, outlets=outlets, rows=tuple(rows)))
    # Named speakers first, most outlets first; the unattributed last.
    speakers.sort(key=lambda s: (s.speaker is None, -len(s.outlets)))
    return speakers


def compare_reports(reports: Sequence[Report], *, threshold: float = THRESHOLD) -> Comparison:
    """Align the facts and quotations of a story's reports (oldest first; the first
    ``MAX_REPORTS`` are compared, each on at most ``MAX_SENTENCES`` sentences and ``MAX_CHARS``
    characters) and flag the numbers they disagree on."""
    shown, omitted = list(reports[:MAX_REPORTS]), [r.key for r in reports[MAX_REPORTS:]]
    split = {r.key: report_sentences(r) for r in shown}
    units = {key: found for key, (found, _) in split.items()}
    cut = tuple(key for key, (_, stopped) in split.items() if stopped)
    return Comparison(
        reports=tuple(r.key for r in shown), omitted=tuple(omitted), cut=cut,
        headlines=tuple(headline(r) for r in shown),
        facts=tuple(_facts(shown, threshold, units)), speakers=tuple(_speakers(shown)), threshold=threshold,
    )


# --- revisions ------------------------------------------------------------------------------------
SIMILAR = 0.6  # character overlap above which two paragraphs are one edited paragraph (as web.diff)


def paragraph_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> ParagraphChanges:
    """Paragraphs changed, added and removed from one revision to the next: paragraphs aligned
    first, an unmatched pair that still looks alike counts as one changed paragraph."""
    a = [(b.get("text") or "") for b in _blocks(old) if (b.get("text") or "").strip()]
    b = [(b.get("text") or "") for b in _blocks(new) if (b.get("text") or "").strip()]
    changed = added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        gone, come = a[i1:i2], b[j1:j2]
        while gone and come and difflib.SequenceMatcher(None, gone[0], come[0]).quick_ratio() >= SIMILAR:
            gone.pop(0)
            come.pop(0)
            changed += 1
        removed += len(gone)
        added += len(come)
    title_changed = ((old or {}).get("title") or "") != ((new or {}).get("title") or "")
    return ParagraphChanges(title_changed=title_changed, changed=changed, added=added, removed=removed)
