"""Quality checks of a translated block: cheap, explainable flags stored with each revision.

Each check compares one source block with its translation and says what a reader should know:
the text was left in the source language, a number went missing, quotation marks are broken,
the length is implausible, or nothing came out at all. Every flag carries its evidence
(``check_block_evidence``): the words left untranslated, the numbers missing, the quotation marks
counted, the length ratio observed; ``describe_finding`` renders a flag and its evidence as one
line for readers ("left untranslated: endiguement, dépens").
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from babelwire.flags import FLAG_DESCRIPTIONS, describe, describe_finding, describe_findings
from babelwire.translate.typography import scan_quotes

__all__ = ["FLAG_DESCRIPTIONS", "describe", "describe_finding", "describe_findings"]


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
# ... and only when at least this share of the translation's lower-case words are words of the
# source. lingua's two-language confidence is swayed by a few strongly French words among many
# English ones ("The épave of the corsaire, to the dépens of Fortuné Dupont…" reads 83% French):
# such a block was translated, with words left, and gets untranslated_words naming them. An
# engine that answered in the source language repeats most of the source's words (le, de, la…).
MIN_SOURCE_WORD_SHARE = 0.4
_LOWER_WORDS = re.compile(r"(?<![\w'’-])[^\W\d_A-Z]+(?![\w-])")

# untranslated_words fires when the translation keeps, in lower case, a word of the source of at
# least MIN_WORD_LETTERS letters that lingua, asked "source or target language?" of that word
# alone, gives to the source with at least MIN_WORD_CONFIDENCE: "la politique d'« endiguement »"
# coming out as "the politics of “endiguement”". Shared words ("situation", "tensions",
# "continent") score 0.4–0.7 and pass; names are capitalised and pass.
MIN_WORD_LETTERS = 4
MIN_WORD_CONFIDENCE = 0.9
_LOWER_WORD = re.compile(rf"(?<![\w'’-])[^\W\d_A-Z]{{{MIN_WORD_LETTERS},}}(?:-[^\W\d_]+)*(?![\w'’-])")

# untranslated_words also fires on words of neither language of the pair that leak from a pivot:
# Apertium translates fr→en through Spanish and leaves "Ginebra", "Bretaña", "tentativas",
# "enseñantes" or "hainsistido" in English output. wordfreq's frequency lists (Zipf scale:
# log10 of uses per billion words; the large lists stop at 1.0) judge each word of the
# translation against the target and the languages a leak may come from (FOREIGN_LANGUAGES
# and the source, never the target):
# - a lower-case word the target's list does not know at all, used at least MIN_FOREIGN_ZIPF
#   in another language ("tentativas": en 0, pt 4.3; "enseñantes": en 0, es 1.9). Loan words
#   readers know are in the English list ("détente" 2.3, "junta" 3.3, "laïcité" 1.3) and pass;
# - a capitalised word that is not in the source, rare in the target (at most
#   MAX_NAME_TARGET_ZIPF) and common in a third language (at least MIN_NAME_FOREIGN_ZIPF and
#   MIN_NAME_MARGIN above the target) but not in the source language: "Ginebra" (en 2.3, ca 4.1,
#   fr 1.1) for "Genève", "Bretaña" (en 0, es 4.1) for "Bretagne". Real names come from the
#   source and are skipped; when the source is in another script (names transliterated, never
#   found in it), capitalised words are not judged;
# - a word no list knows that is a frequent word glued to a word of one language
#   (MIN_GLUE_PREFIX_ZIPF, MIN_GLUE_WORD_ZIPF): "hainsistido" = "ha" + "insistido".
# A list is loaded (~30 MB each, ~240 MB for all seven) only when a word needs it.
# Measured: no word flagged on the 47 human-translated blocks of babelwire/evaluate/data/stories-dev nor
# on its 159 English blocks (tests/translate/test_quality.py); on 51 French news blocks
# translated by Apertium fr→en, 19 blocks name words left (8 with the source-word check alone),
# all of them French or Spanish: "Ginebra", "Bretaña", "enseñantes", "migrantes", "épave"...
# A name absent from the source and common in a third language ("Borrell", Catalan) would be
# flagged; real names come from the source block, so this needs a translation that adds one.
FOREIGN_LANGUAGES = ("es", "pt", "it", "ca", "fr", "de")
# Languages whose wordfreq list is large (words down to Zipf 1) and written with cased letters:
# targets the check can judge (others skip it).
_WORDFREQ_TARGETS = frozenset(
    {"en", "es", "pt", "it", "ca", "fr", "de", "nl", "sv", "nb", "fi", "pl", "cs", "ru", "uk", "mk"}
)
MIN_FOREIGN_ZIPF = 1.5
MAX_NAME_TARGET_ZIPF = 2.5
MIN_NAME_FOREIGN_ZIPF = 3.5
MIN_NAME_MARGIN = 1.0
MAX_NAME_SOURCE_ZIPF = 1.5
MIN_GLUE_PREFIX_ZIPF = 4.5
MIN_GLUE_WORD_ZIPF = 2.5
# Words and hyphenated compounds ("contre-productives" is judged on each part); handles, hashtags,
# addresses and e-mails are taken out first.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_NOT_PROSE = re.compile(r"\S*(?:[@#/\\]|://|www\.)\S*")

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


def _zipf(word: str, lang: str) -> float:
    """How often ``word`` is used in ``lang``, on the Zipf scale (0 = not in the list).

    wordfreq (code Apache-2.0; its word lists CC-BY-SA 4.0, built from Wikipedia, subtitles, news,
    books, web text, Twitter and Reddit) knows ~40 languages: the "is this an English word?" of the
    pivot-leak check. Imported here, not at the top: it takes 0.3 s, which the reader and most
    commands, which import this module for the flag descriptions, need not pay.
    """
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


def _script(char: str) -> str:
    """The Unicode script of a letter (LATIN, CYRILLIC, GREEK...)."""
    return unicodedata.name(char, "").split(" ")[0]


def _script_share(text: str, script: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if _script(ch) == script) / len(letters) if letters else 0.0


def _cased(part: str) -> str | None:
    """How a word is written: "lower", "title" (capitalised), or None (acronyms, mixed case)."""
    if part.islower():
        return "lower"
    if part[:1].isupper() and (len(part) == 1 or part[1:].islower()):
        return "title"
    return None


def _unaccented(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(ch))


def _in_source(name: str, source_words: set[str]) -> bool:
    """Whether a capitalised word comes from the source, accents aside and declined or not
    (Polish "Borrella", Finnish "Borrellin" for "Borrell")."""
    key = _unaccented(name)
    return key in source_words or any(word.startswith(key) for word in source_words)


def _glued(word: str, target: str, others: list[str]) -> bool:
    """A word no list knows that is a frequent word of some language glued to a word of the same
    language that the target does not have: Apertium's "hainsistido" (ha + insistido)."""
    word = word.casefold()
    for cut in range(2, len(word) - MIN_WORD_LETTERS + 1):
        head, tail = word[:cut], word[cut:]
        if _zipf(tail, target) > 0:
            continue
        for lang in others:
            if _zipf(tail, lang) >= MIN_GLUE_WORD_ZIPF and _zipf(head, lang) >= MIN_GLUE_PREFIX_ZIPF:
                return True
    return False


