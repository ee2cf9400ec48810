"""Where OPUS-MT publishes its models in native Marian form, and which release serves a pair.

OPUS-MT (Helsinki-NLP) publishes every model as a zip of Marian-NMT files (``decoder.yml``, the
``.npz`` weights, the vocabulary YAML, ``source.spm``/``target.spm``, ``preprocess.sh``,
``README.md``, ``LICENSE``) on the University of Helsinki's object storage at CSC:

* base models ("transformer-align", ~75M parameters, zips of ~280 MB) per language pair under
  ``https://object.pouta.csc.fi/OPUS-MT-models/<src>-<tgt>/<release>.zip`` (the Helsinki-NLP/opus-mt-*
  models on the Hugging Face hub were converted from these);
* the Tatoeba-Challenge models under ``https://object.pouta.csc.fi/Tatoeba-MT-models/<src3>-<tgt3>/``,
  indexed with their scores in Tatoeba-Challenge's ``models/released-models.txt``, among them the
  stronger "transformer-big" ones (~230M parameters).

CTranslate2 converts these zips with numpy and pyyaml only, so pulling a model this way needs
neither torch nor transformers. Both addresses can be moved (a mirror, a test server) with
``BABELWIRE_MODELS_RELEASE_URL`` (the storage root) and ``BABELWIRE_MODELS_INDEX_URL`` (the index).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx

from babelwire.errors import ModelError
from babelwire.translate.engines.ct2 import base_language

log = logging.getLogger(__name__)

DEFAULT_RELEASE_URL = "https://object.pouta.csc.fi"
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/Helsinki-NLP/Tatoeba-Challenge/master/models/released-models.txt"
RELEASE_URL_ENV = "BABELWIRE_MODELS_RELEASE_URL"
INDEX_URL_ENV = "BABELWIRE_MODELS_INDEX_URL"

#: What every OPUS-MT release carries in its LICENSE file, and how its authors ask to be credited.
OPUS_MT_LICENSE = "CC-BY-4.0"
OPUS_MT_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
OPUS_MT_ATTRIBUTION = "OPUS-MT, Helsinki-NLP (Tiedemann & Thottingal 2020)"

Size = Literal["base", "big"]

#: Known base releases, relative to the storage root. HARD-CODED, and only for pairs whose release
#: was checked by hand against Helsinki-NLP/OPUS-MT-train's models/<pair>/README.md (and, for
#: fr-en, en-de and ru-en, the Hugging Face model card, which names the zip the hub model came
#: from): the newest SentencePiece release of the pair. Older releases of several pairs (e.g.
#: fr-en opus-2019-12-05) are BPE-tokenised, which babelwire cannot run, so "the newest zip in the
#: folder" is not a safe rule for every pair — but it is the fallback for the pairs not listed
#: here (``_listed_base_release``), after which the Tatoeba-Challenge index is consulted.
KNOWN_BASE_RELEASES: dict[tuple[str, str], str] = {
    ("fr", "en"): "OPUS-MT-models/fr-en/opus-2020-02-26.zip",
    ("en", "fr"): "OPUS-MT-models/en-fr/opus-2020-02-26.zip",
    ("de", "en"): "OPUS-MT-models/de-en/opus-2020-02-26.zip",
    ("en", "de"): "OPUS-MT-models/en-de/opus-2020-02-26.zip",
    ("ru", "en"): "OPUS-MT-models/ru-en/opus-2020-02-26.zip",
    ("en", "ru"): "OPUS-MT-models/en-ru/opus-2020-02-11.zip",
    ("sv", "en"): "OPUS-MT-models/sv-en/opus-2020-02-26.zip",
    ("en", "sv"): "OPUS-MT-models/en-sv/opus-2020-02-26.zip",
    ("fi", "en"): "OPUS-MT-models/fi-en/opus-2020-02-13.zip",
    ("en", "fi"): "OPUS-MT-models/en-fi/opus-2020-02-13.zip",
    ("tr", "en"): "OPUS-MT-models/tr-en/opus-2020-01-16.zip",
    ("ca", "en"): "OPUS-MT-models/ca-en/opus+bt-2020-05-23.zip",
}

#: ISO 639-1 → the ISO 639-3 (macro)language code Tatoeba-Challenge names its folders with.
TATOEBA_CODES: dict[str, str] = {
    "af": "afr", "am": "amh", "ar": "ara", "az": "aze", "be": "bel", "bg": "bul", "bn": "ben",
    "bs": "bos", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan", "de": "deu", "el": "ell",
    "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "eus", "fa": "fas", "fi": "fin",
    "fr": "fra", "ga": "gle", "gl": "glg", "gu": "guj", "ha": "hau", "he": "heb", "hi": "hin",
    "hr": "hrv", "hu": "hun", "hy": "hye", "id": "ind", "is": "isl", "it": "ita", "ja": "jpn",
    "ka": "kat", "kk": "kaz", "km": "khm", "ko": "kor", "lt": "lit", "lv": "lav", "mk": "mkd",
    "ml": "mal", "mr": "mar", "ms": "msa", "my": "mya", "nb": "nob", "ne": "nep", "nl": "nld",
    "nn": "nno", "no": "nor", "pa": "pan", "pl": "pol", "ps": "pus", "pt": "por", "ro": "ron",
    "ru": "rus", "si": "sin", "sk": "slk", "sl": "slv", "so": "som", "sq": "sqi", "sr": "srp",
    "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur",
    "uk": "ukr", "ur": "urd", "uz": "uzb", "vi": "vie", "yo": "yor", "zh": "zho", "zu": "zul",
}
#: Individual languages that multi-target models sometimes use instead of the macrolanguage
#: (``>>cmn_Hans<<`` rather than ``>>zho<<``, ``>>arb<<`` rather than ``>>ara<<``).
TATOEBA_ALTERNATES: dict[str, tuple[str, ...]] = {
    "ar": ("arb",), "az": ("azj",), "et": ("ekk",), "fa": ("pes",), "lv": ("lvs",), "ms": ("zsm",),
    "ne": ("npi",), "no": ("nob",), "ps": ("pbt",), "sq": ("als",), "sw": ("swh",), "uz": ("uzn",),
    "zh": ("cmn", "yue"),
}


def tatoeba_code(lang: str) -> str:
    """``fr`` → ``fra``: the code of a language in Tatoeba-Challenge's folder and token names."""
    code = base_language(lang)
    return TATOEBA_CODES.get(code, code)


