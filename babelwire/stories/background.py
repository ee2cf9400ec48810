"""Background document frequencies: how common a word is in news-like text of its language, so
that term weights mean something in a young store (two articles, a new language, a quiet night).

Grouping weighs a shared word by how rare it is. Counted only over the candidate stories, "the",
"Otan" and "Grouchko" look alike when there are three of them; against a background table "Otan"
is uncommon and "Grouchko" unseen, so two reports of one meeting meet from the second article.
Candidate stories still count (:func:`babelwire.stories.representation.idf_weights`): the table is
a prior worth :data:`PRIOR_DOCUMENTS` documents, which a busy store's own counts outweigh.

The tables (``data/background/<lang>.tsv.gz``: term, then its word frequency as centi-Zipf,
100 × (log10 of occurrences per billion words)) are derived from the wordfreq 3.1 lists
(Robyn Speer; sources: NewsCrawl 2014 and GlobalVoices news, Wikipedia, OpenSubtitles/SUBTLEX,
Google Books, OSCAR web text, Twitter, Reddit), under CC BY-SA 4.0 like their source
(``data/background/LICENSE.md``). Terms are normalised exactly as the grouping normalises words
(:func:`babelwire.stories.representation.term_key`). Rebuild with
``python -m babelwire.stories.background``.
"""

from __future__ import annotations

import gzip
import math
import sys
import threading
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "background"
#: Languages with a table: those of the usual OPUS-MT pairs with space-separated words.
LANGUAGES = ("ar", "cs", "da", "de", "el", "en", "es", "fi", "fr", "hu", "it", "nl", "pl", "pt", "ro", "ru",
             "sv", "tr", "uk")
MIN_FREQUENCY = 1e-6  # rarer words are not kept: they weigh as "unseen"
TOKENS_PER_DOCUMENT = 150  # what grouping reads of an article: title and lead
#: A word absent from the table is taken to occur in one document in ten thousand (a name, a rare word).
UNSEEN = 1e-4
_lock = threading.Lock()


def document_probability(frequency: float, tokens: int = TOKENS_PER_DOCUMENT) -> float:
    """The share of ``tokens``-word documents containing a word of that frequency (Poisson)."""
    return -math.expm1(-frequency * tokens)


@cache
def table(language: str) -> dict[str, float] | None:
    """term → share of documents containing it, for a language with a table (None otherwise)."""
    path = DATA / f"{language}.tsv.gz"
    if not path.exists():
        return None
    with _lock, gzip.open(path, "rt", encoding="utf-8") as lines:
        found = {}
        for line in lines:
            term, _, zipf = line.rstrip("\n").partition("\t")
            found[term] = document_probability(10 ** (int(zipf) / 100 - 9))
    return found


def probability(language: str | None, term: str) -> float | None:
    """Share of background documents containing ``term`` (``@entity`` terms: their rarest word);
    None when the language has no table."""
    known = table(language) if language else None
    if known is None:
        return None
    words = term[1:].split() if term.startswith("@") else [term]
    return min((known.get(word, UNSEEN) for word in words), default=UNSEEN)


def build(folder: Path = DATA, languages: tuple[str, ...] = LANGUAGES) -> dict[str, int]:
    """Write the tables from wordfreq's lists (a development step: wordfreq is a dependency of
    babelwire's quality checks); terms per language."""
    from wordfreq import get_frequency_dict

    from babelwire.stories.representation import WORD, term_key

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for language in languages:
        totals: dict[str, float] = {}
        for word, frequency in get_frequency_dict(language, wordlist="best").items():
            if WORD.fullmatch(word):
                key = term_key(word)
                totals[key] = totals.get(key, 0.0) + frequency
        kept = sorted((key, f) for key, f in totals.items() if f >= MIN_FREQUENCY)
        body = "".join(f"{key}\t{round((math.log10(f) + 9) * 100)}\n" for key, f in kept)
        with gzip.GzipFile(folder / f"{language}.tsv.gz", "wb", compresslevel=9, mtime=0) as out:
            out.write(body.encode("utf-8"))
        written[language] = len(kept)
    table.cache_clear()
    return written


if __name__ == "__main__":
    for language, count in build().items():
        print(f"{language}: {count} terms", file=sys.stderr)
