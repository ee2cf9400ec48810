"""Article metadata: title, authors, agency, publication and modification times, canonical URL,
page language.

trafilatura's metadata reader (meta tags, JSON-LD, htmldate) gives the title, author, site name
and a publication *day*; the exact times and the canonical URL are read here from the markup news
sites use (``article:published_time``, JSON-LD ``datePublished``, ``<link rel=canonical>``). The
author trafilatura finds and the page's byline elements are parsed by :mod:`.byline` (names
without labels, dates and separators; the agency apart), and give the dates when no meta tag does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document as TrafilaturaMetadata

from babelwire.extract.byline import Byline, byline_texts, parse_byline
from babelwire.extract.markup import Markup, scan_markup
from babelwire.extract.textforms import comparable

logger = logging.getLogger(__name__)

# htmldate without its extensive search: that search costs ~40 ms a page and only finds a day
# that the meta tags below already give for news pages.
_DATE_CONFIG = {"original_date": True, "extensive_search": False}

_PUBLISHED_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "publish-date", "article.published", "dc.date.issued", "dcterms.created", "date",
                   "sailthru.date", "parsely-pub-date")
_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "article.updated",
                  "dcterms.modified", "last-modified")
_JSON_DATE = re.compile(r'"(datePublished|dateModified)"\s*:\s*"([^"]{6,40})"')
_TITLE_SEPARATORS = re.compile(r"\s+[-–—|·:/»]\s+|\s*[|·]\s*")


@dataclass(slots=True)
class PageMetadata:
    """What the page says about the article, before its text is read."""

    title: str | None = None
    published: datetime | None = None  # from a meta tag, JSON-LD or <time>: the exact time
    modified: datetime | None = None
    url: str | None = None
    site_names: tuple[str, ...] = ()
    html_language: str | None = None
    byline: Byline = field(default_factory=Byline)  # authors, agency and the dates the bylines state

    @property
    def author(self) -> str | None:
        return ", ".join(self.byline.authors) or None


def read_metadata(tree: HtmlElement, url: str | None, markup: Markup | None = None) -> PageMetadata:
    """Metadata of a parsed page; ``url`` is where it was fetched from (base for relative links),
    ``markup`` the page's scanned elements when the caller has them."""
    meta = _trafilatura_metadata(tree, url)
    values = _meta_values(tree)
    site_names = tuple(name for name in (meta.sitename, _host_label(url), _host_label(meta.url)) if name)
    # The author trafilatura found (JSON-LD, meta tags, else its own byline search), then the
    # page's byline elements: names from the first that has some, agency and dates from any.
    byline = _author_byline(meta.author)
    for text in byline_texts(markup if markup is not None else scan_markup(tree)):
        byline.merge(parse_byline(text))
    return PageMetadata(
        title=clean_title(meta.title, site_names),
        published=_first_datetime(values, _PUBLISHED_KEYS, tree, "datePublished"),
        modified=_first_datetime(values, _MODIFIED_KEYS, tree, "dateModified"),
        url=canonical_url(tree, url, values),
        site_names=site_names,
        html_language=_html_language(tree),
        byline=byline,
    )


