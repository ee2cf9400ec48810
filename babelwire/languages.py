"""Languages: the codes babelwire accepts, their names, and checking what a user typed.

One table for the whole program. A language is known when babelwire can do something with it:
lingua detects it, or a translation model family (NLLB-200, OPUS-MT) serves it. Codes are
ISO 639-1 (``fr``), optionally with a region or script subtag (``pt-BR``, ``zh-Hant``), which
is kept for engines that care (DeepL, NLLB's Traditional Chinese) and ignored elsewhere.
"""

from __future__ import annotations

import functools
import re

# Names of the languages lingua does not detect but translation models serve (NLLB-200).
_EXTRA_NAMES = {
    "am": "Amharic", "fa": "Persian", "km": "Khmer", "ml": "Malayalam", "my": "Burmese",
    "ne": "Nepali", "no": "Norwegian", "ps": "Pashto", "si": "Sinhala", "uz": "Uzbek",
    "hy": "Armenian", "ka": "Georgian", "te": "Telugu", "ta": "Tamil", "gu": "Gujarati",
}
#: ISO 639-1 → FLORES-200 code used by NLLB-200. The one table of NLLB language codes.
NLLB_CODES: dict[str, str] = {
    "af": "afr_Latn", "am": "amh_Ethi", "ar": "arb_Arab", "az": "azj_Latn", "be": "bel_Cyrl",
    "bg": "bul_Cyrl", "bn": "ben_Beng", "bs": "bos_Latn", "ca": "cat_Latn", "cs": "ces_Latn",
    "cy": "cym_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn",
    "es": "spa_Latn", "et": "est_Latn", "eu": "eus_Latn", "fa": "pes_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "ga": "gle_Latn", "gl": "glg_Latn", "gu": "guj_Gujr", "ha": "hau_Latn",
    "he": "heb_Hebr", "hi": "hin_Deva", "hr": "hrv_Latn", "hu": "hun_Latn", "hy": "hye_Armn",
    "id": "ind_Latn", "is": "isl_Latn", "it": "ita_Latn", "ja": "jpn_Jpan", "ka": "kat_Geor",
    "kk": "kaz_Cyrl", "km": "khm_Khmr", "ko": "kor_Hang", "lt": "lit_Latn", "lv": "lvs_Latn",
    "mk": "mkd_Cyrl", "ml": "mal_Mlym", "mr": "mar_Deva", "ms": "zsm_Latn", "my": "mya_Mymr",
    "nb": "nob_Latn", "ne": "npi_Deva", "nl": "nld_Latn", "no": "nob_Latn", "pa": "pan_Guru",
    "pl": "pol_Latn", "ps": "pbt_Arab", "pt": "por_Latn", "ro": "ron_Latn", "ru": "rus_Cyrl",
    "si": "sin_Sinh", "sk": "slk_Latn", "sl": "slv_Latn", "so": "som_Latn", "sq": "als_Latn",
    "sr": "srp_Cyrl", "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml", "te": "tel_Telu",
    "th": "tha_Thai", "tl": "tgl_Latn", "tr": "tur_Latn", "uk": "ukr_Cyrl", "ur": "urd_Arab",
    "uz": "uzn_Latn", "vi": "vie_Latn", "yo": "yor_Latn", "zh": "zho_Hans", "zu": "zul_Latn",
}
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@functools.cache
def language_names() -> dict[str, str]:
    """ISO 639-1 code → English name of every language babelwire knows, sorted by code."""
    from lingua import Language

    names = {lang.iso_code_639_1.name.lower(): lang.name.title() for lang in Language.all()}
    names |= {"fa": "Persian", "nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk", "el": "Greek"}
    for code in NLLB_CODES:
        names.setdefault(code, _EXTRA_NAMES.get(code, code))
    for code, name in _EXTRA_NAMES.items():
        names.setdefault(code, name)
    return dict(sorted(names.items()))


def base_language(tag: str) -> str:
    """``fr`` from ``fr``, ``fr-FR``, ``FR_ca``: the lower-case primary subtag."""
    return re.split(r"[-_]", tag.strip())[0].lower()


def language_name(code: str | None) -> str:
    """``fr`` → ``French``; an unknown code is returned as it is."""
    if not code:
        return ""
    return language_names().get(base_language(code), code)


def is_known(tag: str) -> bool:
    """True for a well-formed tag whose primary language babelwire knows."""
    return bool(_TAG.match(tag.strip())) and base_language(tag) in language_names()


def supported_codes() -> str:
    """The known codes, comma-separated, for error messages."""
    return ", ".join(language_names())


def check_language(tag: str) -> str:
    """The tag normalised (``pt_br`` → ``pt-BR``); raises ValueError naming the supported codes."""
    value = tag.strip()
    if not is_known(value):
        raise ValueError(f"unknown language code {tag!r}; supported: {supported_codes()}")
    parts = re.split(r"[-_]", value)
    subtags = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p.lower() for p in parts[1:]]
    return "-".join([parts[0].lower(), *subtags])


def check_languages(value: str) -> list[str]:
    """A comma-separated list of tags, each checked (``en,de``)."""
    codes = [part for part in (p.strip() for p in value.split(",")) if part]
    if not codes:
        raise ValueError("no language code given")
    return [check_language(code) for code in codes]