def _foreign_part(part: str, target: str, others: list[str], source_lang: str, *, capitalised: bool) -> bool:
    """Whether one word (or one part of a hyphenated word) is another language's, not the target's.
    Lists are consulted in order and only as far as needed: each costs ~30 MB once loaded."""
    target_zipf = _zipf(part, target)
    if not capitalised:
        if target_zipf > 0:
            return False
        languages, needed, unknown = others, MIN_FOREIGN_ZIPF, True
    else:
        if target_zipf > MAX_NAME_TARGET_ZIPF:
            return False
        source_zipf = _zipf(part, source_lang) if source_lang in others else 0.0
        if source_zipf > MAX_NAME_SOURCE_ZIPF:
            return False  # a name of the source's language, from elsewhere in the article
        languages = [lang for lang in others if lang != source_lang]
        needed = max(MIN_NAME_FOREIGN_ZIPF, target_zipf + MIN_NAME_MARGIN)
        unknown = target_zipf == 0 and source_zipf == 0
    for lang in languages:
        frequency = _zipf(part, lang)
        if frequency >= needed:
            return True
        unknown = unknown and frequency == 0
    return unknown and len(part) > MIN_WORD_LETTERS + 1 and _glued(part, target, languages)


def foreign_words(source: str, translation: str, source_lang: str, target_lang: str) -> list[str]:
    """Words of the translation that are not target-language words but clearly another
    language's (the source's or a pivot's: Apertium fr→en leaves Spanish "Ginebra",
    "tentativas", "hainsistido"), judged with wordfreq's lists; in order of appearance."""
    src, tgt = _language(source_lang), _language(target_lang)
    if src == tgt or tgt not in _WORDFREQ_TARGETS:
        return []
    others = list(dict.fromkeys(lang for lang in (src, *FOREIGN_LANGUAGES)
                                if lang != tgt and lang in _WORDFREQ_TARGETS))
    source_words = {_unaccented(w) for w in re.findall(r"[^\W\d_]+", source)}
    names_judged: dict[str, bool] = {}  # script → whether the source is mostly written in it
    found: dict[str, None] = {}
    seen: set[str] = set()
    for word in _WORD.findall(_NOT_PROSE.sub(" ", unicodedata.normalize("NFC", translation))):
        key = word.casefold()
        if key in seen:
            continue
        seen.add(key)
        for part in word.split("-"):
            case = _cased(part)
            if case is None or len(part) < MIN_WORD_LETTERS:
                continue
            if case == "title":
                script = _script(part[0])
                if script not in names_judged:
                    names_judged[script] = _script_share(source, script) >= 0.5
                if not names_judged[script] or _in_source(part, source_words):
                    continue
            if _foreign_part(part, tgt, others, src, capitalised=case == "title"):
                found[word] = None
                break
    return list(found)


