"""One builder per reader page kind: each calls a query of ``store.queries`` and returns its read
model, which the HTML page renders and the JSON API returns as it is."""

from __future__ import annotations

from babelwire.config import Settings
from babelwire.store import queries
from babelwire.store.database import Store
from babelwire.store.queries import mt_label
from babelwire.store.readmodels import (
    ArticleDetail,
    ArticleSummary,
    SearchHit,
    SourceHealth,
    StoryComparison,
    StoryDetail,
    StorySummary,
)
from babelwire.web.diff import revision_diff

__all__ = [
    "article_list",
    "article_page",
    "license_notice",
    "mt_label",
    "one_outlet_message",
    "search_results",
    "source_list",
    "story_compare_page",
    "story_list",
    "story_of_article",
    "story_page",
    "target_language",
]


def target_language(settings: Settings, lang: str | None) -> str:
    """The language a reader asked for (``?lang=``), else the first configured target."""
    if lang and lang.strip():
        return lang.strip().lower()[:16]
    return settings.translate.to[0] if settings.translate.to else "en"


def license_notice(provenance: dict[str, str] | None) -> str | None:
    """``Model opus-mt-fr-en (OPUS-MT, Helsinki-NLP), licence CC-BY-4.0.``, or None when unknown."""
    if not provenance or not provenance.get("license"):
        return None
    by = f" ({provenance['attribution']})" if provenance.get("attribution") else ""
    model = provenance.get("model") or provenance.get("engine") or "engine"
    restriction = " — non-commercial use only" if "-NC" in provenance["license"] else ""
    return f"Model {model}{by}, licence {provenance['license']}{restriction}."


def article_list(store: Store, *, target: str, source_id: int | None = None, language: str | None = None,
                 limit: int, offset: int = 0) -> list[ArticleSummary]:
    """The home page's and ``/api/articles``' list: newest published first."""
    return queries.latest_articles(store, target=target, source_id=source_id, language=language, limit=limit,
                                   offset=offset)


def article_page(store: Store, article_id: int, *, target: str, diffs: bool = True) -> ArticleDetail | None:
    """An article in ``target`` (blocks aligned, MT label, flags, versions); the page also shows
    the word diffs of the newest revision pairs, the API does not (``diffs=False``)."""
    return queries.article_detail(store, article_id, target=target, diff=revision_diff if diffs else None)


def story_page(store: Store, story_id: int, *, target: str) -> StoryDetail | None:
    """A story: every outlet's article with its lead and attributed quotations."""
    return queries.story_detail(store, story_id=story_id, target=target)


def story_compare_page(store: Store, story_id: int, *, target: str) -> StoryComparison | None:
    """A story's outlets side by side in ``target``: headlines and leads, facts aligned sentence by
    sentence, quotations by speaker, numbers that disagree. ``outlets`` tells whether there was
    anything to compare (two outlets or more)."""
    return queries.story_comparison(store, story_id, target=target)


def one_outlet_message(view: StoryComparison) -> str:
    """Why a story with a single outlet has no comparison page."""
    outlet = f" ({view.outlets[0]})" if view.outlets else ""
    return (f"Story {view.id} has articles from one outlet only{outlet}: there is nothing to compare yet. "
            f"The comparison appears once a second outlet reports the event.")


def story_of_article(store: Store, article_id: int, *, target: str) -> tuple[int | None, StoryDetail | None]:
    """(the article's story id, None) when it is in a story; else (None, the article alone as a
    story of one, by the same builder as a story), or (None, None) when there is no such article."""
    story_id = queries.story_of(store, article_id)
    if story_id is not None:
        return story_id, None
    return None, queries.story_detail(store, article_id=article_id, target=target)


def story_list(store: Store, *, limit: int, offset: int = 0) -> list[StorySummary]:
    """Recent stories (title, span, article count, outlets) for the home page and the API."""
    return queries.list_stories(store, limit=limit, offset=offset)


def source_list(store: Store) -> list[SourceHealth]:
    """Every source with its health."""
    return queries.source_health(store)


def search_results(store: Store, q: str, *, limit: int, offset: int = 0) -> list[SearchHit]:
    """Search results with each article's outlet, original language and times."""
    return queries.search_hits(store, q, limit=limit, offset=offset) if q else []
