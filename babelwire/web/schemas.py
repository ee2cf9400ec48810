"""Response and request models of the JSON API (they make up the OpenAPI schema)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Times are ISO 8601 strings with a UTC offset, as stored.


class Flag(BaseModel):
    name: str = Field(description="Quality flag id, e.g. numbers, quotes, untranslated.")
    description: str
    evidence: list[str] = Field(default_factory=list, description=(
        "What the check found: the words left untranslated, the numbers missing, the quotation marks "
        "counted, the length ratio; empty for translations stored before evidence was kept."))
    detail: str | None = Field(default=None, description=(
        "The flag with its evidence as one line, e.g. \"left untranslated: endiguement, dépens\"."))


class ArticleSummary(BaseModel):
    id: int
    url: str = Field(description="The original article's canonical URL.")
    title: str | None = Field(description="Original title.")
    translated_title: str | None = Field(description="Title in the target language; null until translated.")
    target: str
    language: str | None = Field(description="Language of the original.")
    source: str
    source_id: int
    story_id: int | None
    revisions: int
    engine: str | None
    model: str | None
    first_seen_at: str | None
    published: str | None
    modified: str | None
    updated: str | None


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, null on the last.")
    previous: str | None


class TranslationInfo(BaseModel):
    target: str
    engine: str
    model: str | None
    created_at: str | None
    label: str = Field(description="The machine-translation notice shown to readers.")
    license: str | None = Field(default=None, description="Licence of the model that made the translation "
                                "(e.g. CC-BY-4.0 for OPUS-MT, CC-BY-NC-4.0 for NLLB-200).")
    license_url: str | None = Field(default=None, description="Link to the licence text.")
    attribution: str | None = Field(default=None, description="Who made the model, as its licence asks.")
    model_url: str | None = Field(default=None, description="Where the model is published.")
    title_flags: list[Flag]


class Block(BaseModel):
    index: int
    type: str
    original: str | None
    translated: str | None
    flags: list[Flag]


class RevisionInfo(BaseModel):
    number: int
    fetched_at: str | None
    content_hash: str
    targets: list[str]


class ArticleDetail(BaseModel):
    id: int
    url: str
    source: str | None
    source_id: int
    story_id: int | None
    language: str | None
    target: str
    title: str | None
    translated_title: str | None
    author: str | None
    published: str | None
    modified: str | None
    first_seen_at: str | None
    updated: str | None
    translation: TranslationInfo | None
    note: str | None = Field(description="Why the original is shown (no translation), else null.")
    available_targets: list[str]
    blocks: list[Block]
    revisions: list[RevisionInfo] = Field(description="Newest first.")


class Quote(BaseModel):
    speaker: str | None
    text: str


class StoryArticle(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    url: str
    source: str | None
    language: str | None
    title: str | None
    translated_title: str | None
    published: str | None
    lead: str | None
    quotes: list[Quote]


class StoryDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int | None = Field(description="Null for an article not yet grouped (a group of one).")
    title: str | None
    start_at: str | None
    end_at: str | None
    articles: list[StoryArticle]


class StorySummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    title: str | None
    start_at: str | None
    end_at: str | None


class StoryPage(BaseModel):
    items: list[StorySummary]
    limit: int
    offset: int
    next: str | None
    previous: str | None


class SourceHealth(BaseModel):
    id: int
    name: str
    url: str
    kind: str
    language: str | None
    interval: float = Field(description="Seconds between polls.")
    articles: int
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    consecutive_failures: int
    next_poll_at: str | None
    article_errors: int = Field(description="Article fetch/extract errors in the last 24 hours.")


class SearchHit(BaseModel):
    id: int
    title: str | None = Field(description="Title in the language that matched.")
    lang: str | None = Field(description="Language of the text that matched (original or a translation).")
    snippet: str = Field(description="HTML: escaped text with <mark> around matches.")
    language: str | None = Field(description="Language of the original.")
    source: str | None
    url: str
    published: str | None


class SearchPage(BaseModel):
    q: str
    items: list[SearchHit]
    limit: int
    offset: int
    next: str | None
    previous: str | None


class NewSource(BaseModel):
    url: str = Field(description="A feed, sitemap, article page, or site home page (its feed is discovered).")
    name: str | None = None
    lang: str | None = Field(default=None, description="Language of the source; default: detect.")
    every: str | None = Field(default=None, description="Poll interval, e.g. 15m, 2h.")


class CreatedSource(BaseModel):
    id: int
    name: str
    url: str
    kind: str
    language: str | None
    interval: float