def tatoeba_codes(lang: str) -> list[str]:
    """Every code a Tatoeba model may use for a language, the macrolanguage first."""
    code = base_language(lang)
    return [tatoeba_code(code), *TATOEBA_ALTERNATES.get(code, ())]


def release_url() -> str:
    """The storage root releases are downloaded from (``$BABELWIRE_MODELS_RELEASE_URL``)."""
    return (os.environ.get(RELEASE_URL_ENV) or DEFAULT_RELEASE_URL).rstrip("/")


def index_url() -> str:
    """The Tatoeba-Challenge model index (``$BABELWIRE_MODELS_INDEX_URL``)."""
    return os.environ.get(INDEX_URL_ENV) or DEFAULT_INDEX_URL


class NoReleaseError(ModelError):
    """OPUS-MT publishes no release for the pair (the hub's NLLB-200 may still serve it)."""


@dataclass(frozen=True)
class Release:
    """One published OPUS-MT model zip and what is known about it."""

    url: str  # the zip, on the configured storage
    pair: tuple[str, str]
    size: Size
    release: str  # the zip's name without .zip, e.g. opus-2020-02-26
    found_in: str  # built-in table, storage listing or released-models.txt
    chrf: float | None = None  # Tatoeba test set scores, as released-models.txt gives them
    bleu: float | None = None

    @property
    def name(self) -> str:
        """The installed folder name: ``opus-mt-fr-en``, or ``opus-mt-tc-big-fr-en`` like on the hub."""
        return installed_name(*self.pair, self.size)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url

    @property
    def model_url(self) -> str:
        """The page documenting the pair's releases (its folder in the publisher's repository, which
        shows the README with each release's scores; shorter than the README's own address, so it
        fits an 80-column line)."""
        parts = urlsplit(self.url).path.strip("/").split("/")
        if len(parts) >= 3 and parts[-3] == "Tatoeba-MT-models":
            return f"https://github.com/Helsinki-NLP/Tatoeba-Challenge/tree/master/models/{parts[-2]}"
        if len(parts) >= 3:
            return f"https://github.com/Helsinki-NLP/OPUS-MT-train/tree/master/models/{parts[-2]}"
        return self.url

    @property
    def scores(self) -> dict[str, float]:
        """The published scores, when the index gave them."""
        found = {"chrf": self.chrf, "bleu": self.bleu}
        return {key: value for key, value in found.items() if value is not None}


def installed_name(src: str, tgt: str, size: Size) -> str:
    """The folder a release of the pair is installed in."""
    return f"opus-mt-tc-big-{src}-{tgt}" if size == "big" else f"opus-mt-{src}-{tgt}"


@dataclass(frozen=True)
class IndexEntry:
    """One line of released-models.txt."""

    url: str
    pair3: str
    pair2: str
    chrf: float | None
    bleu: float | None
    source_name: str
    target_name: str

    @property
    def big(self) -> bool:
        return "transformer-big" in self.url.rsplit("/", 1)[-1]


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_index(text: str) -> list[IndexEntry]:
    """The entries of released-models.txt (tab-separated: URL, 3-letter pair, 2-letter pair, chrF,
    BLEU, source name, target name); the same URL listed twice keeps its best scores."""
    entries: dict[str, IndexEntry] = {}
    for line in text.splitlines():
        fields = line.rstrip("\r").split("\t")
        if len(fields) < 3 or not fields[0].startswith(("http://", "https://")) or not fields[0].endswith(".zip"):
            continue
        fields += [""] * (7 - len(fields))
        entry = IndexEntry(fields[0], fields[1], fields[2], _float(fields[3]), _float(fields[4]),
                           fields[5], fields[6])
        old = entries.get(entry.url)
        if old is None or (entry.chrf or 0) > (old.chrf or 0):
            entries[entry.url] = entry
    return list(entries.values())


