"""Small French news sites built in memory for end-to-end tests, served by LoopbackServer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from babelwire.loopback import LoopbackServer, Request, Response

PARAGRAPHS = [
    "La réunion entre les représentants de la Russie et des pays membres de l'OTAN s'est tenue mercredi "
    "12 janvier au siège de l'Alliance atlantique à Bruxelles, deux jours après des pourparlers à Genève.",
    "« La conversation a été très franche, directe, profonde, intense », a déclaré le vice-ministre russe "
    "des Affaires étrangères Alexandre Grouchko lors d'un point presse en fin d'après-midi.",
    "Le secrétaire général de l'OTAN, Jens Stoltenberg, a pour sa part estimé que « de grandes "
    "divergences » subsistaient sur la sécurité en Europe, tout en saluant la poursuite du dialogue.",
    "Moscou a soumis à la mi-décembre aux États-Unis et à l'OTAN des projets de traités dont l'élément "
    "principal serait la promesse de l'Alliance de ne pas s'élargir davantage vers l'Est.",
    "La perspective d'adhésion offerte en 2008 à l'Ukraine reste sur la table, et les trente pays membres "
    "jugeront souverainement du moment où le pays sera prêt à la rejoindre.",
]


def article_html(title: str, paragraphs: list[str], *, url: str | None = None, lang: str = "fr") -> bytes:
    canonical = f'<link rel="canonical" href="{escape(url)}">' if url else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)} – Le Journal</title>
{canonical}<meta property="og:title" content="{escape(title)}">
<meta name="author" content="Pierre Benazet">
<meta property="article:published_time" content="2022-01-12T18:30:00+01:00">
</head><body>
<a href="#main" class="skip-link">Aller au contenu</a>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li></ul></nav>
<main id="main"><article>
<h1>{escape(title)}</h1>
{body}
</article></main>
<footer><p>© Le Journal 2022 — Tous droits réservés</p></footer>
</body></html>""".encode()


def rss(items: list[tuple[str, str]], *, title: str = "Le Journal – International") -> bytes:
    """RSS 2.0 with (url, title) items."""
    now = datetime(2022, 1, 12, 18, tzinfo=UTC)
    parts = []
    for i, (url, item_title) in enumerate(items):
        date = format_datetime(now - timedelta(minutes=i))
        parts.append(f"<item><title>{escape(item_title)}</title><link>{escape(url)}</link>"
                     f"<guid>{escape(url)}</guid><pubDate>{date}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://example.org/</link><language>fr</language>{''.join(parts)}</channel></rss>").encode()


class NewsSite:
    """Articles and a feed on a LoopbackServer, with ETag support, editable between polls."""

    def __init__(self, server: LoopbackServer, prefix: str = "/site") -> None:
        self.server = server
        self.prefix = prefix
        self.articles: dict[str, bytes] = {}
        self.feed_items: list[tuple[str, str]] = []
        self.feed_url = server.route(f"{prefix}/feed.xml", self._serve_feed)

    def add(self, slug: str, title: str, paragraphs: list[str] | None = None, *, in_feed: bool = True) -> str:
        path = f"{self.prefix}/{slug}.html"
        url = self.server.url(path)
        self.articles[path] = article_html(title, paragraphs or PARAGRAPHS, url=url)
        self.server.route(path, self._serve_article)
        if in_feed:
            self.feed_items.insert(0, (url, title))
        return url

    def _conditional(self, request: Request, body: bytes, content_type: str) -> Response:
        etag = f'"{abs(hash(body)):x}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(b"", 304, {"ETag": etag})
        return Response(body, 200, {"Content-Type": content_type, "ETag": etag})

    def _serve_feed(self, request: Request) -> Response:
        return self._conditional(request, rss(self.feed_items), "application/rss+xml")

    def _serve_article(self, request: Request) -> Response:
        return self._conditional(request, self.articles[request.path], "text/html; charset=utf-8")


def slow_news_site(server: LoopbackServer, count: int, *, delay: float) -> NewsSite:
    """``count`` articles on the NATO–Russia meeting whose pages answer after ``delay`` seconds, so a
    worker killed mid-run holds messages: running ones and prefetched ones."""
    site = NewsSite(server)
    for i in range(count):
        site.add(f"article-{i}", f"Article numéro {i} sur la réunion OTAN-Russie",
                 [f"Paragraphe propre à l'article {i}.", *PARAGRAPHS])
    for path, body in list(site.articles.items()):
        server.route(path, Response(body, headers={"Content-Type": "text/html; charset=utf-8"}, delay=delay))
    return site
