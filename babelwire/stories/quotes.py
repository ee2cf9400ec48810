"""Quotations and who said them, in French and English news text (rules, no model).

Precision beats recall: a quotation is kept only when it has at least three words, and a speaker
is named only when a reporting pattern says who it is ("a déclaré X", "selon X", "X a estimé
que « … »", "said X", "X told reporters", "according to X"); a pronoun ("a-t-il dit", "she said")
is resolved to the nearest person named before it. Titles are stripped from names ("NATO
Secretary General Jens Stoltenberg" → "Jens Stoltenberg").

Machine-translated text often loses or flips a quotation mark (« … ” or a lone ” before ", she
insisted"); a closing mark directly followed by an attribution still marks the end of a quotation.

Linear in the length of the text: every paragraph is scanned once (the persons named so far are
kept in a :class:`_Persons` register, not re-read from the start of the document for every
paragraph), an attribution is read from the 200 characters after a quotation, and a sentence is
looked for at most :data:`MAX_SENTENCE` characters back (longer "sentences" are not prose).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from babelwire.document import Document


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation and the person (or body) it is attributed to, if the text says."""

    speaker: str | None
    text: str

    def to_dict(self) -> dict[str, str | None]:
        return {"speaker": self.speaker, "text": self.text}


MIN_WORDS = 3
MAX_SENTENCE = 1000
"""Characters looked back for the start of a sentence (and for an attribution before a quotation)."""
_ATTRIBUTION_WINDOW = 200  # characters after a quotation where its attribution is looked for
_FR_VERBS = (
    r"déclaré|estimé|affirmé|ajouté|expliqué|indiqué|souligné|martelé|insisté|assuré|averti|dit|lancé|jugé|"
    r"précisé|rappelé|répondu|confié|dénoncé|poursuivi|prévenu|fait valoir|réagi|résumé|commenté|écrit|"
    r"tweeté|conclu|reconnu|annoncé|regretté|raconté|relevé|noté|observé|promis|plaidé|tranché|martelé|"
    r"déclare|estime|affirme|ajoute|explique|indique|souligne|martèle|insiste|assure|avertit|dit|lance|"
    r"juge|précise|rappelle|répond|confie|dénonce|poursuit|prévient|fait valoir|réagit|résume|commente|"
    r"écrit|conclut|reconnaît|annonce|regrette|raconte|relève|note|observe|promet|plaide|tranche|"
    r"constaté|constate|déploré|déplore|rétorqué|rétorque|signalé|signale|"
    r"s'est (?:félicitée?|inquiétée?|exclamée?)|s'inquiète|se félicite|témoigne|soupire|confirme|a confirmé"
)
_EN_VERBS = (
    r"said|says|told(?: \w+)?|added|adds|warned|warns|stressed|insisted|explained|declared|stated|noted|"
    r"argued|wrote|tweeted|asked|replied|announced|acknowledged|admitted|urged|claimed|recalled|"
    r"continued|concluded|judged|estimated|affirmed|assured|emphasised|emphasized|complained|remarked|"
    r"denounced|deemed|reiterated|repeated|conceded|vowed|promised|threatened|pointed out|explains|insists"
)
_VERB = rf"(?:{_FR_VERBS}|{_EN_VERBS})"
_AUX = r"(?:a|avait|ont|avaient|aurait|has|had)"
_OPEN, _CLOSE = "«“\"", "»”\""
_PAIR = re.compile(r"([«“\"])\s*([^«»“”\"]+?)\s*([»”\"])")
_LONE_CLOSE = re.compile(r"[»”“\"]")
# After a quotation: ", a déclaré X", ", said X", ", a-t-il dit", ", he said", ", X said", ", selon X".
_AFTER_VERB = re.compile(rf"^\s*[,:]?\s*(?:{_AUX}\s+)?(?:{_VERB})\s+(?P<rest>.+)", re.I | re.S)
_AFTER_PRONOUN = re.compile(
    rf"^\s*[,:]?\s*(?:\w+-t-(?:il|elle)|\w+-(?:il|elle)s?|(?:he|she)\s+(?:{_EN_VERBS})|(?:{_EN_VERBS})\s+(?:he|she))\b",
    re.I,
)
_AFTER_ACCORDING = re.compile(r"^\s*[,:]?\s*(?:selon|d'après|according to)\s+(?P<rest>.+)", re.I | re.S)
# "« … » dans les positions exprimées par X, a déclaré Y": the attribution after a short tail.
_AFTER_LATE_VERB = re.compile(rf"^[^.«»“”\"]{{0,120}}?,\s*(?:{_AUX}\s+)?(?:{_VERB})\s+(?P<rest>.+)", re.I | re.S)
_INVERTED_PRONOUN = re.compile(rf"\w+-t-(?:il|elle)\b|\b(?:he|she)\s+(?:{_EN_VERBS})\b", re.I)
_AFTER_NAME_VERB = re.compile(rf"^\s*[,:]?\s*(?P<name>[^,.;«»“”\"]{{2,90}}?)\s+(?:{_AUX}\s+)?(?:{_VERB})\b", re.S)
# Before a quotation, in the same sentence: "X a estimé que «", "X said:", "selon X, «", "He said".
_BEFORE_VERB = re.compile(rf"(?P<name>[^,.;«»“”\"]{{2,90}}?)\s+(?:{_AUX}\s+(?:\w+\s+)?)?(?:{_VERB})\b", re.S)
_BEFORE_ACCORDING = re.compile(r"(?:selon|d'après|according to|pour)\s+(?P<rest>[^,«»“”\"]+),", re.I)
_PRONOUN_SUBJECT = re.compile(r"^\s*(?:il|elle|he|she)\s*$", re.I)
_CUT = re.compile(
    r"\s(?:qui|lors|à l'issue|au cours|dans un|dans une|devant|pendant|who|during|at the|after|before|in a|on \w+day)\b"
    r"|[.;!?«»“”\"\n]",
    re.I,
)
_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’\-]*")
_PARTICLES = {"de", "du", "des", "von", "van", "der", "den", "al", "bin", "da", "di", "le", "la"}
_TITLES = {
    "secretary", "general", "minister", "deputy", "foreign", "prime", "president", "vice", "chancellor",
    "spokesman", "spokeswoman", "spokesperson", "ambassador", "director", "chief", "head", "leader", "senator",
    "governor", "mayor", "judge", "justice", "chairman", "chair", "ceo", "commissioner", "representative", "state",
    "mr", "mrs", "ms", "dr", "sir", "lord", "professor", "defence", "defense", "interior", "economy", "education",
    "immigration", "health", "finance", "opposition", "ministre", "président", "présidente", "secrétaire",
    "général", "générale", "vice-ministre", "porte-parole", "premier", "première", "affaires", "étrangères",
    "état", "d'état", "adjoint", "adjointe", "monsieur", "madame", "le", "la", "the", "of", "de", "du", "des",
}
_NOT_PERSON = {"street", "court", "open", "alliance", "council", "union", "house", "nations", "organization",
               "ministry", "party", "department", "république", "republic", "office", "cup", "bank", "commons"}


