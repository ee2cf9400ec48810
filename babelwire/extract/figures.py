"""Image captions and credits: out of the body, into ``Document.figures``.

News pages put a caption and a photo credit under every image ("Jens Stoltenberg à Bruxelles,
le 12 janvier. AP - Olivier Matthys"). In the body they interrupt the text; kept apart they are
what a reader shows under the picture. They are found twice:

- in the markup, before extraction: ``<figure>``/``<figcaption>`` and the elements whose class
  names a caption or a credit (``caption``, ``legende``, ``bildunterschrift``, ``credit``,
  ``copyright``…). Body blocks with the same text are then removed;
- in the extracted blocks, by their wording: a short block that starts with a credit label
  ("Photo :", "Foto:", "Crédits photos :", "Bild:", "Fot.", "©"…) or ends with one ("… © AFP /
  Marco Bertorello", "… (Foto: dpa)").
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

from lxml.html import HtmlElement

from babelwire.document import Figure
from babelwire.extract.markup import Markup

MAX_FIGURES = 60
MAX_CAPTION_CHARS = 600
MAX_CREDIT_CHARS = 120
# Longer blocks are article text even when they start like a caption.
MAX_CAPTION_BLOCK_CHARS = 320

_CAPTION_CLASS = re.compile(
    r"caption|l[eé]gende|\blegend\b|bildunterschrift|\bbu\b|bu-text|image-?desc|imagedescription|photo-?desc"
    r"|img-?desc|pie-?(?:de-?)?foto|didascalia|media-?text|photo-?text|bildtext|foto-?text", re.IGNORECASE)
_CREDIT_CLASS = re.compile(
    r"credit|copyright|photographer|fotograf|bildquelle|image-?source|photo-?source|foto-?autor|urheber"
    r"|source-?image|bildnachweis|fotonachweis|autor-foto|photo-?author", re.IGNORECASE)
_SKIPPED_ANCESTORS = frozenset({"footer", "nav", "aside"})
# Class names (or their start) of the areas whose pictures belong to other pages.
_FURNITURE = re.compile(r"(?:^|\s)(?:related|sidebar|footer|recirculation|teaser-list|most-?read|popular|widget"
                        r"|newsletter|comment|menu|nav)[\w-]*", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_CREDIT = re.compile(r"impressum|datenschutz|privacy|mentions légales|all rights|tous droits|alle rechte"
                         r"|riproduzione riservata|reproduction interdite|derechos reservados|права защищены"
                         r"|^\W*(anzeige|werbung|advertisement|publicité|ad|sponsored)\W*$|mit material von",
                         re.IGNORECASE)

# Credit labels, at the start of a block or after the caption.
_CREDIT_LABEL = (
    r"(?:crédits?(?: photos?| images?)?|photos?|foto(?:s|grafie|grafía)?|fot\.|bild(?:er)?|titelbild|titelfoto"
    r"|beitragsbild|aufmacherbild|headerbild|copyright|images?|pictures?|picture credit|photo credit|image credit"
    r"|photo source|image source|bildquelle|crédito(?:s)?(?: de la imagen)?|imagen|fuente de la imagen|foto di"
    r"|credito|фото|фотография|источник фото|иллюстрация|صورة|الصورة|مصدر الصورة|illustration|grafik|quelle bild)"
)
_LABEL_ONLY = re.compile(rf"^\W{{0,2}}{_CREDIT_LABEL}\s*[:：]\s*|\s*{_CREDIT_LABEL}\s*[:：]\s*$", re.IGNORECASE)
_LEADING_CREDIT = re.compile(rf"^\W{{0,2}}(?:{_CREDIT_LABEL}\s*[:：|/]|©|(?:fot|phot|foto)\.(?=\s))\s*\S"
                             r"|^\W{0,2}(?:abbildung|abb\.|fig\.|figure|figura|рис\.|рисунок)\s*\d+\s*[:.]\s*\S",
                             re.IGNORECASE)
_TRAILING_CREDIT = re.compile(
    rf"(?:\s*[|·]\s*|\s+[-–—]\s+|[.!?)»\"]\s*|\s+)(?:\(\s*)?(?:©|\(c\)|{_CREDIT_LABEL}\s*[:：]|{_CREDIT_LABEL}\s*/)"
    rf"\s*(?P<credit>[^()©]{{2,{MAX_CREDIT_CHARS}}}?)\s*\)?\.?$",
    re.IGNORECASE)


# More elements than this inside a caption element is a container with an article in it.
MAX_CAPTION_ELEMENTS = 40


# "… (foto Ansa)", "… (Photo Reuters)", "… (رويترز)": a credit in brackets, with a label or an agency.
_TRAILING_AGENCY = re.compile(
    r"\s*\((?P<credit>(?:foto|photo|фото|صورة)\s+[^()]{2,60}|رويترز|الفرنسية|أ ف ب|الأناضول|الأوروبية|أسوشيتد برس"
    r"|AFP|Reuters|AP|EPA|dpa|EFE|ANSA|Getty Images|ТАСС|РИА Новости)\)\.?$", re.IGNORECASE)


def collect_figures(markup: Markup) -> list[Figure]:
    """Captions and credits of the page's images, in document order, from its markup."""
    figures: list[Figure] = []
    seen: set[HtmlElement] = set()  # elements, not ids: lxml's proxies live as long as they are held
    for element in markup.figures:
        if element in seen or not isinstance(element.tag, str) or len(figures) >= MAX_FIGURES:
            continue
        classes = element.get("class") or ""
        if element.tag == "figure":
            figure = _from_container(element, seen, element.find(".//figcaption"))
        elif element.tag == "figcaption" or _CAPTION_CLASS.search(classes):
            figure = _from_container(element, seen, element)
        elif _CREDIT_CLASS.search(classes):
            seen.add(element)
            figure = Figure(None, _credit(element.text_content()))
        else:
            continue
        if figure is None or not (figure.caption or figure.credit) or figure in figures:
            continue
        if figure.caption is None and not _photo_credit(figure.credit or ""):
            continue
        if _in_page_furniture(element):
            continue
        if figure.caption is None and figures and figures[-1].caption and figures[-1].credit is None:
            figures[-1] = Figure(figures[-1].caption, figure.credit)  # a credit next to its caption
        else:
            figures.append(figure)
    return figures


