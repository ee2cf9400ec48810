"""Names stay names: an engine wrapper that hides proper names and glossary terms from the engine.

Apertium translates "Fortuné" (a first name, also the adjective "lucky") as "Lucky" and
"Saint-Fortuné" as "Saint-Lucky"; a neural engine may do the same. ``ProtectedEngine`` wraps any
engine (composition, like an httpx transport) and, before calling it:

1. replaces every glossary term (``translate.glossary``) with a placeholder, put back as the
   term's required translation ("Grouchko" → "Grushko");
2. replaces every proper name at risk with a placeholder, put back as the original name.

Placeholders are all-capital nonsense tokens (``ZQXA``, ``ZQXB``...): Apertium passes unknown
words through unchanged (and capital letters survive its case handling), neural engines usually
copy such tokens. After translation each placeholder must be there exactly once; otherwise that
sentence is translated again without protection (the fallback), so an engine that eats or
duplicates a placeholder never loses a name silently.

Which words are names
---------------------
Per sentence (a piece handed over by ``translate.document``), words are read with their
capitalisation and position:

* capitalised words and runs of them not at the start of the sentence (``Alexandre Grouchko``,
  ``Le Monde`` after "selon"), joined over name particles (``Charles de Gaulle``, ``Jeanne
  d'Arc``); hyphenated compounds (``Saint-Fortuné``); the capitalised part of ``pro-Kremlin``;
  all-capital acronyms (``OTAN``, ``COP26``) and words like ``iPhone``;
* at the start of a sentence, where every word is capitalised: a run of two or more capitalised
  words (``Fortuné Dupont a dit``) — minus a first word that is a function word (``Selon``,
  ``Le``, ``En``...); a single word only when the same word is capitalised elsewhere in the batch
  (``Fortuné a dit`` next to ``Saint-Fortuné``) or it is an acronym;
* never: common words that the source language capitalises in institutions and titles (French
  ``Sénat``, ``Assemblée``, ``Premier ministre``, ``l'Est``; English ``Monday``, ``French``,
  ``President``), French plural demonyms after ``les``/``des``/``aux`` (``les Russes``), words in
  sentences written all in capitals or (English) in Title Case, and in German or Luxembourgish
  anything but acronyms (they capitalise every noun).

Which names are at risk (``probe=True``, the default): protecting a name costs the engine its
grammar around it (French "la France" comes out "the France") and the names it knows ("Russie" →
"Russia", "Bruxelles" → "Brussels"). So each distinct candidate is put to the engine once, alone,
as written and in lower case, and is protected only when the engine translates its lower-case
words (they are words of the language: "fortuné" → "lucky", "pierre rose" → "pink stone") *and*
does not keep the name as written ("Fortuné" → "Lucky", "Pierre Rose" → "Pierre Rosa"). Names the
engine keeps ("Alexandre Grouchko", "Le Monde", "Paris") or whose lower case it does not know
("russie") are left to it. The probe cannot tell "États-Unis" → "United States" from "Saint-Fortuné"
→ "Saint-Lucky", so a short list of such names (``_EXONYMS``: États-Unis, Royaume-Uni, Corée du
Nord, Maison Blanche...) is never protected. Answers are cached per engine id and pair for the
process. ``probe=False`` protects every candidate.

The wrapper's ``id`` is the inner engine's id plus the protection in force (``+names@1``, and
``+glossary:<hash of the terms>``), so the translation memory never serves a sentence translated
without protection, or under another glossary.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from babelwire.errors import TranslationError
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.glossary import Glossary

log = logging.getLogger(__name__)

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Part of the wrapper's id: bump it when name detection changes what engines are sent.
NAMES_VERSION = 1

# A word: letters and digits, hyphen-joined parts included (Saint-Fortuné, COP26, F-16).
_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_HYPHEN = re.compile(r"[-‐‑]")
_APOSTROPHES = "'’ʼ"
_SPACES = " \u00a0\u202f"
# Text between two words that starts a new sentence-like unit: the next word's capital says nothing.
_BOUNDARY = re.compile(r"[.!?…:«“„\"‹]")
# Abbreviations whose full stop does not end a sentence (M. Dupont, Dr. Smith, J. K. Rowling).
_ABBREVIATIONS = _words(
    "m mm mme mmes mlle mgr me dr pr st ste mr mrs ms jr sr sra srta hr fr prof gen gén col lt capt "
    "gov sen rep rev"
)
# French/Italian elisions before a name (l'Otan, d'Alexandre, qu'Emmanuel, dell'Italia).
_ELISIONS = _words("l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu dell all nell sull dall un")
# Lower-case particles inside names: Charles de Gaulle, Ursula von der Leyen, Jeanne d'Arc.
_PARTICLES = _words("de du des von van der den da di del della dos das do ter ten bin ibn")

# Function words that start sentences; a capitalised run starting with one is a name after it.
_FUNCTION_WORDS = _words("""
le la les l un une des du de d au aux ce cet cette ces son sa ses leur leurs mon ma mes notre nos
votre vos selon pour dans en sur sous avec sans par après avant depuis pendant lors chez entre
contre vers malgré dès et ou mais donc or ni car si quand lorsque alors puis ainsi cependant
pourtant toutefois néanmoins enfin aussi il elle ils elles on nous vous je tu c ça cela ceci qui
que quoi où comment pourquoi combien quel quelle quels quelles tout tous toute toutes plusieurs
certains certaines chaque aucun aucune outre hier demain à y ici là voici voilà
the a an in on at for with according after before by from to of and but or if when while as he she
it they we i you this that these those his her their our its there here yesterday today tomorrow
also then so yet since until during under over about against between without
el los las una unos unas del al con por para según sin sobre tras desde pero cuando él ellos
este esta estos estas ese esa esos esas su sus también
il lo gli uno della dei degli delle alla ai agli alle nel nella nei secondo su da di ma se
lui lei loro questo questa anche
o os as um uma dos das no na nos nas em com segundo sem mas ele eles isto
der die das den dem ein eine einen einem einer und oder aber im am auf aus bei mit nach vom zum
zur für gegen laut er sie es wir
""")

# Common words a language capitalises in institutions, titles and the like: never a name alone,
# and dropped from the front of a run (President Joe Biden, Banque de France).
_COMMON_CAPITALISED: dict[str, frozenset[str]] = {
    "fr": _words("""
