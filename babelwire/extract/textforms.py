"""The comparable forms of a text that the filters match on."""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """Lowercase, NFKC, straight apostrophes, single spaces: the form patterns are written for."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("ʼ", "'")
    return " ".join(text.split()).lower()


class _Separators(dict[int, str]):
    """str.translate table: punctuation, symbols, separators and controls become spaces, other
    characters stay; filled as characters are met (translate runs in C, a generator would not)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = " " if unicodedata.category(char)[0] in "PSZC" else char
        self[code] = value
        return value


_SEPARATORS = _Separators()


def comparable(text: str) -> str:
    """Text reduced to lowercase words: punctuation, quotes and slug hyphens become spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS).split())


def slug_form(text: str) -> str:
    """The words of a text as a URL slug writes them: ``comparable`` without accents
    ("Otan-Russie: malgré des divergences" → "otan russie malgre des divergences")."""
    decomposed = unicodedata.normalize("NFKD", comparable(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def letters(text: str) -> int:
    """How many letters a text has (the measure of how much article a block holds)."""
    return sum(map(str.isalpha, text))


_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi",
                      "ye", "g"],
                     strict=True))
_DIGRAPHS = (("shch", "s"), ("sch", "s"), ("kh", "h"), ("zh", "z"), ("ts", "c"), ("tz", "c"), ("ch", "c"),
             ("sh", "s"), ("x", "h"))
_SOFT = str.maketrans("", "", "aeiouyjwh'")


def consonant_skeleton(text: str) -> str:
    """The words of a text reduced to their consonants, after transliterating Cyrillic: the form in
    which a Russian headline and its Latin URL slug agree whatever the transliteration scheme
    ("Сборная России" and "sbornaya rossii" both give "sbrn rs")."""
    words = []
    for word in slug_form(text).split():
        latin = "".join(_CYRILLIC.get(ch, ch) for ch in word)
        for digraph, single in _DIGRAPHS:
            latin = latin.replace(digraph, single)
        skeleton = latin.translate(_SOFT)
        words.append("".join(ch for i, ch in enumerate(skeleton) if i == 0 or ch != skeleton[i - 1]) or "-")
    return " ".join(words)
