"""Quality checks of a translated block: cheap, explainable flags stored with each revision.

Each check compares one source block with its translation and says what a reader should know:
the text was left in the source language, a number went missing, quotation marks are broken,
the length is implausible, or nothing came out at all.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from babelwire.translate.typography import scan_quotes

FLAG_DESCRIPTIONS: dict[str, str] = {
    "empty": "the translation is empty although the original is not",
    "untranslated": "the translation is still (mostly) in the original language, or copies it",
    "untranslated_words": "words of the original were left untranslated",
    "numbers": "a number of the original is missing or changed in the translation",
    "quotes": "quotation marks are unbalanced, or the number of quotations differs from the original",
    "length_ratio": "the translation is much shorter or longer than translations usually are",
}

# Typical length of a text in a language relative to the same text in English (characters),
# from parallel news corpora; a pair's expected ratio is target / source.
_RELATIVE_LENGTH: dict[str, float] = {
    "en": 1.0, "fr": 1.15, "de": 1.12, "es": 1.12, "it": 1.12, "pt": 1.1, "nl": 1.1, "ru": 1.05,
    "uk": 1.05, "pl": 1.05, "sv": 1.0, "tr": 1.0, "ar": 0.85, "fa": 0.85, "he": 0.8, "zh": 0.3,
    "ja": 0.45, "ko": 0.45,
}
# length_ratio fires when observed/expected leaves [MIN_RATIO, MAX_RATIO] on a block of at least
# MIN_LENGTH_CHARS source characters; short blocks (titles, datelines) vary too much to judge.
MIN_RATIO = 0.5
MAX_RATIO = 2.0
MIN_LENGTH_CHARS = 40
# Only prose is judged untranslated: this many letters and words in lower case. Names-only lines
# ("Jens Stoltenberg, Wendy Sherman") legitimately come out unchanged and look like any language.
MIN_PROSE_LETTERS = 20
MIN_PROSE_LOWER_WORDS = 3

# untranslated fires when the translation copies a prose source, or when lingua, asked "source
# or target language?", gives the source at least this confidence on a prose translation.
# A two-language detector answers exactly that question in ~0.1 ms per block; the 75-language
# one of extract.language needs seconds to load its models on a busy machine and may wander off
# to a third language on the Spanish leftovers of a pivoted Apertium translation.
MIN_SOURCE_CONFIDENCE = 0.6

# untranslated_words fires when the translation keeps, in lower case, a word of the source of at
# least MIN_WORD_LETTERS letters that lingua, asked "source or target language?" of that word
# alone, gives to the source with at least MIN_WORD_CONFIDENCE: "la politique d'« endiguement »"
# coming out as "the politics of “endiguement”". Shared words ("situation", "tensions",
# "continent") score 0.4–0.7 and pass; names are capitalised and pass.
MIN_WORD_LETTERS = 4
MIN_WORD_CONFIDENCE = 0.9
_LOWER_WORD = re.compile(rf"(?<![\w'’-])[^\W\d_A-Z]{{{MIN_WORD_LETTERS},}}(?:-[^\W\d_]+)*(?![\w'’-])")

# 1 000 / 1,000 / 1.000 / 3,5 / 3.5 / 2022: groups of three after a separator are thousands.
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f\u2009.,]\d{3})+(?![\d])(?:[.,]\d+)?"  # grouped thousands
    r"|\d+(?:[.,]\d+)?"
)

# Small numbers written out in words: "30 pays" may become "thirty countries".
_NUMBER_WORDS: dict[str, int] = {}
for _lang_words in (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty",
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "dix-sept dix-huit dix-neuf vingt",
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
    "fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig",
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte",
):
    _NUMBER_WORDS.update({word: n for n, word in enumerate(_lang_words.split())})
_NUMBER_WORDS.update({"a": 1, "an": 1, "une": 1, "ein": 1, "eine": 1, "una": 1})
for _tens, _words in {30: "thirty trente dreißig treinta", 40: "forty quarante vierzig cuarenta",
                      50: "fifty cinquante fünfzig cincuenta", 60: "sixty soixante sechzig sesenta",
                      100: "hundred cent hundert cien", 1000: "thousand mille tausend mil"}.items():
    _NUMBER_WORDS.update({word: _tens for word in _words.split()})


def _values(token: str) -> set[float]:
    """Every value the written number can mean (1,000 is 1000 in English, 1.0 in French)."""
    digits = re.sub(r"[ \u00a0\u202f\u2009]", "", token)
    values: set[float] = set()
    for thousands, decimal in ((",", "."), (".", ",")):
        candidate = digits.replace(thousands, "").replace(decimal, ".")
        with contextlib.suppress(ValueError):  # "1.000.5" means nothing under one reading
            values.add(float(candidate))
    if re.fullmatch(r"\d+[.,]\d+", digits):
        values.add(float(digits.replace(",", ".")))
    return values


def numbers_in(text: str) -> list[set[float]]:
    """The numbers written with digits in the text, each as the set of values it can mean."""
    return [_values(match.group()) for match in _NUMBER.finditer(text)]


def _word_values(text: str) -> set[float]:
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.lower())
    return {float(_NUMBER_WORDS[w]) for w in words if w in _NUMBER_WORDS}


def missing_numbers(source: str, translation: str) -> list[str]:
    """Numbers of the source found nowhere in the translation (digits or small number words)."""
    found: set[float] = set().union(*numbers_in(translation)) | _word_values(translation)
    missing = []
    for match in _NUMBER.finditer(source):
        if not _values(match.group()) & found:
            missing.append(match.group())
    return missing


@functools.lru_cache(maxsize=32)
def _pair_detector(source: str, target: str) -> LanguageDetector | None:
    # lru_cache shares one detector per pair across threads; lingua's detectors are immutable.
    try:
        languages = [Language.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in (source, target)]
    except ValueError:
        return None  # a language lingua does not know: only the copy check applies
    return LanguageDetectorBuilder.from_languages(*languages).build()


def source_language_share(text: str, source: str, target: str) -> float | None:
    """How sure lingua is that the text is in the source rather than the target language."""
    if not _is_prose(text):
        return None
    scorer = _source_scorer(_language(source), _language(target))
    return None if scorer is None else scorer(text)


def _source_scorer(source: str, target: str) -> Callable[[str], float] | None:
    """text → lingua's confidence that it is in ``source`` rather than ``target`` (None when
    lingua does not know one of them)."""
    detector = _pair_detector(source, target)
    if detector is None:
        return None
    language = Language.from_iso_code_639_1(IsoCode639_1.from_str(source))
    return functools.partial(detector.compute_language_confidence, language=language)


def untranslated_words(source: str, translation: str, source_lang: str, target_lang: str) -> list[str]:
    """Lower-case words of the source that the translation kept and that read as source-language
    words (lingua restricted to the two languages), in order of appearance."""
    src, tgt = _language(source_lang), _language(target_lang)
    scorer = _source_scorer(src, tgt) if src != tgt else None
    if scorer is None:
        return []
    source_words = {w.casefold() for w in _LOWER_WORD.findall(source)}
    candidates = dict.fromkeys(w for w in _LOWER_WORD.findall(translation)
                               if w.islower() and w.casefold() in source_words)
    return [word for word in candidates if scorer(word) >= MIN_WORD_CONFIDENCE]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _is_prose(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    lower_words = sum(1 for word in text.split() if word[:1].islower())
    return letters >= MIN_PROSE_LETTERS and lower_words >= MIN_PROSE_LOWER_WORDS


def _copied(source: str, translation: str) -> bool:
    return _fold(source) == _fold(translation) and _is_prose(source)


def _language(code: str) -> str:
    return (code or "").lower().replace("_", "-").split("-")[0]


def expected_ratio(source_lang: str, target_lang: str) -> float:
    """Typical length of a translation divided by the length of its source, in characters."""
    return _RELATIVE_LENGTH.get(_language(target_lang), 1.0) / _RELATIVE_LENGTH.get(
        _language(source_lang), 1.0
    )


def check_block(source: str, translation: str, source_lang: str, target_lang: str) -> list[str]:
    """The quality flags of one translated block (names from FLAG_DESCRIPTIONS), in a stable order."""
    if not source.strip():
        return []
    if not translation.strip():
        return ["empty"]
    flags: list[str] = []
    src, tgt = _language(source_lang), _language(target_lang)
    if src != tgt:
        share = source_language_share(translation, src, tgt)
        if _copied(source, translation) or (share is not None and share >= MIN_SOURCE_CONFIDENCE):
            flags.append("untranslated")
        elif untranslated_words(source, translation, src, tgt):
            flags.append("untranslated_words")
    if missing_numbers(source, translation):
        flags.append("numbers")
    source_quotes, target_quotes = scan_quotes(source), scan_quotes(translation)
    if not target_quotes.balanced or (
        source_quotes.balanced and source_quotes.quotations != target_quotes.quotations
    ):
        flags.append("quotes")
    if len(source.strip()) >= MIN_LENGTH_CHARS:
        ratio = len(translation.strip()) / len(source.strip()) / expected_ratio(src, tgt)
        if not MIN_RATIO <= ratio <= MAX_RATIO:
            flags.append("length_ratio")
    return flags


def describe(flags: Iterable[str]) -> list[str]:
    """One human sentence per flag, for readers and the CLI."""
    return [FLAG_DESCRIPTIONS.get(flag, flag) for flag in flags]
