"""Bylines parsed, not copied: authors, the credited news agency, and the dates a byline states.

A byline reads "Publié le : 12/01/2022 - 21:03 · Par notre correspondant à Bruxelles, Pierre
Benazet", "By Jane Doe and John Roe, Reuters", "Von Anna Schmidt, dpa", "Por María López (EFE)" or
"Текст: Иван Петров". :func:`parse_byline` splits it at its separators, takes the dates out
(published, modified), strips the labels ("Par", "By", "Von", "Por", "Di", "Texte :", "notre
correspondant à Bruxelles,"…), recognises agency credits ("avec AFP", "(dpa)", "Reuters") and keeps
what is left only when it looks like people's names. The same parser cleans the author that the page's
metadata gives, the byline elements of the markup and the byline lines left in the body.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from babelwire.extract.markup import Markup

# Most authors a byline is trusted with: longer lists are every author of a site, read from a sidebar.
MAX_AUTHORS = 5
MAX_NAME_CHARS = 60
# Longer texts are not bylines (an author's biography, a paragraph mentioning a name).
MAX_BYLINE_CHARS = 220

# Canonical agency name → how pages write it. Short all-capital names (AP, PAP, APA, ATS…) only
# count in capitals, so that "ap" or "Pap" in a name is not an agency.
_AGENCIES: tuple[tuple[str, str, bool], ...] = (
    # (canonical, pattern, case-sensitive)
    ("AFP", r"AFP|Agence France[- ]Presse|agence France[- ]Presse", True),
    ("Reuters", r"reuters", False),
    ("AP", r"AP|Associated Press", True),
    ("dpa", r"dpa|DPA|Dpa", True),
    ("EFE", r"EFE|Agencia EFE", True),
    ("ANSA", r"ANSA|Ansa", True),
    ("TASS", r"TASS|ТАСС|ИТАР-ТАСС|Tass", True),
    ("Xinhua", r"xinhua|新华社", False),
    ("RIA Novosti", r"RIA Novosti|RIA NOVOSTI|Ria Novosti|РИА Новости|РИА НОВОСТИ|RIA|РИА", True),
    ("Interfax", r"interfax|интерфакс", False),
    ("Europa Press", r"europa press", False),
    ("Belga", r"belga|BELGA", True),
    ("APA", r"APA", True),
    ("ATS", r"ATS|SDA|Keystone-ATS|Keystone-SDA|ATS-SDA", True),
    ("KNA", r"KNA", True),
    ("epd", r"epd", True),
    ("PAP", r"PAP", True),
    ("AGI", r"AGI", True),
    ("Adnkronos", r"adnkronos", False),
    ("LaPresse", r"lapresse", False),
    ("Lusa", r"lusa|LUSA", True),
    ("Anadolu", r"anadolu|anadolu ajansı|anadolu agency", False),
    ("Kyodo", r"kyodo", False),
    ("Yonhap", r"yonhap", False),
    ("UPI", r"UPI", True),
    ("Notimex", r"notimex", False),
    ("Télam", r"télam|telam", False),
    ("ANP", r"ANP", True),
    ("ČTK", r"ČTK|CTK", True),
    ("Ukrinform", r"ukrinform|укрінформ|укринформ", False),
    ("UNIAN", r"UNIAN|УНИАН|УНІАН", True),
    ("IRNA", r"IRNA", True),
    ("WAFA", r"WAFA|وفا", True),
    ("MENA", r"MENA", True),
    ("APS", r"APS", True),
    ("MAP", r"MAP", True),
    ("QNA", r"QNA|قنا", True),
    ("KUNA", r"KUNA|كونا", True),
    ("SPA", r"واس", True),
    ("Sputnik", r"sputnik|спутник", False),
    ("Reuters", r"رويترز", True),
    ("AFP", r"الفرنسية|فرانس برس|أ ف ب", True),
    ("AP", r"أسوشيتد برس|أ ب", True),
    ("EPA", r"EPA|الأوروبية", True),
    ("Anadolu", r"الأناضول", True),
    ("Bloomberg", r"bloomberg", False),
)
_AGENCY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", 0 if case else re.IGNORECASE))
    for name, pattern, case in _AGENCIES
)
# A whole segment that names agencies and nothing else: "AFP", "(dpa)", "dpa/lnw", "aja/PAP", "AFP/Reuters".
_AGENCY_HINT = re.compile(
    r"^\W*(?:(?:avec|with|mit|con|com|e|et|and|und|y|і|и|с|مع)\s+(?:l'|les |der |la |las |the )?"
    r"|(?:source|sources|quelle|fuente|fuentes|fonte|fonti|источник|المصدر|agences?|agencies|agenturen"
    r"|agencias|agenzie)\s*[:：]?\s*)?"
    r"(?P<rest>.+?)\W*$", re.IGNORECASE)

# Labels in front of authors.
_NAME_LABEL = re.compile(
    r"^(?:(?:text|texte|texto|testo|textes|words|story|reporting|reportage|recherche|interview|entretien"
    r"|entrevista|intervista|autor(?:in|en|es|a|as)?|auteurs?|autrices?|authors?|firma|редактор|автор(?:ы)?"
    r"|текст|беседовал(?:а)?|подготовил(?:а|и)?|تحرير|إعداد|كتب(?:ت)?|بقلم)\s*[:：]\s*"
    r"|(?:written|reported|edited|compiled|posted|published|story|words|photos?)\s+by\s*[:：]?\s+"
    r"|(?:(?:ein )?beitrag|artikel|rezept|eingestellt|gepostet|geschrieben|verfasst|publié|écrit|publicado"
    r"|escrito|pubblicato|scritto|opublikowano)\s+(?:von|par|por|da|przez)\s+"
    r"|(?:(?:zeige |view |voir )?(?:alle|all|tous les) (?:beiträge|posts|articles) (?:von|by|de)"
    r"|zum profil von|profil von|mehr von|more from|plus d'articles de|ver más de|interview|entretien"
    r"|propos recueillis par|interviewed by|author|autor)\s+"
    r"|(?:von|by|par|por|di|de|da|door|av|af|od|przez|від|от|بقلم|كتب(?:ت)?)\s*[:：]?\s+)",
    re.IGNORECASE)
# What ends the names of a segment: a photo credit, a job or desk ("Jens Bergmann Foto: X",
# "Leszek Jażdżewski Redakcja Liberte!").
_NAMES_END = re.compile(r"\s+(?:fotos?|photos?|bild|illustration|grafik|video)\s*:.*$"
                        r"|\s+(?:redakcja|redaktion|rédaction|redacción|redazione|редакция)\b.*$", re.IGNORECASE)
# A capital inside a word after three lower-case letters: two words glued ("SauerDo", "HoeltmannFollow").
_GLUED = re.compile(r"(?<=[a-zà-ÿ]{3})(?=[A-ZÀ-Þ][a-zà-ÿ])")
# Correspondent phrases that end with a comma before the name: "notre correspondant à Bruxelles,".
_CORRESPONDENT = re.compile(
    r"^(?:(?:de |d'|from |von |de la |de nuestr[oa]s? |dal |dalla |dai |от |من )?"
    r"(?:notre|nos|our|unser(?:em|er|e)?|nuestr[oa]s?|nostr[oa]|nostri|наш(?:его|ей|и)?|مراسل(?:نا|تنا)?)"
    r"\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:correspondant(?:e|es|s)?|envoyée?s? spéciale?s?|envoyé(?:e|s)?|correspondents?|reporters?|special envoy"
    r"|korrespondent(?:in|en)?|reporter(?:in)?|corresponsal(?:es)?|enviad[oa]s? especial(?:es)?|corrispondent[ei]"
    r"|inviat[oa] special[ei]|корреспондент(?:а|ка)?|مراسل)"
    r"(?:\s+[^,]{0,40})?\s*,\s*)",
    re.IGNORECASE)
_JOBS = re.compile(r"^(?:journaliste|journalist(?:in)?|periodista|giornalista|reporter|correspondant(?:e)?"
                   r"|correspondent|korrespondent(?:in)?|corresponsal|redakteur(?:in)?|rédacteur|rédactrice"
                   r"|editor|éditeur|photographe|photographer|fotograf(?:in)?|fotógrafo|staff writer)\b",
                   re.IGNORECASE)
# Words that end an author list and everything after them ("Tiempo de lectura: 4 min", "Stand: …").
_TRAILERS = re.compile(
    r"\s*(?:\b(?:tiempo de lectura|temps de lecture|lesezeit|reading time|tempo di lettura|время чтения"
    r"|min(?:ute)?s? read|lecture \d|stand|aktualisiert|updated|mis à jour|actualizado|aggiornato|обновлено"
    r"|publié|published|veröffentlicht|publicado|pubblicato|опубликовано)\b.*)$",
    re.IGNORECASE)
# Between several names.
# (case-sensitive: "John E Smith" keeps its initial; "AND" joins names in capitals.)
_NAME_SPLIT = re.compile(r"\s*(?:[,;/&+،]|\b(?:and|And|AND|et|und|y|e|i|и|و)\b)\s*")
# Lower-case words allowed inside a name ("Jean de La Fontaine", "Ursula von der Leyen").
_PARTICLES = frozenset({"de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "des", "la", "le",
                        "van", "von", "zu", "ter", "ten", "y", "bin", "ibn", "al", "el", "ben", "abu", "mc", "st",
                        "d'", "l'", "e"})
_NOT_NAMES = frozenset({
    "name", "article by", "admin", "administrator", "redaction", "rédaction", "la rédaction", "redaktion",
    "die redaktion", "editor", "editors", "staff", "team", "newsroom", "redacción", "la redacción", "redazione",
    "la redazione", "редакция", "unbenannt", "anonymous", "anonyme", "guest", "gast", "user", "super user",
    "web", "online", "desk", "news desk", "web desk", "editorial", "editorial board", "agencies", "agences",
    "agenturen", "agencias", "agenzie", "wire", "wires", "wire services", "afp/reuters", "publiziert",
    "gesponserte inhalte", "sponsored content", "neueste signaturen", "zespół", "redakcja", "autor", "author",
    "follow", "unknown", "beitrag", "red",
})
_DESKS = frozenset({"redazione", "redaktion", "rédaction", "redacción", "redakcja", "редакция", "service", "desk",
                    "staff", "team", "newsroom", "ressort", "servizio", "servicio", "sección", "الإدارة", "قسم"})
_NOT_A_NAME = re.compile(r"https?:|\bwww\b|@|\.(?:com|org|net|de|fr|es|it|ru)\b|\d|\bcopyright\b"
                         r"|\b(?:facebook|twitter|instagram|linkedin|telegram|youtube|whatsapp)\b", re.IGNORECASE)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    "janvier jan january enero ene januar jänner gennaio gen janeiro января январь январ يناير كانون الثاني",
    "février fév fev feb february febrero febr februar febbraio fevereiro fevereiro февраля февраль فبراير شباط",
    "mars mar march marzo märz março марта март مارس آذار",
    "avril avr apr april abril aprile апреля апрель أبريل إبريل نيسان",
    "mai may mayo maggio mag maio мая май مايو أيار",
    "juin jun june junio juni giugno giu junho июня июнь يونيو حزيران",
    "juillet juil jul july julio juli luglio lug julho июля июль يوليو تموز",
    "août aout aug august agosto ago августа август أغسطس آب",
    "septembre sept sep september septiembre settembre set setembro сентября сентябрь سبتمبر أيلول",
    "octobre oct october octubre oktober ottobre ott outubro out октября октябрь أكتوبر تشرين الأول",
    "novembre nov november noviembre novembro ноября ноябрь نوفمبر تشرين الثاني",
    "décembre déc dec december diciembre dic dezember dez dicembre dezembro декабря декабрь ديسمبر كانون الأول",
), start=1):
    for _name in _names.split():
        _MONTHS.setdefault(_name.casefold(), _number)
_MONTH = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_TIME = r"(?P<h>[012]?\d)\s*(?:[:h.]|heures?\s*)\s*(?P<mi>[0-5]\d)(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?(?:\s*(?:uhr|h))?"
_DATE_FORMS = (
    # 2022-01-12, 2022-01-12T21:03
    rf"(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?:[T ,]+(?:à |a las |alle |um |at |в )?{_TIME})?",
    # 12/01/2022 - 21:03, 12.01.2022 21:03 Uhr, 12-01-2022
    rf"(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)[/.-](?P<y>(?:19|20)\d\d)(?:\s*(?:[-–—,·|]|à|a las|alle|um|at|в)?\s*{_TIME})?",
    # 12 janvier 2022 à 21h03, 12. Januar 2022, 12 de enero de 2022, 12 января 2022 года
    rf"(?P<d>[0-3]?\d)(?:er|st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<mn>{_MONTH})\.?,?\s+(?:de\s+|del\s+)?(?P<y>(?:19|20)\d\d)"
    rf"(?:\s*г(?:ода|\.)?)?(?:\s*(?:[-–—,·|]|à|a las|alle|um|at|в)?\s*{_TIME})?",
    # January 12, 2022 9:03 pm
    rf"(?P<mn>{_MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)"
    rf"(?:\s*(?:[-–—,·|]|at)?\s*{_TIME})?",
)
_DATE_PARTS = [re.compile(form, re.IGNORECASE) for form in _DATE_FORMS]
_MODIFIED_LABEL = re.compile(r"(?:mis à jour|modifié|actualisé|updated|last updated|last modified|modified|aktualisiert"
                             r"|zuletzt aktualisiert|letzte änderung|geändert|stand|actualizado|actualización"
                             r"|modificado|aggiornato|aggiornamento|modificato|atualizado|обновлено|изменено"
                             r"|تم التحديث|آخر تحديث|تحديث)(?:\s+(?:le|el|il|am|on|at|à|alle|um|du|del|vom|в))?\W*$",
                             re.IGNORECASE)
# Date labels and relative times, removed with the dates they introduce.
_DATE_WORDS = re.compile(
    r"\b(?:publié|publiée|mis en ligne|modifié|mis à jour|actualisé|published|posted|updated|last updated"
    r"|last modified|modified|veröffentlicht|aktualisiert|zuletzt aktualisiert|letzte änderung|geändert"
    r"|erstellt|stand|publicado|actualizado|modificado|pubblicato|aggiornato|modificato|atualizado"
    r"|publiziert|veröffentlichung|opublikowano|опубликовано|обновлено|изменено)"
    r"(?:\s+(?:le|el|il|am|on|at|à|a las|alle|um|du|del|vom|в))?\b\s*[:：]?"
    r"|(?:نشر في|نشر|آخر تحديث|تحديث)\s*[:：]?"
    r"|\b(?:il y a|vor|hace|fa|назад)\s+\d+\s*\w+|\b\d+\s*(?:minutes?|hours?|days?|mins?|hrs?)\s+ago\b"
    # weekdays, which come with dates ("Jueves", "am Samstag")
    r"|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles"
    r"|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)\b,?",
    re.IGNORECASE)


@dataclass(slots=True)
class Byline:
    """What a byline says: authors (in order), the agency credited, and the dates it states."""

    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    published: datetime | None = None
    modified: datetime | None = None

    def merge(self, other: Byline) -> None:
        """Fill what is still unknown from another byline (authors as a whole, not mixed)."""
        if not self.authors:
            self.authors = list(other.authors)
        self.agency = self.agency or other.agency
        self.published = self.published or other.published
        self.modified = self.modified or other.modified


def agency_of(text: str) -> str | None:
    """The canonical name of the agency a short segment credits ("avec AFP", "(dpa)", "aja/PAP"), or None."""
    match = _AGENCY_HINT.match(" ".join(text.split()))
    if match is None:
        return None
    rest = match.group("rest")
    parts = [part for part in re.split(r"\s*[/,;+&]\s*|\s+(?:and|et|und|y|e|и)\s+", rest) if part]
    found: str | None = None
    for part in parts:
        name = _agency_name(part.strip("()[] ."))
        if name is not None:
            found = found or name
        elif len(part) > 4 or not part.isalpha() or not part.islower():
            return None  # something else than agencies and editors' initials ("dpa/lnw")
    return found


def _agency_name(text: str) -> str | None:
    for name, pattern in _AGENCY_PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return name
    return None


def parse_date(text: str) -> datetime | None:
    """The first date (and time) written in ``text``: numeric (day first), ISO or with a month name
    in French, English, German, Spanish, Italian, Portuguese, Russian or Arabic; naive (a byline
    gives no time zone)."""
    found = _find_dates(text)
    return found[0][2] if found else None


def _find_dates(text: str) -> list[tuple[int, int, datetime]]:
    """(start, end, date) of every date written in ``text``, in order, without overlaps."""
    spans: list[tuple[int, int, datetime]] = []
    for form in _DATE_PARTS:
        for match in form.finditer(text):
            parsed = _date_from(match)
            if parsed is not None:
                spans.append((match.start(), match.end(), parsed))
    spans.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int, datetime]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _date_from(match: re.Match[str]) -> datetime | None:
    groups = match.groupdict()
    try:
        year, day = int(groups["y"]), int(groups["d"])
        month = _MONTHS.get(groups["mn"].casefold().rstrip(".")) if groups.get("mn") else int(groups["m"])
        if month is None:
            return None
        if month > 12 >= day:  # 01/13/2022: the month came first after all
            day, month = month, day
        hour = int(groups["h"]) if groups.get("h") else 0
        minute = int(groups["mi"]) if groups.get("mi") else 0
        ampm = (groups.get("ampm") or "").replace(".", "").replace(" ", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        parsed = datetime(year, month, day, hour, minute)
    except (TypeError, ValueError):
        return None
    return parsed if 1990 <= parsed.year <= 2100 else None


def parse_byline(text: str) -> Byline:
    """Authors, agency and dates of one byline text (see the module docstring)."""
    byline = Byline()
    text = unicodedata.normalize("NFKC", " ".join(text.split())).replace("’", "'")
    if not text or len(text) > MAX_BYLINE_CHARS:
        return byline
    text = _take_dates(text, byline)
    names: list[str] = []
    for segment in re.split(r"\s*(?:[·•|\n]|\s[-–—]\s|;|\s{2,})\s*", text):
        segment = segment.strip(" ,:-–—()[]")
        if not segment:
            continue
        agency = agency_of(segment)
        if agency is not None:
            byline.agency = byline.agency or agency
            continue
        segment = _TRAILERS.sub("", segment)
        # "Par Pierre Benazet avec AFP", "By Jane Doe, Reuters", "Von Anna Schmidt (dpa)".
        tail = re.search(r"(?:\s+(?:avec|with|mit|con|com|и|с|مع)\s+|\s*[,(]\s*)([^,()]+?)\W*$", segment)
        if tail is not None and (agency := _agency_name(tail.group(1).strip())) is not None:
            byline.agency = byline.agency or agency
            segment = segment[:tail.start()]
        for name in _names(segment):
            agency = _agency_name(name)
            if agency is not None:
                byline.agency = byline.agency or agency
            elif name not in names:
                names.append(name)
    byline.authors = names[:MAX_AUTHORS]
    return byline


def _take_dates(text: str, byline: Byline) -> str:
    """Record the dates written in ``text`` (a modification label makes a date the modified one)
    and return the text without them and their labels."""
    pieces: list[str] = []
    last = 0
    for start, end, parsed in _find_dates(text):
        before = text[last:start]
        if _MODIFIED_LABEL.search(before.strip(" :·|,-–—")) and byline.modified is None:
            byline.modified = parsed
        elif byline.published is None:
            byline.published = parsed
        else:
            byline.modified = byline.modified or parsed
        pieces += [before, " · "]
        last = end
    pieces.append(text[last:])
    # Labels left without their dates ("Publié le :", "Updated", "il y a 3 heures").
    return _DATE_WORDS.sub(" · ", "".join(pieces))


def _names(segment: str) -> list[str]:
    """The people named in one byline segment, without labels, places and job titles."""
    segment = _NAMES_END.sub("", segment.strip(" ~*•·|-–—:©"))
    glued = _GLUED.search(segment)
    if glued is not None and len(segment[:glued.start()].split()) >= 2:  # not a brand ("StarsInsider")
        segment = segment[:glued.start()]
    segment = _CORRESPONDENT.sub("", _NAME_LABEL.sub("", segment))
    segment = _NAME_LABEL.sub("", segment)  # "Par notre correspondant, par X" is rare but cheap
    found: list[str] = []
    for part in _NAME_SPLIT.split(segment):
        part = part.strip(" .:-–—'\"()[]")
        if not part or _JOBS.match(part):
            continue
        name = clean_name(part)
        if name is not None:
            found.append(name)
    return found


def clean_name(text: str) -> str | None:
    """A person's (or an organisation's) name as a byline gives it, or None when it is not one:
    words capitalised (lower-case particles allowed inside), no digits, links or handles. A name
    written all in lower case by a site's style ("giampiero maggio") is capitalised."""
    if text.islower() and 2 <= len(text.split()) <= 3 and all(w.isalpha() for w in text.split()):
        text = text.title()
    words = text.split()
    if not words or _NOT_A_NAME.search(text) or text.casefold() in _NOT_NAMES:
        return None
    # Trailing lower-case words are what followed a name ("Lüder Hoppe info-hoppe de"), if a name is left.
    trimmed = list(words)
    while trimmed and _is_lower(trimmed[-1]):
        trimmed.pop()
    if len(trimmed) >= 2 and len(words) - len(trimmed) <= 2:
        words = trimmed
    if words and words[0].casefold() in _DESKS:
        return None  # "Redazione Politica", "Service politique": a desk, not a person
    if not 1 <= len(words) <= 6 or any(_is_lower(w) and w.casefold() not in _PARTICLES for w in words):
        return None
    name = " ".join(words)
    if sum(ch.isalpha() for ch in name) < 2:
        return None  # "< >"
    if any(ch.isalpha() and ch.lower() != ch.upper() for ch in name) and not any(w[:1].isupper() for w in words):
        return None  # particles alone ("von"): in a script with capitals, a name has one
    cased = any(ch.isupper() for ch in name)
    if len(name) > MAX_NAME_CHARS or (cased and len(name.replace(" ", "")) <= 3 and " " not in name):
        return None  # initials ("dpa/lnw", "AgE", "det") are editors' codes, not names
    if name.casefold() in _NOT_NAMES:
        return None
    return name


