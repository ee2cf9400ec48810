"""What the JSON API has beyond the read models (``store.readmodels``): paging envelopes and the
admin endpoints' request and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from babelwire.store.readmodels import ArticleSummary, SearchHit, StorySummary


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, null on the last.")
    previous: str | None


class StoryPage(BaseModel):
    items: list[StorySummary]
    limit: int
    offset: int
    next: str | None
    previous: str | None


class SearchPage(BaseModel):
    q: str
    items: list[SearchHit]
    limit: int
    offset: int
    next: str | None
    previous: str | None


# An absolute http(s) URL in printable ASCII (non-ASCII percent-encoded): host name or IPv4 address
# (no user info; an IPv6 literal needs the CLI), optional port, then path, query and fragment.
HTTP_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[!$&-.0-9;=A-Z_a-z~%]+(:[0-9]{1,5})?([/?#][!-~]*)?$"
LANGUAGE_CODE = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"
POSITIVE_DURATION = r"^[1-9][0-9]{0,3}[smhdw]?$"


class NewSource(BaseModel):
    """A source to watch. The limits are the store's columns' (the URL one character short: a
    missing path becomes "/"), so a request that fits this schema fits the store."""

    model_config = {"json_schema_extra": {"examples": [
        {"url": "https://www.lemonde.fr/rss/une.xml", "name": "Le Monde", "lang": "fr", "every": "15m"}]}}

    url: str = Field(min_length=8, max_length=2047, pattern=HTTP_URL, examples=["https://www.lemonde.fr/rss/une.xml"],
                     description="A feed, sitemap, article page, or site home page (its feed is discovered); "
                                 "http or https, ASCII (percent-encode the rest).")
    name: str | None = Field(default=None, max_length=300, description="Display name; default: the feed's title.")
    lang: str | None = Field(default=None, max_length=16, pattern=LANGUAGE_CODE, examples=["fr"],
                             description="Language of the source (ISO 639 code, optionally with a region); "
                                         "default: detect.")
    every: str | None = Field(default=None, max_length=5, pattern=POSITIVE_DURATION, examples=["15m"],
                              description="Poll interval: a positive whole number with a unit (s, m, h, d, w; "
                                          "none: seconds), e.g. 90s, 15m, 2h; default: [poll] every.")


class CreatedSource(BaseModel):
    """The source as stored: the URL probed may have led to another one (a site's feed)."""

    model_config = {"json_schema_extra": {"examples": [
        {"id": 3, "name": "Le Monde", "url": "https://www.lemonde.fr/rss/une.xml", "kind": "feed",
         "language": "fr", "interval": 900.0}]}}

    id: int
    name: str
    url: str
    kind: str
    language: str | None
    interval: float = Field(description="Poll interval in seconds.")


# --- examples of the list answers, for /openapi.json and the readers of /docs -----------------------
_NEXT = "https://news.example.org/api/articles?limit=1&offset=1"
ARTICLE_PAGE_EXAMPLE = {
    "items": [{"id": 42, "url": "https://www.lemonde.fr/international/article/2022/01/12/otan-russie.html",
               "title": "Divergences persistantes entre l'OTAN et la Russie",
               "translated_title": "Persistent differences between NATO and Russia", "target": "en",
               "language": "fr", "source": "Le Monde", "source_id": 3, "story_id": 7, "revisions": 2,
               "engine": "ct2", "model": "opus-mt-fr-en", "first_seen_at": "2022-01-12T18:01:00+00:00",
               "published": "2022-01-12T17:31:00+00:00", "modified": None,
               "updated": "2022-01-12T20:00:00+00:00"}],
    "limit": 1, "offset": 0, "next": _NEXT, "previous": None}
STORY_PAGE_EXAMPLE = {
    "items": [{"id": 7, "title": "Divergences persistantes entre l'OTAN et la Russie",
               "start_at": "2022-01-12T17:31:00+00:00", "end_at": "2022-01-12T19:40:00+00:00", "article_count": 3,
               "outlets": ["Le Monde", "Der Spiegel", "El País"], "languages": ["de", "es", "fr"]}],
    "limit": 1, "offset": 0, "next": _NEXT.replace("articles", "stories"), "previous": None}
SEARCH_PAGE_EXAMPLE = {
    "q": "OTAN", "items": [{"id": 42, "title": "Divergences persistantes entre l'OTAN et la Russie", "lang": "fr",
                            "snippet": "Divergences persistantes entre l'<mark>OTAN</mark> et la Russie",
                            "language": "fr", "source": "Le Monde",
                            "url": "https://www.lemonde.fr/international/article/2022/01/12/otan-russie.html",
                            "published": "2022-01-12T17:31:00+00:00"}],
    "limit": 20, "offset": 0, "next": None, "previous": None}
SOURCES_EXAMPLE = [
    {"id": 3, "name": "Le Monde", "url": "https://www.lemonde.fr/rss/une.xml", "kind": "feed", "language": "fr",
     "interval": 900.0, "articles": 1250, "last_success_at": "2022-01-12T18:00:00+00:00", "last_error": None,
     "last_error_at": None, "consecutive_failures": 0, "next_poll_at": "2022-01-12T18:15:00+00:00",
     "article_errors": 0}]


def ok_example(example: object, description: str = "Successful Response") -> dict[int | str, dict[str, object]]:
    """The ``responses=`` entry giving a 200 answer its example."""
    return {200: {"description": description, "content": {"application/json": {"example": example}}}}
