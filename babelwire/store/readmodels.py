"""Read models: the one typed shape of each thing a reader sees, from the store to the page.

``store.queries`` returns these; the HTML templates render them and the JSON API returns them as
its ``response_model`` (so ``/openapi.json`` and the pages describe the same object). They are
frozen: a builder makes one, nobody edits it on its way to a page. Fields marked ``exclude=True``
are for the pages and the CLI only and never appear in the JSON API.

Times are ISO 8601 strings with a UTC offset, as stored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field


class ReadModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class Flag(ReadModel):
    name: str = Field(description="Quality flag id, e.g. numbers, quotes, untranslated.")
    description: str
    evidence: list[str] = Field(default_factory=list, description=(
        "What the check found: the words left untranslated, the numbers missing, the quotation marks "
        "counted, the length ratio; empty for translations stored before evidence was kept."))
    detail: str | None = Field(default=None, description=(
        "The flag with its evidence as one line, e.g. \"left untranslated: endiguement, dépens\"."))


class ArticleSummary(ReadModel):
    """One article in a list: the home page, the API's list, the feeds and ``article list``."""

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
    # Not in the API: the newest revision (feeds load its documents), the article's own language
    # field (``language`` falls back to the source's) and its last fetch error (``article list``).
    revision_id: int | None = Field(default=None, exclude=True)
    article_language: str | None = Field(default=None, exclude=True)
    last_error: str | None = Field(default=None, exclude=True)


class TranslationInfo(ReadModel):
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


class Block(ReadModel):
    index: int
    type: str
    original: str | None
    translated: str | None
    flags: list[Flag]


class RevisionInfo(ReadModel):
    number: int
    fetched_at: str | None
    content_hash: str
    targets: list[str]


class RevisionDiff(ReadModel):
    """The word diff of two revisions' original text (HTML, escaped; pages only)."""

    from_: int = Field(alias="from")
    to: int
    fetched_at: str | None
    html: str


class ArticleDetail(ReadModel):
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
    diffs: list[RevisionDiff] = Field(default_factory=list, exclude=True)


class Quote(ReadModel):
    speaker: str | None
    text: str


class StoryArticle(ReadModel):
    id: int
    url: str
    source: str | None
    language: str | None
    title: str | None
    translated_title: str | None
    translation_target: str | None = Field(default=None, description="Target of the translation shown.")
    published: str | None = Field(description="Publication time, else when babelwire first saw it.")
    lead: str | None
    quotes: list[Quote]


class StoryDetail(ReadModel):
    id: int | None = Field(description="Null for an article not yet grouped (a group of one).")
    title: str | None
    start_at: str | None
    end_at: str | None
    article_count: int = 0
    outlets: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    articles: list[StoryArticle]


class StorySummary(ReadModel):
    id: int
    title: str | None
    start_at: str | None
    end_at: str | None
    article_count: int = 0
    outlets: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    updated_at: str | None = Field(default=None, exclude=True)


class SourceHealth(ReadModel):
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


class SearchHit(ReadModel):
    id: int
    title: str | None = Field(description="Title in the language that matched.")
    lang: str | None = Field(description="Language of the text that matched (original or a translation).")
    snippet: str = Field(description="HTML: escaped text with <mark> around matches.")
    language: str | None = Field(description="Language of the original.")
    source: str | None
    url: str
    published: str | None


# --- the stored records, as ``article show --json`` prints them -----------------------------------
class StoredBlock(ReadModel):
    type: str
    text: str


class StoredDocument(ReadModel):
    """A revision's or translation's document as stored; ``text`` is derived from the blocks."""

    model_config = ConfigDict(frozen=True, extra="allow")
    title: str | None = None
    blocks: list[StoredBlock] = Field(default_factory=list)
    language: str | None = None
    author: str | None = None
    published: str | None = None
    modified: str | None = None
    url: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """The body as plain text: blocks joined by blank lines (not stored)."""
        return "\n\n".join(block.text for block in self.blocks)


class StoredTranslation(ReadModel):
    target: str
    engine: str
    engine_id: str
    model: str | None
    created_at: str | None
    seconds: float
    sentences: int
    from_memory: int
    document: StoredDocument
    flags: Any
    provenance: dict[str, Any]


class TranslationText(ReadModel):
    """A translation's text with what its notice names (feeds)."""

    engine: str
    model: str | None
    created_at: str | None
    provenance: dict[str, Any]
    document: StoredDocument


class StoredRevision(ReadModel):
    id: int
    number: int
    fetched_at: str | None
    content_hash: str
    document: StoredDocument
    translations: list[StoredTranslation]


class ArticleRecord(ReadModel):
    """One article with every revision (oldest first) and their translations: ``article show``."""

    id: int
    url: str
    urls: list[str]
    translate_error: str | None
    source: str | None
    source_id: int
    story: int | None
    story_id: int | None
    language: str | None
    title: str | None
    published: str | None
    modified: str | None
    first_seen_at: str | None
    last_checked_at: str | None
    last_error: str | None
    last_error_at: str | None
    consecutive_failures: int
    revisions: list[StoredRevision]