def _rebase(url: str, root: str) -> str:
    """The index names the CSC storage; a configured mirror serves the same paths."""
    if root != DEFAULT_RELEASE_URL and url.startswith(DEFAULT_RELEASE_URL + "/"):
        return root + url[len(DEFAULT_RELEASE_URL):]
    return url


def _release_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".zip")


def unreachable(url: str, exc: Exception, advice: str) -> ModelError:
    """The one-line error for a server that cannot be reached (offline, DNS, refused, timeout)."""
    host = urlsplit(url).hostname or url
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())  # one line, whatever the cause says
    return ModelError(f"cannot reach {host} ({detail}): {advice}", url=None)


def _get(client: httpx.Client, url: str, advice: str) -> httpx.Response | None:
    """GET ``url``; None on 403/404 (nothing there), ModelError when the server cannot be reached."""
    try:
        response = client.get(url)
    except httpx.TransportError as exc:
        raise unreachable(url, exc, advice) from exc
    if response.status_code in (403, 404):
        return None
    if response.status_code >= 400:
        raise ModelError(f"{url} answered HTTP {response.status_code}; try again later, or: {advice}")
    return response


def fetch_index(client: httpx.Client, advice: str, url: str | None = None) -> list[IndexEntry]:
    """Download and parse released-models.txt."""
    url = url or index_url()
    response = _get(client, url, advice)
    if response is None:
        raise ModelError(f"the OPUS-MT model index is not at {url} (HTTP 404); set {INDEX_URL_ENV} to its address")
    return parse_index(response.text)


def _pair_entries(entries: list[IndexEntry], src: str, tgt: str) -> list[IndexEntry]:
    pair3 = {f"{s}-{t}" for s in tatoeba_codes(src) for t in tatoeba_codes(tgt)}
    return [e for e in entries if e.pair2 == f"{src}-{tgt}" or e.pair3 in pair3]


def _best(entries: list[IndexEntry]) -> IndexEntry | None:
    # Best chrF (the index's main score), then BLEU, then the newest file name.
    return max(entries, key=lambda e: (e.chrf or 0.0, e.bleu or 0.0, e.url), default=None)


def _listed_base_release(client: httpx.Client, root: str, src: str, tgt: str, advice: str) -> str | None:
    """The newest zip in the pair's folder of the OPUS-MT-models storage, from its S3 listing."""
    response = _get(client, f"{root}/OPUS-MT-models?prefix={src}-{tgt}/", advice)
    if response is None:
        return None
    # The object storage answers S3 ListObjects XML; only the keys matter, a regex reads them
    # without an XML parser's entity handling.
    keys = re.findall(r"<Key>([^<]+)</Key>", response.text)
    dated = [(match.group(1), key) for key in keys
             if key.startswith(f"{src}-{tgt}/") and key.count("/") == 1
             and (match := re.search(r"(\d{4}-\d{2}-\d{2})\.zip$", key))]
    if not dated:
        return None
    return f"{root}/OPUS-MT-models/{max(dated)[1]}"


def find_release(
    src: str, tgt: str, size: Size = "base", *, client: httpx.Client, advice: str = "",
    release_root: str | None = None, index: str | None = None,
) -> Release:
    """The release babelwire installs for a pair.

    ``base``: the built-in table, else the newest zip in the pair's OPUS-MT-models folder, else
    the best-scoring non-big model of the pair in the Tatoeba-Challenge index. ``big``: the
    best-scoring transformer-big model of the pair in the index, else its best model of any size
    (then ``Release.size`` says ``base``). Raises NoReleaseError when nothing is published for the
    pair, ModelError when the storage or the index cannot be reached (``advice`` says what to do).
    """
    src, tgt = base_language(src), base_language(tgt)
    root = (release_root or release_url()).rstrip("/")
    if size == "base":
        if (src, tgt) in KNOWN_BASE_RELEASES:
            url = f"{root}/{KNOWN_BASE_RELEASES[src, tgt]}"
            return Release(url, (src, tgt), "base", _release_name(url), "built-in table")
        url = _listed_base_release(client, root, src, tgt, advice)
        if url is not None:
            return Release(url, (src, tgt), "base", _release_name(url), "storage listing")
    entries = _pair_entries(fetch_index(client, advice, index), src, tgt)
    if size == "big":
        best = _best([e for e in entries if e.big]) or _best(entries)
        if best is not None and not best.big:
            log.warning("no transformer-big release for %s→%s; using the best-scoring model, %s", src, tgt, best.url)
    else:
        best = _best([e for e in entries if not e.big])
    if best is None:
        raise NoReleaseError(f"OPUS-MT publishes no {size} model for {src}→{tgt} "
                             f"(neither in {root}/OPUS-MT-models nor in the Tatoeba-Challenge index)")
    url = _rebase(best.url, root)
    return Release(url, (src, tgt), "big" if best.big else "base", _release_name(url), "released-models.txt",
                   chrf=best.chrf, bleu=best.bleu)
