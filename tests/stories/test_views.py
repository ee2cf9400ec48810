"""Story read models: the lists and pages the CLI, the web reader and the API show."""

from __future__ import annotations

from babelwire.config import Settings
from babelwire.store import Store
from babelwire.store.queries import list_stories, story_detail, story_of
from babelwire.store.readmodels import Quote
from babelwire.stories.grouping import assign_story
from tests.stories.conftest import AddArticle
from tests.stories.events import RFI_EN, RFI_FR, RT_EN, RT_FR, SKI_EN


def test_story_page_puts_outlets_side_by_side(store: Store, settings: Settings, add_article: AddArticle):
    rfi = add_article("RFI", "https://rfi.example/otan", "2022-01-12T18:55:00+01:00", *RFI_FR, language="fr",
                      translated=RFI_EN)
    rt = add_article("RT en français", "https://rt.example/otan", "2022-01-12T17:40:00+01:00", *RT_FR,
                     language="fr", translated=RT_EN)
    ski = add_article("Alps Daily", "https://alps.example/ski", "2022-01-12T10:00:00+00:00", *SKI_EN)
    story = assign_story(store, rfi, settings)
    assert assign_story(store, rt, settings) == story
    other = assign_story(store, ski, settings)

    assert story_of(store, rt) == story and story_of(store, 999) is None
    page = story_detail(store, story_id=story)
    assert page.outlets == ["RFI", "RT en français"] and page.languages == ["fr"]
    first, second = page.articles  # oldest first
    assert first.source == "RT en français" and second.source == "RFI"
    assert first.title == RT_FR[0] and first.translated_title == RT_EN[0]
    assert first.lead == RT_EN[1][0]
    assert Quote(speaker="Alexander Grouchko", text="We will not let this happen") in first.quotes
    assert Quote(speaker="Wendy Sherman", text="Some Russian requests are not even questionable") in second.quotes
    original = story_detail(store, story_id=story, target="de").articles[0]
    assert original.translated_title is None and original.lead == RT_FR[1][0]
    assert Quote(speaker="Alexandre Grouchko", text="Nous ne laisserons pas cela se produire") in original.quotes
    assert story_detail(store, story_id=12345) is None

    listed = list_stories(store)
    assert [s.id for s in listed] == [story, other]  # most recently active first
    assert listed[0].article_count == 2 and listed[0].outlets == ["RFI", "RT en français"]
    assert [s.id for s in list_stories(store, language="en")] == [other]
    assert [s.id for s in list_stories(store, limit=1, offset=1)] == [other]