état etat sénat assemblée parlement conseil cour commission gouvernement premier première
président présidente république église bourse nord sud est ouest orient occident affaires
intérieur justice santé défense armées armée économie finances éducation culture travail congrès
agriculture environnement transports ministère ministre union nations organisation banque
fonds alliance alliés coupe ligue jeux championnat mondial constitution sécurité résistance
libération révolution guerre préfecture mairie tribunal parquet gendarmerie police agence office
institut conférence sommet traité programme fédération communauté cité région département
académie université hôtel palais musée chambre autorité comité parti dieu pape hexagone
"""),
    "en": _words("""
president prime minister ministry secretary senator senate congress house parliament government
department state court supreme council union nations bank church army navy police mr mrs ms dr
sir lord king queen prince princess pope general governor mayor chancellor foreign interior
defence defense health finance justice treasury north south east west northern southern eastern
western monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december american british french german russian
chinese ukrainian european israeli palestinian iranian indian japanese korean italian spanish
turkish syrian african arab asian canadian mexican brazilian polish dutch swiss greek english
scottish welsh irish australian egyptian saudi muslim christian jewish catholic democrat
democrats democratic republican republicans conservative conservatives labour socialist
communist western christmas easter god
"""),
    "es": _words("""
gobierno congreso senado estado presidente presidenta ministerio ministro ministra parlamento
consejo tribunal supremo norte sur este oeste unión naciones banco iglesia ejército policía
guardia justicia sanidad defensa hacienda interior exteriores educación economía trabajo cultura
ayuntamiento junta comisión rey reina papa república
"""),
    "it": _words("""
governo senato camera stato presidente ministero ministro parlamento consiglio corte nord sud
est ovest unione nazioni banca chiesa esercito polizia regione comune papa repubblica
"""),
    "pt": _words("""