def _trafilatura_metadata(tree: HtmlElement, url: str | None) -> TrafilaturaMetadata:
    """trafilatura's ``extract_metadata`` without the parts babelwire does not use or does itself:
    categories, tags and licence are not read; the author search in the markup (a deep copy of the
    tree, ~10 ms) is :func:`.byline.byline_texts` on the already scanned markup; the publication day
    (htmldate) is :func:`publication_day`, only asked for when no meta tag and no byline gives a date."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # as trafilatura: a one-word meta author is a site or a handle
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as exc:
        logger.debug("JSON-LD metadata not read: %s", exc)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (match := META_URL.match(metadata.url)):
        metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata


def publication_day(tree: HtmlElement, url: str | None) -> datetime | None:
    """The publication day htmldate finds in the page (URL, headers, text), without its extensive
    search; the last resort when neither the meta tags nor a byline give a date."""
    try:
        found = find_date(tree, url=url, **_DATE_CONFIG)
    except Exception as exc:
        logger.debug("htmldate failed: %s", exc)
        return None
    return _parse_datetime(found) if found else None


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), content.strip())
    return values


def canonical_url(tree: HtmlElement, url: str | None, values: dict[str, str] | None = None) -> str | None:
    """``<link rel=canonical>``, else og:url, made absolute against ``url``; else ``url``."""
    candidates = [link.get("href") for link in tree.iter("link")
                  if "canonical" in (link.get("rel") or "").lower().split()]
    candidates.append((values if values is not None else _meta_values(tree)).get("og:url"))
    for href in candidates:
        if not href or not href.strip():
            continue
        absolute = urljoin(url or "", href.strip())
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return url


def clean_title(title: str | None, site_names: tuple[str, ...]) -> str | None:
    """The headline without a leading or trailing site name ("Headline – Le Monde")."""
    if not title:
        return None
    title = " ".join(title.split())
    # The whole site name, which may hold separators itself ("AOC media - Analyse Opinion Critique").
    for name in sorted({" ".join(n.split()) for n in site_names if n}, key=len, reverse=True):
        folded, name_folded = title.casefold(), name.casefold()
        if folded.endswith(name_folded) and len(name) < len(title):
            head = title[: len(title) - len(name)]
            if _TITLE_SEPARATORS.search(head[-4:] + "x") and head.rstrip(" -–—|·:/»"):
                return head.rstrip(" -–—|·:/»") or None
        if folded.startswith(name_folded) and len(name) < len(title):
            tail = title[len(name):]
            if _TITLE_SEPARATORS.match("x" + tail[:4]) and tail.lstrip(" -–—|·:/»"):
                return tail.lstrip(" -–—|·:/»") or None
    # Else one segment that looks like the site ("RT en français" ~ "rtenfrancais", "Le Monde.fr" ~
    # "lemonde"): equal or containing, never on fragments short enough to match by chance.
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        names = {comparable(name).replace(" ", "") for name in site_names}
        for index in (-1, 0):
            part = comparable(parts[index]).replace(" ", "")
            if part and any(part == name or (len(part) >= 4 and part in name)
                            or (len(name) >= 4 and name in part and len(part) <= len(name) + 12)
                            or (len(name) >= 3 and part.startswith(name) and len(part) <= len(name) + 12)
                            for name in names):
                # Cut at the separator itself so the rest keeps its punctuation.
                match = list(_TITLE_SEPARATORS.finditer(title))[index]
                title = title[:match.start()] if index == -1 else title[match.end():]
                break
    return title.strip() or None


def _host_label(url: str | None) -> str | None:
    """"lemonde" for https://www.lemonde.fr/...: the part of a host name a site is called by."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = host.split(".")
    return labels[-2] if len(labels) >= 2 else (labels[0] or None)


def _author_byline(author: str | None) -> Byline:
    """trafilatura's author ("A; B", sometimes with the byline's labels left in: "Publié le;
    Pierre Benazet") parsed name by name."""
    byline = Byline()
    if not author:
        return byline
    names: list[str] = []
    for part in author.split(";"):
        parsed = parse_byline(part)
        names += [name for name in parsed.authors if name not in names]
        parsed.authors = []
        byline.merge(parsed)
    byline.authors = names[:3] if len(names) > 5 else names
    return byline


def _first_datetime(values: dict[str, str], keys: tuple[str, ...], tree: HtmlElement, json_key: str) -> datetime | None:
    for key in keys:
        if key in values and (parsed := _parse_datetime(values[key])):
            return parsed
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        for match in _JSON_DATE.finditer(script.text):
            if match.group(1) == json_key and (parsed := _parse_datetime(match.group(2))):
                return parsed
    for element in tree.iter("time"):
        if (element.get("itemprop") or "").lower() == json_key.lower() and element.get("datetime"):
            return _parse_datetime(element.get("datetime"))
    return None


def _parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 (with or without zone) or RFC 2822; None for anything else or implausible years."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if len(value) > 10 else value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed


def _html_language(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    code = lang.split("-")[0].split("_")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None