def figure_of_block(text: str) -> Figure | None:
    """The figure a caption block of the body gives, or None when it is a site's copyright line."""
    figure = Figure(*split_credit(text))
    parts = [part for part in (figure.caption, figure.credit) if part]
    if not parts or any(_NOT_CREDIT.search(part) for part in parts):
        return None
    return figure


def _credit(text: str | None) -> str | None:
    """A credit without its label ("Foto: dpa" → "dpa", "© Reuters" → "Reuters")."""
    text = _clean(text)
    if not text:
        return None
    caption, credit = split_credit(text)
    credit = (credit if caption is None and credit else text).lstrip("©").strip(" .:|")
    return credit if credit and len(credit) <= MAX_CREDIT_CHARS else None


def _photo_credit(credit: str) -> bool:
    """A credit alone is kept when it names a photographer or an agency, not when it is the site's
    copyright line ("© 2021 Vincentz Network", "Impressum Datenschutz … ©"), a label or an advert."""
    return (any(ch.isalpha() for ch in credit) and len(credit) <= 80 and _YEAR.search(credit) is None
            and _NOT_CREDIT.search(credit) is None)


def _from_container(container: HtmlElement, seen: set[HtmlElement],
                    caption_element: HtmlElement | None) -> Figure | None:
    """The caption and credit inside a figure or a caption element."""
    inside = list(islice(container.iter(), MAX_CAPTION_ELEMENTS + 1))
    seen.update(inside)
    if len(inside) > MAX_CAPTION_ELEMENTS:
        return None
    credits = [element for element in inside
               if element is not container and isinstance(element.tag, str)
               and _CREDIT_CLASS.search(element.get("class") or "")]
    written = _clean(" ".join(element.text_content() for element in credits[:2]))
    credit = _credit(written)
    caption: str | None = None
    if caption_element is not None:
        caption = _clean(caption_element.text_content())
        if written and caption:
            caption = _clean(caption.replace(written, " "))
        if caption and credit:
            caption = _LABEL_ONLY.sub("", caption).strip() or None  # "Photo: Minister X…" → "Minister X…"
    if caption and len(caption) > MAX_CAPTION_CHARS:
        return None  # a container with an article inside, not a caption
    if caption and credit is None:
        caption, credit = split_credit(caption)
        credit = _credit(credit)
    if caption and _NOT_CREDIT.fullmatch(caption):
        caption = None
    return Figure(caption or None, credit or None)


def _in_page_furniture(element: HtmlElement) -> bool:
    """Inside a footer, a menu, a sidebar, a teaser list or the site's header (not an article's):
    the pictures of other pages, or the site's logo."""
    ancestors = list(element.iterancestors())
    if any(ancestor.tag in _SKIPPED_ANCESTORS or _FURNITURE.search(ancestor.get("class") or "")
           for ancestor in ancestors):
        return True
    tags = [ancestor.tag for ancestor in ancestors]
    return "header" in tags and not any(tag in ("article", "main") for tag in tags[tags.index("header"):])


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def split_credit(text: str) -> tuple[str | None, str | None]:
    """("caption", "credit") of a caption that ends with its credit ("… © AFP / Marco Bertorello",
    "… (Foto: dpa)", "… Photo : Reuters") or is nothing but a credit ("Crédits photos : Bestimage")."""
    text = _clean(text)
    leading = re.match(rf"^\W{{0,2}}(?:{_CREDIT_LABEL}\s*[:：|/]|©|(?:fot|phot|foto)\.(?=\s))\s*(?P<rest>.+)$", text,
                       re.IGNORECASE)
    if leading is not None:
        rest = leading.group("rest").strip()
        caption, credit = split_credit(rest) if not rest.startswith("©") else (None, rest)
        if credit is not None:  # "Bild: Logo des Preises | © Springer"
            return caption, credit.lstrip("© ").strip(" .") or None
        if len(rest.split()) <= 8 and len(rest) <= MAX_CREDIT_CHARS:  # "Photo : Reuters", "Crédits : X"
            return None, rest.strip(" .") or None
        return rest, None  # "Bild: Logo des Preises, verliehen …"
    agency = _TRAILING_AGENCY.search(text)
    if agency is not None and agency.start() > 0:
        return text[:agency.start()].strip() or None, agency.group("credit").strip()
    trailing = _TRAILING_CREDIT.search(text)
    if trailing is not None and trailing.start() > 0:
        end = trailing.start()
        caption = text[:end].strip() + (text[end] if text[end] in ".!?)»\"" else "")
        return caption.strip() or None, trailing.group("credit").strip(" .") or None
    return text or None, None


def caption_block(text: str) -> bool:
    """True when a body block reads as an image caption or credit (see the module docstring)."""
    flat = _clean(text)
    if not flat or len(flat) > MAX_CAPTION_BLOCK_CHARS:
        return False
    if _LEADING_CREDIT.match(flat):
        return True
    trailing = _TRAILING_CREDIT.search(flat)
    # "… © X" / "… (Foto: X)" at the end of a short block; a bare "(AFP)" is an agency, not a credit.
    return trailing is not None and ("©" in trailing.group(0) or ":" in trailing.group(0) or "/" in trailing.group(0))