governo senado estado presidente ministério ministro parlamento conselho tribunal supremo norte
sul leste oeste união nações banco igreja exército polícia república câmara assembleia
"""),
}
# Names made of common words that engines translate as the name ("États-Unis" → "United States"):
# never protected when probing (the probe cannot tell them from "Pierre Rose" → "Stone Rosa").
_EXONYMS: dict[str, frozenset[str]] = {
    "fr": frozenset(n.casefold() for n in (
        "États-Unis", "Royaume-Uni", "Grande-Bretagne", "Pays-Bas", "Nouvelle-Zélande",
        "Nouvelle-Calédonie", "Corée du Nord", "Corée du Sud", "Afrique du Sud", "Côte d'Ivoire",
        "Moyen-Orient", "Maison Blanche", "Maison-Blanche", "Terre-Neuve", "Amérique du Nord",
        "Amérique du Sud", "Asie du Sud-Est", "Cap-Vert", "Guinée-Bissau", "Saint-Siège",
        "Croix-Rouge", "Pentagone", "Noire", "Rouge", "Morte", "Baltique", "Manche",
    )),
}
# Languages that capitalise every noun: only acronyms (and the glossary) are protected there.
_NOUN_CAPITALISING = frozenset({"de", "lb"})
_TITLE_CASE = frozenset({"en"})

_PREFIXES = ("ZQX", "QZX", "XZQ", "ZXQ", "QXZ", "XQZ")
# Probe answers, shared by every wrapper of the same engine: (engine id, source, target, name) → at risk.
_PROBE_CACHE: dict[tuple[str, str, str, str], bool] = {}
_PROBE_CACHE_SIZE = 200_000
_PROBE_LOCK = threading.Lock()
_MAX_ID = 256


def _base(lang: str) -> str:
    return re.split(r"[-_]", lang.strip(), maxsplit=1)[0].lower()


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    initial: bool  # first word of the sentence, or after . ! ? : or an opening quotation mark

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def acronym(self) -> bool:
        """OTAN, UE, COP26, G7: every letter a capital, two characters at least."""
        letters = [c for c in self.text if c.isalpha()]
        return (self.text[0].isupper() and len(self.text) >= 2 and all(c.isupper() for c in letters)
                and (len(letters) >= 2 or any(c.isdigit() for c in self.text)))

    @property
    def inner_capital(self) -> bool:
        """iPhone, eBay: lower case first, a capital inside the same part."""
        first = _HYPHEN.split(self.text, maxsplit=1)[0]
        return self.text[0].islower() and any(c.isupper() for c in first[1:])


def _tokens(sentence: str) -> list[_Token]:
    tokens: list[_Token] = []
    cursor = 0
    for match in _WORD.finditer(sentence):
        gap = sentence[cursor:match.start()]
        if not tokens:
            initial = True
        elif _BOUNDARY.search(gap):
            previous = tokens[-1]
            abbreviation = gap.strip(_SPACES) == "." and (
                previous.lower in _ABBREVIATIONS or (len(previous.text) == 1 and previous.capitalised))
            initial = not abbreviation
        else:
            initial = False
        tokens.append(_Token(match.start(), match.end(), match.group(0), initial))
        cursor = match.end()
    return tokens


def _gap(sentence: str, a: _Token, b: _Token) -> str:
    return sentence[a.end:b.start]


def _single_space(gap: str) -> bool:
    return len(gap) == 1 and gap in _SPACES


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    tokens: list[_Token]


@dataclass(slots=True)
class _SentenceNames:
    """Name candidates of one sentence, before the batch-level decisions."""

    spans: list[_Span] = field(default_factory=list)  # decided: names (not at the sentence start)
    initial: list[_Span] = field(default_factory=list)  # single sentence-initial words: need evidence
    evidence: set[str] = field(default_factory=set)  # capitalised words seen off the sentence start


def _shouting(tokens: list[_Token], lang: str) -> bool:
    """All capitals, or (English) Title Case: capitals say nothing about names there."""
    words = [t for t in tokens if any(c.isalpha() for c in t.text)]
    if len(words) >= 3 and sum(t.acronym for t in words) >= 0.6 * len(words):
        return True
    if lang in _TITLE_CASE:
        content = [t for t in words[1:] if len(t.text) >= 4]
        if len(content) >= 3 and all(t.capitalised for t in content):
            return True
    return False


def _trim(run: list[_Token], common: frozenset[str]) -> list[_Token]:
    """A run without the titles, institution words and particles at its front (President Joe
    Biden, Banque de France → France); empty when nothing but those is left."""
    while run and (run[0].lower in common or run[0].text in _PARTICLES or run[0].text == "d"):
        run = run[1:]
    return run if any(t.lower not in common for t in run) else []


def _candidates(sentence: str, lang: str, blocked: list[tuple[int, int]]) -> _SentenceNames:
    """Capitalised runs, compounds and acronyms of a sentence, outside the ``blocked`` ranges."""
    found = _SentenceNames()
    tokens = [t for t in _tokens(sentence)
              if not any(t.start < end and start < t.end for start, end in blocked)]
    if not tokens or _shouting(tokens, lang):
        return found
    common = _COMMON_CAPITALISED.get(lang, frozenset())
    nouns_capitalised = lang in _NOUN_CAPITALISING

    def is_cap(i: int) -> bool:
        token = tokens[i]
        if nouns_capitalised:
            return token.acronym
        if not token.capitalised:
            return False
        if token.lower in _ABBREVIATIONS and sentence[token.end:token.end + 1] == ".":
            return False  # M. Dupont: the title is translated
        # les Russes, des Alliés: French demonyms, translated as nouns.
        demonym = (lang == "fr" and i > 0 and tokens[i - 1].lower in {"les", "des", "aux"}
                   and _single_space(_gap(sentence, tokens[i - 1], token)) and token.text[-1] in "sx"
                   and not _HYPHEN.search(token.text))
        return not demonym

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not is_cap(i):
            if not nouns_capitalised:
                # iPhone; the capitalised part of pro-Kremlin, anti-OTAN.
                if token.inner_capital:
                    found.spans.append(_Span(token.start, token.end, [token]))
                elif token.text[0].islower() and _HYPHEN.search(token.text):
                    offset = 0
                    for part in _HYPHEN.split(token.text):
                        if part[:1].isupper() and part.lower() not in common:
                            start = token.start + offset
                            found.spans.append(_Span(start, token.end, [token]))
                            found.evidence.add(part)
                            break
                        offset += len(part) + 1
            i += 1
            continue
        run = [token]
        j = i + 1
        while j < len(tokens):
            gap = _gap(sentence, tokens[j - 1], tokens[j])
            if _single_space(gap) and is_cap(j):
                run.append(tokens[j])
                j += 1
                continue
            # A particle between two capitalised words: de Gaulle, von der Leyen, d'Arc, O'Brien.
            k = j
            while k < len(tokens) and tokens[k].text in _PARTICLES and \
                    _single_space(_gap(sentence, tokens[k - 1], tokens[k])):
                k += 1
            if k > j and k < len(tokens) and _single_space(_gap(sentence, tokens[k - 1], tokens[k])) \
                    and is_cap(k) and not tokens[k].initial:
                run.extend(tokens[j:k + 1])
                j = k + 1
                continue
            if _single_space(gap) and tokens[j].text == "d" and j + 1 < len(tokens) and \
                    _gap(sentence, tokens[j], tokens[j + 1]) in _APOSTROPHES and is_cap(j + 1):
                run.extend(tokens[j:j + 2])
                j += 2
                continue
            previous = tokens[j - 1]
            if gap in _APOSTROPHES and len(previous.text) == 1 and previous.lower not in _ELISIONS \
                    and is_cap(j):
                run.append(tokens[j])  # O'Brien
                j += 1
                continue
            break
        i = j
        if nouns_capitalised:
            found.spans.append(_Span(run[0].start, run[-1].end, run))
            continue
        # Words like "L" of L'Otan are elisions, not names.
        while run and len(run[0].text) == 1 and run[0].lower in _ELISIONS and \
                run[0].end < len(sentence) and sentence[run[0].end] in _APOSTROPHES:
            run = run[1:]
        if not run:
            continue
        run = _trim(run, common)
        if not run:
            continue
        for t in run:
            if not t.initial and t.capitalised:
                found.evidence.add(t.text)
                found.evidence.update(p for p in _HYPHEN.split(t.text) if p[:1].isupper())
        if not run[0].initial:
            found.spans.append(_Span(run[0].start, run[-1].end, run))
            continue
        first = run[0]
        if first.lower in _FUNCTION_WORDS and not first.acronym:
            rest = _trim(run[1:], common)
            if rest:
                found.spans.append(_Span(rest[0].start, rest[-1].end, rest))
                found.evidence.update(t.text for t in rest if t.capitalised)
            # the whole run too, when it occurs elsewhere off the sentence start: Le Monde
            found.initial.append(_Span(first.start, run[-1].end, run))
        elif len(run) >= 2 or first.acronym:
            found.spans.append(_Span(first.start, run[-1].end, run))  # Fortuné Dupont a dit
        else:
            found.initial.append(_Span(first.start, first.end, run))  # Fortuné a dit: evidence?
    return found


def name_evidence(texts: Iterable[str], source: str) -> set[str]:
    """Capitalised words the texts use off the sentence start (and the capitalised parts of
    hyphenated names): what makes the same word at the start of another sentence a name."""
    lang = _base(source)
    return set().union(*(_candidates(t, lang, []).evidence for t in texts), set())


def find_names(sentences: Sequence[str], source: str, *,
               blocked: Sequence[list[tuple[int, int]]] | None = None,
               context: Iterable[str] = ()) -> list[list[tuple[int, int]]]:
    """The (start, end) offsets of the proper-name candidates of each sentence of a batch.

    ``blocked`` gives, per sentence, ranges to leave alone (glossary terms). Sentence-initial
    words are decided with the whole batch and ``context`` (``name_evidence`` of the documents the
    batch comes from): a word capitalised elsewhere is a name there too ("« … Fortuné »", a
    quotation translated alone, next to "le Saint-Fortuné" in another paragraph).
    """
    lang = _base(source)
    found = [_candidates(s, lang, list(blocked[i]) if blocked else []) for i, s in enumerate(sentences)]
    evidence: set[str] = set().union(*(f.evidence for f in found), set(context))
    phrases = {sentences[i][s.start:s.end] for i, f in enumerate(found) for s in f.spans if len(s.tokens) > 1}
    result = []
    for i, f in enumerate(found):
        spans = [(s.start, s.end) for s in f.spans]
        for span in f.initial:
            text = sentences[i][span.start:span.end]
            if len(span.tokens) > 1:
                if text in phrases:  # "Le Monde a publié" next to "selon Le Monde"
                    spans = [(a, b) for a, b in spans if not span.start <= a < span.end]
                    spans.append((span.start, span.end))
            elif text in evidence and text.lower() not in _FUNCTION_WORDS:
                spans.append((span.start, span.end))
        result.append(sorted(set(spans)))
    return result


# -- placeholders ----------------------------------------------------------------------------------

def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the suffix of the placeholder of the index-th protected text."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _index(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + (ord(char) - 64)
    return value - 1


@dataclass(slots=True)
class _Protected:
    """One sentence as sent to the engine, and what each placeholder stands for."""

    original: str
    text: str
    prefix: str = ""
    restore: list[str] = field(default_factory=list)
    # Where the sentence starts with a protected span: is the next source word in lower case?
    lead_then_lower: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![^\W_]){self.prefix}([A-Z]+)(?![^\W_])", re.IGNORECASE)


def _protect(sentence: str, replacements: list[tuple[int, int, str]]) -> _Protected:
    """``sentence`` with each (start, end) range replaced by a placeholder standing for a text."""
    if not replacements:
        return _Protected(sentence, sentence)
    upper = sentence.upper()
    prefix = next((p for p in _PREFIXES if p not in upper), None)
    if prefix is None:  # a sentence holding every prefix: leave it alone
        return _Protected(sentence, sentence)
    parts, restore, cursor = [], [], 0
    for n, (start, end, text) in enumerate(sorted(replacements)):
        parts.append(sentence[cursor:start])
        parts.append(prefix + _letters(n))
        restore.append(text)
        cursor = end
    parts.append(sentence[cursor:])
    # Does the sentence start with protected texts (one or several in a row) followed by a word
    # in lower case? Then that word must not come out capitalised (see _restore).
    lead_then_lower = False
    first = _WORD.search(sentence)
    ordered = sorted(replacements)
    if first is not None and first.start() == ordered[0][0]:
        end = ordered[0][1]
        for start, stop, _text in ordered[1:]:
            if sentence[end:start].strip(_SPACES):
                break
            end = stop
        following = _WORD.search(sentence, end)
        lead_then_lower = following is not None and following.group(0)[0].islower()
    return _Protected(sentence, "".join(parts), prefix, restore, lead_then_lower)


def _restore(item: _Protected, output: str) -> str | None:
    """The engine's output with the protected texts put back, or None when a placeholder is
    missing, repeated or unknown."""
    if not item.restore:
        return output
    pattern = item.pattern
    seen = [0] * len(item.restore)
    for match in pattern.finditer(output):
        index = _index(match.group(1).upper())
        if not 0 <= index < len(seen):
            return None
        seen[index] += 1
    if any(count != 1 for count in seen):
        return None
    if item.lead_then_lower:
        # Apertium capitalises the first word it knows when a line starts with an unknown one
        # ("ZQXA a dit" → "ZQXA Has said"); the source has a lower-case word there.
        lead = re.match(rf"^\W*(?:{item.prefix}[A-Z]+\s+)+([^\W\d_])([^\W\d_])", output, re.IGNORECASE)
        if lead is not None and lead.group(1).isupper() and lead.group(2).islower():
            at = lead.start(1)
            output = output[:at] + output[at].lower() + output[at + 1:]
    starts_upper = next((c for c in item.original if c.isalnum()), "").isupper()

    def put_back(match: re.Match[str]) -> str:
        text = item.restore[_index(match.group(1).upper())]
        first = not any(c.isalnum() for c in output[:match.start()])
        if first and starts_upper and text[:1].islower():
            text = text[0].upper() + text[1:]
        return text

    return pattern.sub(put_back, output)


def _same(a: str, b: str) -> bool:
    """Equal but for case, accents' encoding, punctuation and spacing."""
    def key(text: str) -> str:
        text = unicodedata.normalize("NFC", text).casefold()
        return "".join(c for c in text if c.isalnum())
    return key(a) == key(b)


