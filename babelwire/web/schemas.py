"""What the JSON API has beyond the read models (``store.readmodels``): paging envelopes and the
admin endpoints' request and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from babelwire.store.readmodels import ArticleSummary, SearchHit, StorySummary

_NEXT_DOC = "URL of the next page (a cursor link), null on the last; also the Link header's rel=\"next\"."
_PREVIOUS_DOC = "URL of the previous page, null on the first; also the Link header's rel=\"prev\"."
_OFFSET_DOC = "The offset asked for (deprecated offset/page paging); null on a page reached by cursor."


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    limit: int = Field(description="Items per page (at most 100).")
    offset: int | None = Field(description=_OFFSET_DOC)
    next: str | None = Field(description=_NEXT_DOC)
    previous: str | None = Field(description=_PREVIOUS_DOC)


class StoryPage(BaseModel):
    items: list[StorySummary]
    limit: int = Field(description="Items per page (at most 100).")
    offset: int | None = Field(description=_OFFSET_DOC)
    next: str | None = Field(description=_NEXT_DOC)
    previous: str | None = Field(description=_PREVIOUS_DOC)


class SearchPage(BaseModel):
    q: str
    items: list[SearchHit]
    limit: int = Field(description="Items per page (at most 100).")
    offset: int = Field(description="Hits skipped: search is ranked by relevance and pages by position.")
    next: str | None = Field(description="URL of the next page, null on the last; also the Link header's "
                                         "rel=\"next\".")
    previous: str | None = Field(description=_PREVIOUS_DOC)


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
_NEXT = "https://news.example.org/api/v1/articles?limit=1&cursor=AAEABdVl7uW9AAAAAAAAAAAq"
ARTICLE_PAGE_EXAMPLE = {
    "items": [{"id": 42, "url": "https://www.lemonde.fr/international/article/2022/01/12/otan-russie.html",
               "title": "Divergences persistantes entre l'OTAN et la Russie",
               "translated_title": "Persistent differences between NATO and Russia", "target": "en",
               "language": "fr", "source": "Le Monde", "source_id": 3, "story_id": 7, "revisions": 2,
               "engine": "ct2", "model": "opus-mt-fr-en", "first_seen_at": "2022-01-12T18:01:00+00:00",
               "published": "2022-01-12T17:31:00+00:00", "modified": None,
               "updated": "2022-01-12T20:00:00+00:00"}],
    "limit": 1, "offset": None, "next": _NEXT, "previous": _NEXT.replace("AAEABdVl", "AQEABdVl")}
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


LINK_HEADER = {"schema": {"type": "string"}, "description": (
    "RFC 8288 links to the neighbouring pages, when there are any: "
    "<https://…/api/v1/articles?limit=20&cursor=…>; rel=\"next\", <…>; rel=\"prev\".")}


def ok_example(example: object, description: str = "Successful Response", *,
               paged: bool = False) -> dict[int | str, dict[str, object]]:
    """The ``responses=`` entry giving a 200 answer its example (and, ``paged``, its Link header)."""
    answer: dict[str, object] = {"description": description, "content": {"application/json": {"example": example}}}
    if paged:
        answer["headers"] = {"Link": LINK_HEADER}
    return {200: answer}


# --- examples of the detail answers ---------------------------------------------------------------
_LABEL = "Machine translation (French → English) by ct2, model opus-mt-fr-en"
ARTICLE_EXAMPLE = {
    "id": 42, "url": "https://www.lemonde.fr/international/article/2022/01/12/otan-russie.html", "source": "Le Monde",
    "source_id": 3, "story_id": 7, "language": "fr", "target": "en",
    "title": "Divergences persistantes entre l'OTAN et la Russie",
    "translated_title": "Persistent differences between NATO and Russia", "author": "Jean Dupont",
    "authors": ["Jean Dupont"], "agency": None, "published": "2022-01-12T17:31:00+00:00", "modified": None,
    "first_seen_at": "2022-01-12T18:01:00+00:00", "updated": "2022-01-12T20:00:00+00:00",
    "translation": {"target": "en", "engine": "ct2", "model": "opus-mt-fr-en",
                    "created_at": "2022-01-12T20:00:05+00:00", "label": _LABEL, "license": "CC-BY-4.0",
                    "license_url": "https://creativecommons.org/licenses/by/4.0/",
                    "attribution": "OPUS-MT, Helsinki-NLP", "model_url": "https://huggingface.co/Helsinki-NLP/opus-mt-fr-en",
                    "title_flags": []},
    "note": None, "available_targets": ["en"],
    "blocks": [{"index": 0, "type": "paragraph",
                "original": "Le Conseil OTAN-Russie s'est réuni mercredi à Bruxelles pendant quatre heures.",
                "translated": "The NATO-Russia Council met in Brussels on Wednesday for four hours.", "flags": []},
               {"index": 1, "type": "quote", "original": "« Nous avons des divergences importantes », a-t-il dit.",
                "translated": "“We have significant differences,” he said.",
                "flags": [{"name": "length", "description": "The translation is much shorter or longer than the "
                                                           "original.", "evidence": ["length ratio 0.41"],
                          "detail": "length ratio 0.41"}]}],
    "figures": [], "revisions": [
        {"number": 2, "fetched_at": "2022-01-12T20:00:00+00:00", "content_hash": "9f2c…", "targets": ["en"]},
        {"number": 1, "fetched_at": "2022-01-12T18:01:00+00:00", "content_hash": "41ab…", "targets": ["en"]}]}
STORY_EXAMPLE = {
    "id": 7, "title": "Persistent differences between NATO and Russia", "start_at": "2022-01-12T17:31:00+00:00",
    "end_at": "2022-01-12T19:40:00+00:00", "article_count": 2, "outlets": ["Der Spiegel", "Le Monde"],
    "languages": ["de", "fr"],
    "articles": [
        {"id": 42, "url": "https://www.lemonde.fr/international/article/2022/01/12/otan-russie.html",
         "source": "Le Monde", "language": "fr", "title": "Divergences persistantes entre l'OTAN et la Russie",
         "translated_title": "Persistent differences between NATO and Russia", "translation_target": "en",
         "published": "2022-01-12T17:31:00+00:00",
         "lead": "The NATO-Russia Council met in Brussels on Wednesday for four hours.",
         "quotes": [{"speaker": "Jens Stoltenberg", "text": "“We have significant differences,” he said."}]},
        {"id": 45, "url": "https://www.spiegel.de/ausland/nato-russland-rat.html", "source": "Der Spiegel",
         "language": "de", "title": "Nato-Russland-Rat ohne Durchbruch",
         "translated_title": "NATO-Russia Council without a breakthrough", "translation_target": "en",
         "published": "2022-01-12T19:40:00+00:00", "lead": "No rapprochement after four hours of talks in Brussels.",
         "quotes": []}],
    "timeline": [
        {"at": "2022-01-12T17:31:00+00:00", "article_id": 42, "source": "Le Monde", "language": "fr",
         "title": "Persistent differences between NATO and Russia", "revision": 1, "first_report": True,
         "summary": "first report", "change": None},
        {"at": "2022-01-12T19:40:00+00:00", "article_id": 45, "source": "Der Spiegel", "language": "de",
         "title": "NATO-Russia Council without a breakthrough", "revision": 1, "first_report": False,
         "summary": "published", "change": None},
        {"at": "2022-01-12T20:00:00+00:00", "article_id": 42, "source": "Le Monde", "language": "fr",
         "title": "Persistent differences between NATO and Russia", "revision": 2, "first_report": False,
         "summary": "1 paragraph changed, 1 added",
         "change": {"revision": 2, "at": "2022-01-12T20:00:00+00:00", "changed": 1, "added": 1, "removed": 0,
                    "title_changed": False, "summary": "1 paragraph changed, 1 added"}}]}
# An article not yet grouped: its story of one (id null).
LONE_STORY_EXAMPLE = {
    "id": None, "title": "Persistent differences between NATO and Russia", "start_at": "2022-01-12T17:31:00+00:00",
    "end_at": "2022-01-12T17:31:00+00:00", "article_count": 1, "outlets": ["Le Monde"], "languages": ["fr"],
    "articles": STORY_EXAMPLE["articles"][:1], "timeline": STORY_EXAMPLE["timeline"][:1]}
# Two outlets compared (two of the facts and one speaker shown).
_COMPARE_TRANSLATION = {
    "target": "en", "engine": "ct2", "model": "opus-mt-fr-en", "created_at": "2022-01-12T18:02:11+00:00",
    "label": "Machine translation from French by ct2 (opus-mt-fr-en). Not reviewed by a human.",
    "license": "CC-BY-4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "OPUS-MT, Helsinki-NLP", "model_url": "https://huggingface.co/Helsinki-NLP/opus-mt-fr-en",
    "title_flags": []}
COMPARE_EXAMPLE = {'id': 7,
 'title': 'NATO–Russia',
 'target': 'en',
 'start_at': '2022-01-12T18:00:00+00:00',
 'end_at': '2022-01-12T20:00:00+00:00',
 'outlets': ['RFI', 'RT en français'],
 'languages': ['fr'],
 'threshold': 0.2,
 'articles': [{'id': 42,
               'url': 'https://francais.rt.com/international/otan-russie',
               'source': 'RT en français',
               'language': 'fr',
               'published': '2022-01-12T17:31:00+00:00',
               'title': "« Divergences sur des questions fondamentales » avec l'OTAN, selon la diplomatie russe",
               'translated_title': '« Differences on fundamental issues » persist with NATO, according to Russian '
                                   'diplomacy',
               'lead': "À l'issue d'une réunion Russie-OTAN le 12 janvier à Bruxelles, le vice-ministre russe des "
                       "Affaires étrangères Alexandre Grouchko a jugé « impératif » que l'Alliance atlantique "
                       "renonce à s'étendre.",
               'translated_lead': 'After a Russia-NATO meeting on January 12 in Brussels, Deputy Foreign Minister '
                                  'Alexander Grouchko judged that it was « imperative » that the Atlantic Alliance '
                                  'refrain from expanding further to the East.',
               'translation': _COMPARE_TRANSLATION,
               'note': None},
              {'id': 45,
               'url': 'https://www.rfi.fr/fr/europe/20220112-otan-russie',
               'source': 'RFI',
               'language': 'fr',
               'published': '2022-01-12T17:32:00+00:00',
               'title': 'OTAN-Russie : malgré de « grandes divergences », le dialogue reste ouvert',
               'translated_title': 'NATO-Russia: despite « major differences », the dialogue remains open',
               'lead': "Lors des discussions entre l'OTAN et la Russie, mercredi 12 janvier à Bruxelles, Moscou a "
                       "campé sur ses positions concernant le non-élargissement de l'Alliance atlantique.",
               'translated_lead': 'During discussions between NATO and Russia on Wednesday January 12 in Brussels, '
                                  'Moscow stuck to its positions concerning the non-enlargement of the Atlantic '
                                  'Alliance, a request refused by NATO.',
               'translation': _COMPARE_TRANSLATION,
               'note': None}],
 'omitted': [],
 'truncated': [],
 'facts': [{'outlets': ['RT en français', 'RFI'],
            'only_one_outlet': False,
            'compared_in': 'original',
            'similarity': 0.214,
            'numbers_differ': False,
            'sentences': [{'article_id': 42,
                           'source': 'RT en français',
                           'block': 0,
                           'original': "À l'issue d'une réunion Russie-OTAN le 12 janvier à Bruxelles, le "
                                       'vice-ministre russe des Affaires étrangères Alexandre Grouchko a jugé « '
                                       "impératif » que l'Alliance atlantique renonce à s'étendre.",
                           'translated': 'After a Russia-NATO meeting on January 12 in Brussels, Deputy Foreign '
                                         'Minister Alexander Grouchko judged that it was « imperative » that the '
                                         'Atlantic Alliance refrain from expanding further to the East.',
                           'flags': [],
                           'conflicting_numbers': [],
                           'numbers_language': None},
                          {'article_id': 45,
                           'source': 'RFI',
                           'block': 0,
                           'original': "Lors des discussions entre l'OTAN et la Russie, mercredi 12 janvier à "
                                       'Bruxelles, Moscou a campé sur ses positions concernant le '
                                       "non-élargissement de l'Alliance atlantique.",
                           'translated': 'During discussions between NATO and Russia on Wednesday January 12 in '
                                         'Brussels, Moscow stuck to its positions concerning the non-enlargement '
                                         'of the Atlantic Alliance, a request refused by NATO.',
                           'flags': [],
                           'conflicting_numbers': [],
                           'numbers_language': None}]},
           {'outlets': ['RFI'],
            'only_one_outlet': True,
            'compared_in': None,
            'similarity': 1.0,
            'numbers_differ': False,
            'sentences': [{'article_id': 45,
                           'source': 'RFI',
                           'block': 1,
                           'original': '« La conversation a été très franche », a ajouté le vice-ministre russe '
                                       'des Affaires étrangères Alexandre Grouchko.',
                           'translated': '« The conversation was very frank », added Russian Deputy Foreign '
                                         'Minister Alexander Grouchko.',
                           'flags': [],
                           'conflicting_numbers': [],
                           'numbers_language': None}]}],
 'speakers': [{'speaker': 'Alexandre Grouchko',
               'names': ['Alexandre Grouchko', 'Alexander Grouchko'],
               'outlets': ['RT en français', 'RFI'],
               'quotes': [{'status': 'only',
                           'outlets': ['RT en français'],
                           'quotes': [{'article_id': 42,
                                       'source': 'RT en français',
                                       'speaker': 'Alexandre Grouchko',
                                       'original': 'Nous ne laisserons pas cela se produire',
                                       'translated': 'We will not let this happen'}]},
                          {'status': 'only',
                           'outlets': ['RFI'],
                           'quotes': [{'article_id': 45,
                                       'source': 'RFI',
                                       'speaker': 'Alexandre Grouchko',
                                       'original': 'La conversation a été très franche',
                                       'translated': 'The conversation was very frank'}]}]}]}
