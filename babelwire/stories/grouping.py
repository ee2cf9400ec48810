"""Online grouping: put each article into the story of the same event, or start a new story.

An article is read in the first target language (its newest revision's translation, else the
original when it is already in that language or was not translated), turned into a vector
(``representation``) and compared with the stories whose time span lies within the window of
its time. The candidates come from an indexed range query on ``stories.end_at`` with a cap, so
the cost of placing one article does not grow with the archive.

Placement is one transaction that also rebuilds the touched stories (centroid, representative
title, span, count). It is idempotent: the article remembers what it was placed by (revision and
translation ids), so placing it again changes nothing. It is stable: an updated article stays in
its story while its new text stays similar to it (a lower threshold than for joining).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from babelwire.config import Settings
from babelwire.errors import BabelwireError
from babelwire.store import Store
from babelwire.store import stories as story_store
from babelwire.store.models import utcnow
from babelwire.stories import representation as rep

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Thresholds chosen on the development set (README "Stories"): join = least similarity to enter a
# story; stay = least similarity for an updated article to keep its story (lower: stability).
THRESHOLDS: dict[str, tuple[float, float]] = {
    "tfidf": (0.28, 0.15),
    "embedding": (0.55, 0.40),
    "combined": (0.46, 0.32),
}
DEFAULT_METHOD = "tfidf"
MAX_CANDIDATES = 500  # stories compared per placement, newest first
# Reports of one event follow each other within hours: a story whose span lies further than
# TIME_GRACE from the article counts less, its similarity divided by 1 + (gap - grace) / TIME_SCALE
# (measured on the development set, README "Stories").
TIME_GRACE = timedelta(hours=12)
TIME_SCALE = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class GroupingParams:
    """How articles are compared: representation, thresholds, candidate cap."""

    method: str = DEFAULT_METHOD
    join: float = THRESHOLDS[DEFAULT_METHOD][0]
    stay: float = THRESHOLDS[DEFAULT_METHOD][1]
    max_candidates: int = MAX_CANDIDATES

    @classmethod
    def for_method(cls, method: str, **overrides: Any) -> GroupingParams:
        """Parameters with the measured thresholds of a representation."""
        if method not in rep.METHODS:
            raise BabelwireError(f"unknown story representation {method!r} (use {', '.join(rep.METHODS)})")
        join, stay = THRESHOLDS[method]
        return cls(**{"method": method, "join": join, "stay": stay, **overrides})


def params_from_settings(settings: Settings) -> GroupingParams:
    """The grouping parameters for ``[stories] representation`` (tfidf when the setting is absent)."""
    return GroupingParams.for_method(settings.stories.representation or DEFAULT_METHOD)


@dataclass(slots=True)
class _Reading:
    basis: str
    title: str
    at: datetime


def _target(settings: Settings) -> str:
    return settings.translate.to[0] if settings.translate.to else "en"


def _read(article: story_store.ArticleText) -> tuple[_Reading, str]:
    """What to group the article by: (basis, title, time) and its lead, in the target language."""
    if article.revision_id is None or article.document is None:
        raise BabelwireError(f"article {article.id} has no revision to group", url=article.url)
    basis = f"r{article.revision_id}:" + (f"t{article.translation_id}" if article.translation_id is not None else "o")
    title, lead = rep.lead_text(article.document)
    at = article.published or article.first_seen_at or utcnow()
    return _Reading(basis, title or article.title or "", at), lead


def _original_vector(stored: story_store.ArticleText, target: str) -> dict[str, Any] | None:
    """The article's own-language terms, when it is grouped by a translation: two outlets writing in
    one language are compared in it (two weak translations of two French reports share fewer
    words than the reports themselves)."""
    if stored.translation_id is None or not stored.original or not stored.language or stored.language == target:
        return None
    title, lead = rep.lead_text(stored.original)
    return {"lang": stored.language, "terms": rep.term_vector(title, lead)}


def _idf_tables(vector: dict[str, Any], stories: list[Any], target: str) -> dict[str, dict[str, float]]:
    """Term weights per language: the target language's over the candidates' centroids, and, for
    an article with an original-language vector, that language's over the candidates' centroids in it."""
    tables = {"": rep.idf_weights(*rep.idf_table(
        [vector["terms"], *((s.features or {}).get("terms", {}) for s in stories)]), target)}
    original = vector.get("orig")
    if original:
        same = [((s.features or {}).get("by_lang") or {}).get(original["lang"]) for s in stories]
        tables[original["lang"]] = rep.idf_weights(
            *rep.idf_table([original["terms"], *(v for v in same if v)]), original["lang"])
    return tables


def _similarity(article: dict[str, Any], story: dict[str, Any], idf: dict[str, dict[str, float]],
                method: str) -> float:
    terms = rep.tfidf_cosine(article.get("terms", {}), story.get("terms", {}), idf[""])
    original = article.get("orig")
    if original and original["lang"] in idf:
        theirs = (story.get("by_lang") or {}).get(original["lang"])
        if theirs:  # the story has reports in the article's own language: compare in it too
            terms = max(terms, rep.tfidf_cosine(original["terms"], theirs, idf[original["lang"]]))
    if method == "tfidf" or not article.get("emb") or not story.get("emb"):
        return terms
    dense = rep.cosine(article["emb"], story["emb"])
    return dense if method == "embedding" else (terms + dense) / 2


def time_factor(at: datetime, start: datetime | None, end: datetime | None) -> float:
    """How much a story's similarity counts for an article at ``at``: 1 within TIME_GRACE of its
    span, less the further away (see TIME_GRACE)."""
    if start is None or end is None:
        return 1.0
    gap = max(start - at, at - end, timedelta(0))
    return 1.0 / (1.0 + max(timedelta(0), gap - TIME_GRACE) / TIME_SCALE)


def refresh_story(session: Session, story: int) -> bool:
    """Rebuild a story (by id) from its members (centroid, title, span, count), in the caller's
    transaction; False if it has none left (then it is deleted)."""
    story_id: int = getattr(story, "id", story)  # a Story row, as callers used to pass, works too
    members = story_store.story_members(session, story_id)
    if not members:
        story_store.delete_story(session, story_id)
        return False
    vectors = [(m.story_features or {}).get("terms", {}) for m in members]
    centroid = rep.mean_vector(vectors)
    embeddings = [m.story_features["emb"] for m in members if (m.story_features or {}).get("emb")]
    idf = rep.idf_weights(*rep.idf_table(vectors))
    # The representative title is that of the member closest to the centroid (earliest on ties).
    best = max(
        range(len(members)),
        key=lambda i: (round(rep.tfidf_cosine(vectors[i], centroid, idf), 6), -i),
    )
    features: dict[str, Any] = {"terms": centroid, "n": len(members)}
    by_language: dict[str, list[dict[str, float]]] = {}
    for member in members:
        original = (member.story_features or {}).get("orig")
        if original:
            by_language.setdefault(original["lang"], []).append(original["terms"])
    if by_language:
        features["by_lang"] = {lang: rep.mean_vector(vectors) for lang, vectors in sorted(by_language.items())}
    if embeddings and len(embeddings) == len(members):
        features["emb"] = rep.mean_embedding(embeddings)
    story_store.update_story(session, story_id, features=features,
                             title=(members[best].story_features or {}).get("title") or None,  # None: keep
                             start_at=members[0].at, end_at=members[-1].at, article_count=len(members))
    return True


def assign_story(store: Store, article_id: int, settings: Settings, *, params: GroupingParams | None = None) -> int:
    """Place an article in the best matching story within the window, or a new one; its story id."""
    params = params or params_from_settings(settings)
    target = _target(settings)
    window = timedelta(seconds=rep_window(settings))
    # Read and vectorise outside the write transaction: embedding a text takes milliseconds that
    # should not hold the store's write lock.
    stored = story_store.article_text(store, article_id, target)
    if stored is None:
        raise BabelwireError(f"no article with id {article_id}")
    reading, lead = _read(stored)
    if stored.story_id is not None and (stored.story_features or {}).get("basis") == reading.basis:
        return stored.story_id
    vector = rep.article_features(reading.title, lead, params.method)
    original = _original_vector(stored, target)
    if original is not None:
        vector["orig"] = original

    with store.transaction() as session:
        story_store.lock_placements(session)
        article = story_store.placement_for_update(session, article_id)
        if article is None:
            raise BabelwireError(f"no article with id {article_id}")
        if article.story_id is not None and (article.story_features or {}).get("basis") == reading.basis:
            return article.story_id  # another worker placed it meanwhile
        stories = story_store.candidate_stories(session, reading.at, window, params.max_candidates)
        idf = _idf_tables(vector, stories, target)
        scored = sorted(
            ((_similarity(vector, s.features or {}, idf, params.method) * time_factor(reading.at, s.start_at, s.end_at),
              -s.id, s) for s in stories),
            key=lambda item: item[:2], reverse=True,
        )
        previous: story_store.StoryVector | None = None
        if article.story_id is not None:  # usually among the candidates, else one more query
            previous = next((s for s in stories if s.id == article.story_id), None)
            if previous is None:
                previous = story_store.story_vector(session, article.story_id)
        chosen: story_store.StoryVector | None = None
        if previous is not None:
            own = _similarity(vector, previous.features or {}, idf, params.method)
            if own >= params.stay:
                chosen = previous
            else:
                log.info("article %s changed subject (similarity %.2f), leaving story %s", article_id, own,
                         previous.id)
        if chosen is None and scored and scored[0][0] >= params.join:
            chosen = scored[0][2]
        chosen_id = chosen.id if chosen is not None else story_store.new_story(session, reading.title, reading.at)
        story_store.place_article(session, article_id, chosen_id,
                                  {"basis": reading.basis, "method": params.method, "title": reading.title, **vector})
        refresh_story(session, chosen_id)
        if previous is not None and previous.id != chosen_id:
            refresh_story(session, previous.id)
        log.debug("article %s → story %s", article_id, chosen_id)
        return chosen_id


def rep_window(settings: Settings) -> float:
    """The story window in seconds ([stories] window)."""
    return settings.stories.window.total_seconds()


def pending_articles(
    store: Store, settings: Settings, *, limit: int | None = None, among: list[int] | None = None,
) -> list[int]:
    """Articles ready to group (newest revision translated, or already in the target language),
    oldest first: those without a story, or, with ``among``, those ids whether placed or not."""
    return story_store.pending_articles(store, _target(settings), limit=limit, among=among)


def articles_of_revisions(store: Store, revision_ids: list[int]) -> list[int]:
    """The articles these revisions belong to (for re-placing updated articles)."""
    return story_store.articles_of_revisions(store, revision_ids)


def regroup_pending(
    store: Store, settings: Settings, *, params: GroupingParams | None = None, updated: list[int] | None = None,
) -> int:
    """Place every pending article (a killed run resumes here), and re-place the ``updated``
    articles that already have a story (stable unless they changed subject); how many were placed."""
    placed = 0
    params = params or params_from_settings(settings)
    again = pending_articles(store, settings, among=updated) if updated else []
    for article_id in list(dict.fromkeys([*again, *pending_articles(store, settings)])):
        try:
            assign_story(store, article_id, settings, params=params)
        except BabelwireError as exc:
            log.warning("article %s not grouped: %s", article_id, exc.reason)
            continue
        placed += 1
    return placed