# -- the wrapper -----------------------------------------------------------------------------------

class ProtectedEngine:
    """An engine that keeps proper names and applies a glossary around another engine."""

    def __init__(
        self,
        inner: TranslationEngine,
        glossary_terms: Mapping[str, str] | Glossary | Iterable[tuple[str, str]] | None = None,
        *,
        protect_names: bool = True,
        probe: bool = True,
    ) -> None:
        """``glossary_terms``: source term → required translation, for the pair this engine is
        used with (``store.glossary.glossary_terms``). ``probe``: protect only the names the engine
        would translate as words (see the module documentation); False protects every name."""
        self.inner = inner
        self.glossary = glossary_terms if isinstance(glossary_terms, Glossary) else Glossary(glossary_terms)
        self.protect_names = protect_names
        self.probe = probe
        self.name = inner.name
        self._lock = threading.Lock()
        #: Names the documents being translated use off the sentence start (``learn``).
        self._context: set[str] = set()
        #: Counters since creation: sentences sent with placeholders, fallbacks, names probed.
        self.stats = {"protected": 0, "fallbacks": 0, "probed": 0}

    @property
    def id(self) -> str:
        suffix = ""
        if self.protect_names:
            suffix += f"+names@{NAMES_VERSION}" + ("" if self.probe else "-all")
        if self.glossary:
            suffix += f"+glossary:{self.glossary.digest}"
        inner = self.inner.id
        if len(inner) + len(suffix) > _MAX_ID:  # the stores' engine_id columns hold 256 characters
            inner = inner[:_MAX_ID - len(suffix) - 13] + "~" + hashlib.sha256(inner.encode()).hexdigest()[:12]
        return inner + suffix

    @property
    def model(self) -> str | None:
        return self.inner.model

    def __repr__(self) -> str:
        return f"ProtectedEngine({self.inner!r}, {len(self.glossary)} glossary terms, names={self.protect_names})"

    # -- planning ----------------------------------------------------------------------------

    def learn(self, texts: Iterable[str], source: str) -> None:
        """Take the whole documents about to be translated as context for sentence-initial names:
        the engine sees pieces (sentences, quotations cut out) in batches sorted by length, so a
        piece rarely meets the sentence that shows its first word is a name."""
        evidence = name_evidence(texts, source)
        with self._lock:
            if len(self._context) > 50_000:  # a long-lived worker: keep the context bounded
                self._context.clear()
            self._context |= evidence

    def plan(self, sentences: Sequence[str], source: str, target: str) -> list[_Protected]:
        """What the inner engine is sent for each sentence (placeholders in), and how to restore."""
        texts = [unicodedata.normalize("NFC", s) for s in sentences]
        glossary = [self.glossary.find(t) for t in texts]
        names: list[list[tuple[int, int]]] = [[] for _ in texts]
        if self.protect_names:
            names = find_names(texts, source, blocked=[[(m.start, m.end) for m in g] for g in glossary],
                               context=self._context)
            if self.probe:
                names = self._at_risk(texts, names, source, target)
        plans = []
        for text, terms, spans in zip(texts, glossary, names, strict=True):
            replacements = [(m.start, m.end, m.translation) for m in terms]
            replacements += [(a, b, text[a:b]) for a, b in spans]
            plans.append(_protect(text, replacements))
        return plans

    def _at_risk(self, texts: list[str], names: list[list[tuple[int, int]]], source: str,
                 target: str) -> list[list[tuple[int, int]]]:
        known = _EXONYMS.get(_base(source), frozenset())
        names = [[(a, b) for a, b in spans if texts[i][a:b].casefold() not in known]
                 for i, spans in enumerate(names)]
        wanted = sorted({texts[i][a:b] for i, spans in enumerate(names) for a, b in spans})
        engine_id = self.inner.id
        answers: dict[str, bool] = {}
        todo = [n for n in wanted if (engine_id, source, target, n) not in _PROBE_CACHE]
        if todo:
            probes = [p for n in todo for p in (f"{n}.", f"{n.lower()}.")]
            outputs = self.inner.translate(probes, source, target)
            if len(outputs) != len(probes):
                raise TranslationError(
                    f"engine {self.inner.id} returned {len(outputs)} translations for {len(probes)} sentences")
            with _PROBE_LOCK:
                if len(_PROBE_CACHE) > _PROBE_CACHE_SIZE:
                    _PROBE_CACHE.clear()
                for k, name in enumerate(todo):
                    as_name, as_words = outputs[2 * k], outputs[2 * k + 1]
                    # The lower-case words are words of the language (the engine translates them)
                    # and the engine does not keep the name as it is.
                    risky = not _same(as_words, name.lower()) and not _same(as_name, name)
                    answers[name] = _PROBE_CACHE[(engine_id, source, target, name)] = risky
            with self._lock:
                self.stats["probed"] += len(todo)
            log.debug("probed %d names %s→%s: %s", len(todo), source, target, answers)
        for name in wanted:
            if name not in answers:
                answers[name] = _PROBE_CACHE.get((engine_id, source, target, name), True)
        return [[(a, b) for a, b in spans if answers[texts[i][a:b]]] for i, spans in enumerate(names)]

    # -- translation -------------------------------------------------------------------------

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, names kept and glossary terms applied."""
        if not self.protect_names and not self.glossary:
            return self.inner.translate(sentences, source, target)
        plans = self.plan(sentences, source, target)
        outputs = self.inner.translate([p.text for p in plans], source, target)
        if len(outputs) != len(plans):
            raise TranslationError(
                f"engine {self.inner.id} returned {len(outputs)} translations for {len(plans)} sentences")
        results: list[str] = []
        failed: list[int] = []
        for i, (item, output) in enumerate(zip(plans, outputs, strict=True)):
            restored = _restore(item, output)
            if restored is None:
                failed.append(i)
                results.append("")
            else:
                results.append(restored)
        if failed:
            log.info("%s lost or repeated a placeholder in %d of %d sentences; translating them "
                     "without protection", self.inner.id, len(failed), len(plans))
            again = self.inner.translate([plans[i].original for i in failed], source, target)
            if len(again) != len(failed):
                raise TranslationError(
                    f"engine {self.inner.id} returned {len(again)} translations for {len(failed)} sentences")
            for i, text in zip(failed, again, strict=True):
                results[i] = text
        with self._lock:
            self.stats["protected"] += sum(1 for p in plans if p.restore)
            self.stats["fallbacks"] += len(failed)
        return results


def protect(engine: TranslationEngine, terms: Mapping[str, str] | None = None, *,
            protect_names: bool = True, probe: bool = True) -> TranslationEngine:
    """``engine`` wrapped to keep proper names and apply the glossary ``terms`` (source term →
    required translation); ``engine`` itself when there is nothing to do. An engine that is
    already wrapped is re-wrapped around its inner engine, never twice."""
    while isinstance(engine, ProtectedEngine):
        engine = engine.inner
    if not protect_names and not terms:
        return engine
    return ProtectedEngine(engine, terms, protect_names=protect_names, probe=probe)