def left_untranslated(source: str, translation: str, source_lang: str, target_lang: str) -> list[str]:
    """The evidence of untranslated_words: source words kept (``untranslated_words``) and words
    of another language (``foreign_words``), each once, in order of appearance."""
    words = untranslated_words(source, translation, source_lang, target_lang)
    words += foreign_words(source, translation, source_lang, target_lang)
    unique = {w.casefold(): w for w in reversed(words)}

    def position(word: str) -> int:
        match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", translation)
        return match.start() if match else len(translation)

    return sorted(unique.values(), key=position)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _is_prose(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    lower_words = sum(1 for word in text.split() if word[:1].islower())
    return letters >= MIN_PROSE_LETTERS and lower_words >= MIN_PROSE_LOWER_WORDS


def _source_word_share(source: str, translation: str) -> float:
    """The share of the translation's lower-case words (elisions split: l'issue → issue) that are
    words of the source."""
    def words(text: str) -> list[str]:
        return [w.casefold() for w in _LOWER_WORDS.findall(re.sub(r"\b\w{1,2}['’]", " ", text)) if w.islower()]

    source_words, kept = set(words(source)), words(translation)
    return sum(w in source_words for w in kept) / len(kept) if kept else 0.0


def _copied(source: str, translation: str) -> bool:
    return _fold(source) == _fold(translation) and _is_prose(source)


def _language(code: str) -> str:
    return (code or "").lower().replace("_", "-").split("-")[0]


def expected_ratio(source_lang: str, target_lang: str) -> float:
    """Typical length of a translation divided by the length of its source, in characters."""
    return _RELATIVE_LENGTH.get(_language(target_lang), 1.0) / _RELATIVE_LENGTH.get(
        _language(source_lang), 1.0
    )


def _language_name(code: str) -> str:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name.title()
    except ValueError:
        return code


_UNIT_AFTER = re.compile(r"[ \u00a0\u202f]?(?:%|‰|€|\$|£|°C|°)")
_UNIT_BEFORE = re.compile(r"[$£€¥]\s?$")


def _number_evidence(source: str, translation: str) -> list[str]:
    """The numbers of the source missing from the translation, as written, with their unit or
    currency sign when one is attached ("2,3 %", "$40")."""
    missing = set(missing_numbers(source, translation))
    evidence: dict[str, None] = {}
    for match in _NUMBER.finditer(source):
        if match.group() not in missing:
            continue
        before = _UNIT_BEFORE.search(source, 0, match.start())
        after = _UNIT_AFTER.match(source, match.end())
        evidence[(before.group().strip() if before else "") + match.group() + (after.group() if after else "")] = None
    return list(evidence)


def _quote_evidence(source: str, translation: str) -> list[str]:
    source_quotes, target_quotes = scan_quotes(source), scan_quotes(translation)
    if not target_quotes.balanced:
        def counts(marks: list) -> str:
            opening = sum(1 for m in marks if m.opening)
            return f"{opening} opening, {len(marks) - opening} closing"

        unpaired = " ".join(m.char for m in target_quotes.marks if not m.paired)
        return [counts(target_quotes.marks), f"unpaired {unpaired}", f"original: {counts(source_quotes.marks)}"]
    if source_quotes.balanced and source_quotes.quotations != target_quotes.quotations:
        n = source_quotes.quotations
        return [f"{n} quotation{'s' if n != 1 else ''} in the original, "
                f"{target_quotes.quotations} in the translation"]
    return []


def _ratio(value: float) -> str:
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def check_block_evidence(source: str, translation: str, source_lang: str, target_lang: str, *,
                         glossary: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """The quality flags of one translated block, each with its evidence (flag → strings), in a
    stable order: the words left untranslated, the numbers missing, the quotation marks counted,
    the length ratio observed against the expected one, the glossary terms not respected."""
    if not source.strip():
        return {}
    if not translation.strip():
        return {"empty": [f"original: {len(source.strip())} characters"]}
    found: dict[str, list[str]] = {}
    src, tgt = _language(source_lang), _language(target_lang)
    if src != tgt:
        share = source_language_share(translation, src, tgt)
        if _copied(source, translation):
            found["untranslated"] = ["copied unchanged"]
        elif share is not None and share >= MIN_SOURCE_CONFIDENCE and _source_word_share(source, translation) \
                >= MIN_SOURCE_WORD_SHARE:
            found["untranslated"] = [f"{share:.0%} {_language_name(src)}"]
        elif words := left_untranslated(source, translation, src, tgt):
            found["untranslated_words"] = words
    if numbers := _number_evidence(source, translation):
        found["numbers"] = numbers
    if quotes := _quote_evidence(source, translation):
        found["quotes"] = quotes
    if len(source.strip()) >= MIN_LENGTH_CHARS:
        expected = expected_ratio(src, tgt)
        observed = len(translation.strip()) / len(source.strip())
        if not MIN_RATIO <= observed / expected <= MAX_RATIO:
            found["length_ratio"] = [f"{_ratio(observed / expected)}× the expected",
                                     f"translation/original {observed:.2f}, usual {expected:.2f}"]
    if glossary:
        from babelwire.translate.glossary import glossary_violations

        if missing := glossary_violations(source, translation, glossary):
            found["glossary"] = [f"{term} → {glossary.get(term, '?')}" for term in missing]
    return found


def check_block(source: str, translation: str, source_lang: str, target_lang: str) -> list[str]:
    """The quality flags of one translated block (names from FLAG_DESCRIPTIONS), in a stable order."""
    return list(check_block_evidence(source, translation, source_lang, target_lang))
