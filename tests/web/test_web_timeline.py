"""A story's timeline (who reported first, what each update changed) on its page and in its JSON,
and its Atom feed carrying an outlet's update as an updated entry."""

from __future__ import annotations

from datetime import datetime, timedelta

import feedparser
import pytest
from lxml import html as lxml_html

from babelwire.store import Store
from babelwire.store.models import Article, Translation
from tests.stories.events import RFI_EN, RFI_FR, RT_EN, RT_FR
from tests.web.conftest import T0, Newsroom

UPDATE_FR = [RFI_FR[1][0] + " Les discussions ont duré quatre heures.", *RFI_FR[1][1:],
             "Moscou attend désormais des réponses écrites."]
UPDATE_EN = [RFI_EN[1][0] + " The talks lasted four hours.", *RFI_EN[1][1:], "Moscow now awaits written answers."]


@pytest.fixture
def story(newsroom: Newsroom, store: Store) -> dict[str, int]:
    rfi = newsroom.article(newsroom.source("RFI"), *RFI_FR, translation=RFI_EN, published=T0 - timedelta(hours=1))
    rt = newsroom.article(newsroom.source("RT en français"), *RT_FR, translation=RT_EN,
                          published=T0 - timedelta(hours=2))
    _settle_translations(store)
    return {"rfi": rfi, "rt": rt, "story": newsroom.story("NATO–Russia", [rfi, rt])}


def _settle_translations(store: Store) -> None:
    """Translations made at a fixed time, so only the outlet's update can move a feed entry."""
    with store.transaction() as session:
        session.query(Translation).update({Translation.created_at: T0})


def _update(newsroom: Newsroom, store: Store, article_id: int) -> None:
    """RFI updates its report (as a poll stores it: a new revision, the article marked changed)."""
    newsroom.revision(article_id, RFI_FR[0], UPDATE_FR, translation=(RFI_EN[0], UPDATE_EN))
    _settle_translations(store)
    with store.transaction() as session:
        session.get(Article, article_id).last_changed_at = T0 + timedelta(hours=2)


def test_the_timeline_says_who_reported_first_and_what_changed(client, story, newsroom: Newsroom, store: Store):
    _update(newsroom, store, story["rfi"])
    timeline = client.get(f"/api/stories/{story['story']}").json()["timeline"]
    assert [(e["source"], e["revision"]) for e in timeline] == [("RT en français", 1), ("RFI", 1), ("RFI", 2)]
    first, published, update = timeline
    assert first["first_report"] and first["summary"] == "first report"
    assert not published["first_report"] and published["summary"] == "published"
    assert update["summary"] == "revision 2: 1 paragraph changed, 1 added"
    assert update["change"] == {"revision": 2, "at": update["at"], "changed": 1, "added": 1, "removed": 0,
                                "title_changed": False, "summary": "1 paragraph changed, 1 added"}
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    assert first["title"] == RT_EN[0]  # as the story page shows it: translated

    tree = lxml_html.fromstring(client.get(f"/stories/{story['story']}").text)
    entries = tree.xpath("//section[contains(@class, 'timeline')]//li")
    assert len(entries) == 3
    assert "first-report" in entries[0].get("class") and "RT en français" in entries[0].text_content()
    change_link = entries[2].xpath(".//a[contains(., 'revision 2')]")[0]
    assert change_link.get("href") == f"/articles/{story['rfi']}#history-heading"  # where the word diff is
    assert "1 paragraph changed, 1 added" in change_link.text_content()


def test_the_article_alone_has_its_timeline_too(client, story):
    lone = client.get(f"/api/articles/{story['rt']}/story").json()
    assert [e["summary"] for e in lone["timeline"]] == ["first report", "published"]


def _feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_story_feed_carries_updates(client, story, newsroom: Newsroom, store: Store):
    path = f"/feeds/stories/{story['story']}.atom"
    page = client.get(f"/stories/{story['story']}").text
    assert f'<link rel="alternate" type="application/atom+xml" title="Story: NATO–Russia" href="{path}">' in page
    before = {e.id: e for e in _feed(client, path).entries}
    rfi_id = next(i for i in before if i.endswith(f"/articles/{story['rfi']}"))
    assert "Updated" not in before[rfi_id].content[0].value

    _update(newsroom, store, story["rfi"])
    after = {e.id: e for e in _feed(client, path).entries}
    assert set(after) == set(before)  # the same entry, updated: not a new one
    entry = after[rfi_id]
    moved = datetime(*entry.updated_parsed[:6])
    assert moved > datetime(*before[rfi_id].updated_parsed[:6])
    assert moved == (T0 + timedelta(hours=2)).replace(tzinfo=None)  # the update's time
    content = entry.content[0].value
    assert "revision 2 — 1 paragraph changed, 1 added." in content
    assert f"/articles/{story['rfi']}#history-heading" in content
    assert "Moscow now awaits written answers." in content  # the new text itself
    assert content.index("Updated") < content.index("Machine translation")
    # The other outlet's entry did not change.
    rt_id = next(i for i in after if i.endswith(f"/articles/{story['rt']}"))
    assert after[rt_id].updated_parsed == before[rt_id].updated_parsed
    assert "Updated" not in after[rt_id].content[0].value
    # Feeds are one rule for every listing: the all-articles feed says the same.
    everything = {e.id: e for e in _feed(client, "/feeds/all.atom").entries}
    assert "revision 2 — 1 paragraph changed, 1 added." in everything[rfi_id].content[0].value