def _clean_name(words: list[str]) -> list[str]:
    """Drop titles and nationality words in front of a name: keep what follows the last title."""
    last_title = -1
    for i, word in enumerate(words):
        if word.lower().rstrip("'’s") in _TITLES or word.lower() in _TITLES:
            last_title = i
    words = words[last_title + 1:]
    while words and words[0].lower() in _PARTICLES:
        words = words[1:]
    return [w.removesuffix("'s").removesuffix("’s") for w in words]


def _spans(phrase: str) -> list[list[str]]:
    """Runs of capitalised words (with name particles) in a phrase."""
    spans: list[list[str]] = []
    current: list[str] = []
    for token in re.findall(r"[\w'’\-]+|[^\w\s]", phrase):
        if _NAME_WORD.fullmatch(token) or (current and token.lower() in _PARTICLES):
            current.append(token)
        else:
            if current:
                spans.append(current)
            current = []
    if current:
        spans.append(current)
    return spans


def _name_in(phrase: str, *, last: bool = False) -> str | None:
    """The person named in a phrase: a two-word name first, else a single capitalised word."""
    spans = [_clean_name(span) for span in _spans(phrase)]
    spans = [span for span in spans if span]
    if last:
        spans.reverse()
    for span in spans:
        if len(span) >= 2 and span[-1].lower() not in _NOT_PERSON:
            return " ".join(span)
    for span in spans:
        if span[0].lower() not in _TITLES and span[0].lower() not in _NOT_PERSON:
            return " ".join(span)
    return None