def _is_lower(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and letters[0].islower()


_NOT_BYLINE = re.compile(r"avatar|bio|widget|share|social|author-list|authors-list|comment", re.I)
# Sections whose authors are not the article's: comments, teasers, sidebars, footers.
# (whole class names, or their start: "sticky-sidebar-parent" wraps whole articles).
_NOT_BYLINE_AREA = re.compile(r"(?:^|\s)(?:comment|related|sidebar|footer|recirculation)[\w-]*", re.I)
_NOT_BYLINE_AREAS = frozenset({"footer", "aside", "nav"})
_NOT_BYLINE_TAGS = _NOT_BYLINE_AREAS | {"meta", "link", "script", "style", "body", "html", "head", "title"}


def byline_texts(markup: Markup, limit: int = 6) -> list[str]:
    """Texts of the page's byline elements, in document order, outermost first (at most ``limit``)."""
    texts: list[str] = []
    for element in markup.bylines:
        if element.tag in _NOT_BYLINE_TAGS or _NOT_BYLINE.search(element.get("class") or ""):
            continue
        if any(ancestor.tag in _NOT_BYLINE_AREAS or _NOT_BYLINE_AREA.search(ancestor.get("class") or "")
               for ancestor in element.iterancestors()):
            continue
        if any(ancestor.tag in ("figure", "figcaption") for ancestor in element.iterancestors()):
            continue  # a photo's credit, not the article's author
        text = " ".join(element.text_content().split())
        if len(text.split()) > 14 and not _BYLINE_START.match(text):
            continue  # a sentence (a caption, a biography) that mentions names
        if text and len(text) <= MAX_BYLINE_CHARS and text not in texts:
            texts.append(text)
            if len(texts) >= limit:
                break
    return texts


# A body block that is a byline: a label and a name, or a dated line ("Publié le 12/01/2022 · Par X").
_BYLINE_START = re.compile(
    r"^\W{0,3}(?:par|by|von|por|di|door|av|texte?|texto|testo|text|autor(?:in)?|auteur|written by|reported by"
    r"|publié|publiée|mis en ligne|published|posted|updated|veröffentlicht|aktualisiert|publicado|actualizado"
    r"|pubblicato|aggiornato|опубликовано|обновлено|автор|текст|بقلم|كتب|نشر)\b", re.IGNORECASE)


def byline_block(text: str) -> Byline | None:
    """The byline a short body block is, or None when it is article text."""
    flat = " ".join(text.split())
    if len(flat) > 160:
        return None
    if not _BYLINE_START.match(flat):
        dates = _find_dates(flat[:40])
        if not dates or dates[0][0] > 3:  # nor a line that opens with a date ("April 26, 2022 · By X")
            return None
    byline = parse_byline(flat)
    if not byline.authors and byline.published is None and byline.modified is None:
        return None
    # Everything but the recognised parts must be labels and separators: rebuild and compare.
    rest = _take_dates(" ".join(flat.split()), Byline())
    rest = _NAME_LABEL.sub("", rest.strip(" ·|:-–—"))
    for name in byline.authors:
        rest = rest.replace(name, " ")
    rest = _CORRESPONDENT.sub("", rest.strip(" ·|:-–—,"))
    rest = re.sub(r"[\W\d_]+", " ", rest).strip()
    leftover = [w for w in rest.split() if w.casefold() not in _BYLINE_WORDS and _agency_name(w) is None]
    return byline if len(leftover) <= 1 else None


_BYLINE_WORDS = frozenset({
    "par", "by", "von", "por", "di", "de", "door", "av", "texte", "text", "texto", "testo", "autor", "autorin",
    "auteur", "written", "reported", "avec", "with", "mit", "con", "and", "et", "und", "y", "e", "le", "la", "am",
    "on", "at", "à", "a", "las", "alle", "um", "du", "del", "vom", "il", "el", "uhr", "h", "publié", "publiée",
    "published", "posted", "updated", "veröffentlicht", "aktualisiert", "publicado", "actualizado", "pubblicato",
    "aggiornato", "mis", "jour", "en", "ligne", "modifié", "опубликовано", "обновлено", "автор", "текст", "в",
    "بقلم", "كتب", "نشر", "في", "notre", "correspondant", "correspondante", "our", "correspondent",
})


# "PARIS (AFP) -", "BERLIN (dpa) –", "MADRID, 12 Ene. (EUROPA PRESS) -", "ROMA (ANSA) -";
# "МОСКВА, 15 сен — РИА Новости.", "ТАСС, 12 января."
_DATELINE = re.compile(r"^[A-ZÀ-ÝА-Я][\w'’. -]{1,40}(?:,\s*[^()]{1,30})?\s*\(([^()]{2,30})\)\s*[-–—:.]"
                       r"|^[A-ZÀ-ÝА-Я][\w'’. -]{1,40},[^—–()]{1,25}[—–-]\s*([^.,—–]{2,30})\.")


def dateline_agency(text: str) -> str | None:
    """The agency named in the dateline that opens an agency dispatch, or None."""
    match = _DATELINE.match(text)
    if match is None:
        return None
    return _agency_name((match.group(1) or match.group(2)).strip())
