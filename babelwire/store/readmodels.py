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


class FigureRow(ReadModel):
    """An image's caption and credit from the original page (kept out of the body)."""

    caption: str | None = Field(description="The caption in the original language.")
    translated_caption: str | None = Field(description="The caption in the target language, when translated.")
    credit: str | None = Field(description="Photographer or agency, as the page gives it (not translated).")


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
    authors: list[str] = Field(default_factory=list, description="Each author named by the byline.")
    agency: str | None = Field(default=None, description="News agency credited for the text (AFP, Reuters…).")
    published: str | None
    modified: str | None
    first_seen_at: str | None
    updated: str | None
    translation: TranslationInfo | None
    note: str | None = Field(description="Why the original is shown (no translation), else null.")
    available_targets: list[str]
    blocks: list[Block]
    figures: list[FigureRow] = Field(default_factory=list, description="Captions and credits of the images.")
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


class RevisionChange(ReadModel):
    """What changed in an article's original text from one revision to the next."""

    revision: int = Field(description="The new revision's number (2 for the first update).")
    at: str | None = Field(description="When babelwire fetched the new revision.")
    changed: int = Field(description="Paragraphs edited.")
    added: int
    removed: int
    title_changed: bool
    summary: str = Field(description="The change as one line, e.g. \"3 paragraphs changed, 1 added\".")


class TimelineEntry(ReadModel):
    """One event of a story in time order: an outlet's first report, or a later revision of it."""

    at: str | None = Field(description="Publication time (else first sighting) of a first version; fetch time "
                                       "of a revision.")
    article_id: int
    source: str | None
    language: str | None
    title: str | None = Field(description="The article's title as the story page shows it (translated if it is).")
    revision: int
    first_report: bool = Field(description="True on the story's earliest report: the outlet that reported first.")
    summary: str = Field(description="\"first report\", \"published\", or what the revision changed.")
    change: RevisionChange | None = Field(description="For a revision: its paragraph changes (null for the first "
                                                      "version, and for revisions older than the newest five).")


class StoryDetail(ReadModel):
    id: int | None = Field(description="Null for an article not yet grouped (a group of one).")
    title: str | None
    start_at: str | None
    end_at: str | None
    article_count: int = 0
    outlets: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    articles: list[StoryArticle]
    timeline: list[TimelineEntry] = Field(default_factory=list, description=(
        "The articles and their revisions in time order: who reported first, what each update changed."))


# --- comparing a story's outlets ------------------------------------------------------------------
class ComparedArticle(ReadModel):
    """One column of a comparison: an article's outlet, language, time, headline and lead."""

    id: int
    url: str
    source: str | None
    language: str | None
    published: str | None
    title: str | None
    translated_title: str | None
    lead: str | None = Field(description="First paragraph of the original.")
    translated_lead: str | None
    translation: TranslationInfo | None = Field(description="The machine-translation label, model licence and "
                                                            "title flags; null when not translated.")
    note: str | None = Field(description="Why no translation is shown (in the target language, or not yet "
                                         "translated), else null.")


class ComparedSentence(ReadModel):
    article_id: int
    source: str | None
    block: int = Field(description="Index of its paragraph, as in the article's blocks.")
    original: str | None
    translated: str | None = Field(description="Machine translation; null when the article is in the target "
                                               "language or not translated.")
    flags: list[Flag] = Field(description="Quality flags of its paragraph's translation.")
    conflicting_numbers: list[str] = Field(description=(
        "Numbers of this sentence that the other sentences of its row contradict, as written in the text compared "
        "(see numbers_language)."))
    numbers_language: str | None = Field(default=None, description="Language of the text those numbers are "
                                                                    "written in (the original's or the target's).")


class FactRow(ReadModel):
    """Sentences of different outlets reporting the same thing, or one outlet's sentence alone."""

    outlets: list[str]
    only_one_outlet: bool = Field(description="True when only one outlet reports this.")
    compared_in: str | None = Field(description="\"original\" when the sentences were compared in their shared "
                                                "original language, \"translation\" when through the target "
                                                "language; null for a sentence alone.")
    similarity: float = Field(description="Similarity of the row's least similar aligned pair (1 when alone).")
    numbers_differ: bool = Field(description="True when the outlets give different numbers (tolls, dates, "
                                             "amounts) for the same thing.")
    sentences: list[ComparedSentence] = Field(description="At most one per article, in column order.")


class ComparedQuote(ReadModel):
    article_id: int
    source: str | None
    speaker: str | None = Field(description="The speaker as this outlet names them.")
    original: str | None = Field(description="The outlet's own wording.")
    translated: str | None = Field(description="Its machine translation, when the article was translated.")


class QuoteRow(ReadModel):
    status: str = Field(description=(
        "only: one outlet quotes it; same: worded identically; partial: one outlet quotes part of it; "
        "different: worded differently; matched: the same quotation compared through translations."))
    outlets: list[str]
    quotes: list[ComparedQuote]


class SpeakerQuotes(ReadModel):
    speaker: str | None = Field(description="Null for quotations without a named speaker.")
    names: list[str] = Field(description="Every spelling of the speaker's name among the outlets.")
    outlets: list[str] = Field(description="Outlets that quote this speaker.")
    quotes: list[QuoteRow]


class StoryComparison(ReadModel):
    """A story's outlets side by side: headlines and leads, facts aligned sentence by sentence,
    quotations by speaker, numbers that disagree."""

    id: int
    title: str | None
    target: str
    start_at: str | None
    end_at: str | None
    outlets: list[str]
    languages: list[str]
    threshold: float = Field(description="Least similarity of two sentences aligned as one fact.")
    articles: list[ComparedArticle] = Field(description="Oldest first; the columns of the comparison.")
    omitted: list[int] = Field(default_factory=list, description="Articles beyond the first eight, not compared.")
    truncated: list[int] = Field(default_factory=list, description=(
        "Articles so long that only their beginning is compared (300 sentences, 60,000 characters)."))
    facts: list[FactRow]
    speakers: list[SpeakerQuotes]


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
