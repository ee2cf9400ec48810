"""The text normalisation OPUS-MT models were trained with, applied before SentencePiece.

Every OPUS-MT release ships a ``preprocess.sh`` (OPUS-MT-train's scripts/preprocess-spm.sh):

1. a ``sed`` table taken from Moses' ``replace-unicode-punctuation.perl``: full-width CJK
   punctuation and digits to ASCII, curly double quotes to ``"``, ``’`` to ``'``, ``…`` to ``...``;
2. ``perl -pe 's/\\p{C}/ /g'`` (Moses' ``remove-non-printing-char.perl``): every control, format,
   private-use or unassigned character becomes a space;
3. removal of the zero-width characters U+200B, U+2060 and U+FEFF;
4. spaces squeezed, and trimmed at both ends.

The Hugging Face ``MarianTokenizer`` applies Moses' ``normalize-punctuation.perl`` instead
(through sacremoses). Its language-independent character rules are added here: French
guillemets and German low quotes to ``"``, dashes to ``-``, single quotes to ``'``, and the
no-break spaces French typography puts before ``: ; ! ? %`` removed. Its language-dependent
rules are not: they move quotes around commas and turn the no-break space of "1 000" into a
comma or a full stop depending on the language, which changes what numbers mean.

Deliberate departures from ``preprocess.sh``, each noted where it is made: the script maps the
full-width digit one (``１``) to ``"`` (a typo inherited from the Moses table), here it becomes
``1``; zero-width characters and the soft hyphen are removed *before* step 2 (the script turns
them into spaces, splitting "Ma\\u00adcron" into two words), and other Unicode spaces become plain
spaces (SentencePiece's NFKC normalisation would do the same).
"""

from __future__ import annotations

import re
import unicodedata

#: The sed table of preprocess.sh, in its order (single characters; the two "full stop followed
#: by spaces" rules are regular expressions below).
_SED_TABLE = {
    "，": ",", "、": ",", "”": '"', "“": '"', "∶": ":", "：": ":", "？": "?", "《": '"', "》": '"',
    "）": ")", "！": "!", "（": "(", "；": ";",
    "１": "1",  # preprocess.sh says '"' here: a typo copied from Moses, not a normalisation
    "」": '"', "「": '"', "０": "0", "３": "3", "２": "2", "５": "5", "６": "6", "９": "9",
    "７": "7", "８": "8", "４": "4", "～": "~", "’": "'", "…": "...", "━": "-", "〈": "<",
    "〉": ">", "【": "[", "】": "]", "％": "%",
}
_FULL_STOPS = re.compile(r"[。．] *")

#: normalize-punctuation.perl's character rules that do not depend on the language.
_MOSES_TABLE = {"„": '"', "–": "-", "—": " - ", "´": "'", "‘": "'", "‚": "'"}
_MOSES_PAIRS = re.compile(r"''|´´")
_SPACES = "\u00a0\u2009\u202f"  # no-break, thin and narrow no-break space
_GUILLEMET_OPEN = re.compile(rf"«[ {_SPACES}]*")
_GUILLEMET_CLOSE = re.compile(rf"[ {_SPACES}]*»")
_SPACE_BEFORE_PUNCTUATION = re.compile(rf"[{_SPACES}]+([:;!?%])")

#: Removed outright rather than turned into a space: zero-width space, word joiner, byte order
#: mark (preprocess.sh step 3) and the soft hyphen (invisible inside words in scraped HTML).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
_TRANSLATE = str.maketrans({**_SED_TABLE, **_MOSES_TABLE}) | _INVISIBLE
_RUNS_OF_SPACES = re.compile(r" {2,}")


def _printable(text: str) -> str:
    """Control/format/private/unassigned characters (Unicode category C) and every space other
    than U+0020 become a space."""
    if text.isprintable():  # False exactly when there is a category C or Z character other than " "
        return text
    return "".join(
        " " if (category := unicodedata.category(ch))[0] == "C" or (category[0] == "Z" and ch != " ") else ch
        for ch in text
    )


def normalize_for_marian(text: str) -> str:
    """``text`` normalised the way OPUS-MT's preprocess.sh (plus Moses' language-independent
    punctuation rules) normalises a sentence before SentencePiece encodes it."""
    text = _FULL_STOPS.sub(". ", text)
    text = _MOSES_PAIRS.sub('"', text.translate(_TRANSLATE))
    text = _GUILLEMET_OPEN.sub('"', text)
    text = _GUILLEMET_CLOSE.sub('"', text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    text = _printable(text)
    return _RUNS_OF_SPACES.sub(" ", text).strip()