def _persons(text: str) -> list[tuple[int, str]]:
    """(position, name) of every two-word personal name in a text, for pronoun resolution."""
    found = []
    for match in re.finditer(r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:\s+(?:(?:de|von|van|der|al|bin)\s+)?[A-ZÀ-ÖØ-Þ][\w'’\-]*)+",
                             text):
        words = _clean_name(match.group().split())
        if len(words) >= 2 and words[-1].lower() not in _NOT_PERSON:
            found.append((match.start(), " ".join(words)))
    return found


def _attribute_after(after: str) -> tuple[str | None, bool]:
    """(speaker, is_pronoun) from the text following a quotation."""
    clause = after[:200]
    if _AFTER_PRONOUN.match(clause):
        return None, True
    for pattern in (_AFTER_ACCORDING, _AFTER_VERB):
        match = pattern.match(clause)
        if match:
            rest = _CUT.split(match.group("rest"), maxsplit=1)[0]
            # "the secretary general of NATO, Jens Stoltenberg": a title, a comma, then the name.
            head, _, tail = match.group("rest").partition(",")
            candidate = _name_in(rest)
            name = candidate if candidate and " " in candidate else None
            if name is None and tail:
                tail_name = _name_in(_CUT.split(tail, maxsplit=1)[0])
                if tail_name and " " in tail_name and _name_in(head) in (None, "NATO", "OTAN"):
                    name = tail_name
            return name or candidate, False
    match = _AFTER_NAME_VERB.match(clause)
    if match:
        if _PRONOUN_SUBJECT.match(match.group("name")):
            return None, True
        name = _name_in(match.group("name"), last=True)
        if name:
            return name, False
    match = _AFTER_LATE_VERB.match(clause)
    if match:
        return _name_in(_CUT.split(match.group("rest"), maxsplit=1)[0]), False
    return None, False


def _attribute_before(before: str) -> tuple[str | None, bool]:
    """(speaker, is_pronoun) from the sentence leading up to a quotation."""
    matches = list(_BEFORE_ACCORDING.finditer(before))
    according = matches[-1] if matches else None
    if according is not None:
        # "according to the secretary general of NATO, Jens Stoltenberg, «": the name may follow a title.
        name = _name_in(before[according.start("rest"):])
        if name:
            return name, False
    for match in _BEFORE_VERB.finditer(before):
        subject = match.group("name")
        if _PRONOUN_SUBJECT.match(subject.split(",")[-1]):
            return None, True
        name = _name_in(subject.split(",")[-1], last=True)
        if name:
            return name, False
    if _INVERTED_PRONOUN.search(before) or (according is not None and "lui" in according.group("rest").split()):
        return None, True
    return None, False


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts, looking back at most MAX_SENTENCE characters."""
    floor = max(0, position - MAX_SENTENCE)
    cut = max(text.rfind(". ", floor, position), text.rfind("! ", floor, position),
              text.rfind("? ", floor, position))
    return cut + 2 if cut >= 0 else floor


class _Persons:
    """The persons named in a document so far, registered paragraph by paragraph. Each paragraph
    is read once, and only when a pronoun or a bare surname needs resolving: most paragraphs hold
    no quotation, and a document's quotations rarely need anyone named before them."""

    def __init__(self) -> None:
        self._positions: list[int] = []
        self._names: list[str] = []
        self._by_surname: dict[str, str] = {}
        self._unread: list[tuple[str, int]] = []

    def add(self, text: str, offset: int) -> None:
        self._unread.append((text, offset))

    def _read(self) -> None:
        for text, offset in self._unread:
            for position, name in _persons(text):
                self._positions.append(offset + position)
                self._names.append(name)
                self._by_surname.setdefault(name.split()[-1], name)
        self._unread.clear()

    def last_before(self, here: int) -> tuple[int, str] | None:
        """The person named last before position ``here``."""
        self._read()
        return _last_before(self._positions, self._names, here)

    def full_name(self, surname: str) -> str | None:
        """The first person named with this last word ("Sherman" → "Wendy Sherman")."""
        self._read()
        return self._by_surname.get(surname)


def _last_before(positions: list[int], names: list[str], here: int) -> tuple[int, str] | None:
    """``max((pos, name))`` over the entries before ``here``; ``positions`` is sorted."""
    index = bisect_left(positions, here) - 1
    if index < 0:
        return None
    position, best = positions[index], names[index]
    while index > 0 and positions[index - 1] == position:
        index -= 1
        best = max(best, names[index])
    return position, best


_COMMA_NEXT = re.compile(r"\s*,")


# A "quotation" that holds its own attribution is a mismatched pair of marks, not a quote.
_SELF_ATTRIBUTED = re.compile(rf",\s*(?:{_AUX}\s+)?(?:{_VERB})\s+(?:the\s+|le\s+|la\s+)?[^,]*[A-Z]\w+\s+[A-Z]\w+", re.I)


def _quote_text(raw: str) -> str | None:
    text = " ".join(raw.split()).strip(" ,;:")
    if len(text.split()) < MIN_WORDS:
        return None
    if _SELF_ATTRIBUTED.search(text):
        return None
    return text


@dataclass
class _Speakers:
    """Speakers attributed so far, in document order (positions never decrease)."""

    positions: list[int]
    names: list[str]


def _block_quotes(text: str, offset: int, persons: _Persons, speakers: _Speakers) -> list[Quote]:
    """Quotes of one paragraph at ``offset`` in the document; ``persons`` holds everyone named up to
    the end of this paragraph, ``speakers`` the speakers of earlier quotations (extended here)."""
    # (start, end, quote, the attribution after it when already read)
    found: list[tuple[int, int, str, tuple[str | None, bool] | None]] = []
    used_starts: list[int] = []  # the pairs of marks: sorted and disjoint, so bisect finds them
    used_ends: list[int] = []
    for match in _PAIR.finditer(text):
        quote = _quote_text(match.group(2))
        used_starts.append(match.start())
        used_ends.append(match.end())
        if quote:
            found.append((match.start(), match.end(), quote, None))
    # A lone closing mark directly followed by an attribution ends a quotation whose opening
    # mark was lost: the quotation is the sentence before it.
    for match in _LONE_CLOSE.finditer(text):
        inside = bisect_right(used_starts, match.start()) - 1
        if inside >= 0 and match.start() < used_ends[inside]:
            continue
        after = text[match.end():match.end() + _ATTRIBUTION_WINDOW]
        if not _COMMA_NEXT.match(after):
            continue
        attribution = _attribute_after(after)
        if not any(attribution):
            continue
        previous = bisect_right(used_ends, match.start()) - 1
        start = max(_sentence_start(text, match.start() - 1), used_ends[previous] if previous >= 0 else 0)
        quote = _quote_text(text[start:match.start()])
        if quote:
            found.append((start, match.end(), quote, attribution))
    quotes: list[Quote] = []
    previous_end = 0
    for start, end, quote, attribution in sorted(found, key=lambda f: f[:3]):
        speaker, pronoun = attribution or _attribute_after(text[end:end + _ATTRIBUTION_WINDOW])
        if speaker is None and not pronoun:
            speaker, pronoun = _attribute_before(text[_sentence_start(text, start):start])
        here = offset + start
        if speaker is None and not pronoun and quotes and quotes[-1].speaker and {
                name for _pos, name in _persons(text[previous_end:start])} <= {quotes[-1].speaker}:
            # A quotation right after an attributed one, nobody else named between: same speaker.
            speaker = quotes[-1].speaker
        if speaker is None and pronoun:
            # The nearest speaker or person named before the pronoun.
            candidates = [found_ for found_ in (_last_before(speakers.positions, speakers.names, here),
                                                persons.last_before(here)) if found_]
            speaker = max(candidates)[1] if candidates else None
        if speaker and " " not in speaker:
            # "Sherman" after "Wendy Sherman" was named: the full name.
            speaker = persons.full_name(speaker) or speaker
        if speaker:
            speakers.positions.append(here)
            speakers.names.append(speaker)
        quotes.append(Quote(speaker=speaker, text=quote))
        previous_end = end
    return quotes


def _paragraphs(document: dict[str, Any]) -> list[str]:
    paragraphs = [b.get("text") or "" for b in document.get("blocks") or [] if b.get("type") != "heading"]
    if not paragraphs and document.get("text"):
        paragraphs = [p for p in str(document["text"]).split("\n\n") if p.strip()]
    return paragraphs


def _quotes_by_paragraph(document: dict[str, Any]) -> list[list[Quote]]:
    quotes: list[list[Quote]] = []
    speakers = _Speakers([], [])
    persons = _Persons()
    offset = 0  # of the paragraph in the document text (paragraphs joined by blank lines)
    for paragraph in _paragraphs(document):
        persons.add(paragraph, offset)
        quotes.append(_block_quotes(paragraph, offset, persons, speakers))
        offset += len(paragraph) + 2
    return quotes


def extract_quotes(document: dict[str, Any] | Document, language: str) -> list[Quote]:
    """Quotations in the body of a document (French or English), each with its speaker if stated."""
    if isinstance(document, Document):
        document = document.to_dict()
    del language  # the patterns of both languages are tried: translated text keeps French marks
    return [quote for paragraph in _quotes_by_paragraph(document) for quote in paragraph]


def translated_quotes(original: dict[str, Any] | Document, translation: dict[str, Any] | Document) -> list[Quote]:
    """Quotations of a translation, attributed from its original where the two agree.

    Who said what is read more reliably from the outlet's own sentence than from a machine
    translation of it ("le vice-ministre russe des Affaires étrangères Alexandre Grouchko" came out
    of Apertium as "the vice-Russian minister of the external Subjects Alexandre Grouchko"). The
    translation keeps the original's blocks and, checked by the ``quotes`` flag, its quotations: in
    every paragraph where both hold the same number of quotations, each translated quotation takes
    its speaker from the original's; elsewhere the translation's own attribution stands.
    """
    if isinstance(original, Document):
        original = original.to_dict()
    if isinstance(translation, Document):
        translation = translation.to_dict()
    source, target = _quotes_by_paragraph(original), _quotes_by_paragraph(translation)
    if len(source) != len(target):
        return [quote for paragraph in target for quote in paragraph]
    quotes: list[Quote] = []
    for source_quotes, target_quotes in zip(source, target, strict=True):
        if len(source_quotes) == len(target_quotes):
            quotes.extend(Quote(speaker=s.speaker or t.speaker, text=t.text)
                          for s, t in zip(source_quotes, target_quotes, strict=True))
        else:
            quotes.extend(target_quotes)
    return quotes
