"""Article metadata: title, author, publication and modification times, canonical URL, page language.

trafilatura's metadata reader (meta tags, JSON-LD, htmldate) gives the title, author, site name
and a publication *day*; the exact times and the canonical URL are read here from the markup news
sites use (``article:published_time``, JSON-LD ``datePublished``, ``<link rel=canonical>``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata

from babelwire.extract.boilerplate import comparable

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
_AUTHOR_PREFIX = re.compile(r"^(by|par|von|por|di|de|door)\s+", re.I)
_NOT_A_NAME = re.compile(r"https?:|www\.|\b(facebook|twitter|instagram|linkedin)\b|\bcom$", re.I)
_NOT_AUTHORS = {"name", "article by", "admin", "administrator", "redaction", "rédaction", "redaktion",
                "editor", "staff"}


@dataclass(slots=True)
class PageMetadata:
    """What the page says about the article, before its text is read."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    url: str | None = None
    site_names: tuple[str, ...] = ()
    html_language: str | None = None


def read_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    """Metadata of a parsed page; ``url`` is where it was fetched from (base for relative links)."""
    meta = extract_metadata(tree, url, dict(_DATE_CONFIG), False)
    values = _meta_values(tree)
    site_names = tuple(name for name in (meta.sitename, _host_label(url), _host_label(meta.url)) if name)
    published = _first_datetime(values, _PUBLISHED_KEYS, tree, "datePublished")
    if published is None and meta.date:
        published = _parse_datetime(meta.date)
    return PageMetadata(
        title=clean_title(meta.title, site_names),
        author=_clean_author(meta.author),
        published=published,
        modified=_first_datetime(values, _MODIFIED_KEYS, tree, "dateModified"),
        url=canonical_url(tree, url, values),
        site_names=site_names,
        html_language=_html_language(tree),
    )


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


def _clean_author(author: str | None) -> str | None:
    if not author:
        return None
    names = [_AUTHOR_PREFIX.sub("", name.strip()) for name in author.split(";")]
    names = [name for name in names if name and name.lower() not in _NOT_AUTHORS and not _NOT_A_NAME.search(name)]
    # Long lists are usually every author the site has, read from a sidebar.
    return "; ".join(names[:3])[:200] or None


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
