"""Atom feeds: valid for feedparser, each entry labelled as machine translation, linked to its original."""

from __future__ import annotations

import feedparser
import pytest

from tests.web.conftest import Newsroom


@pytest.fixture
def ids(newsroom: Newsroom) -> dict[str, int]:
    journal = newsroom.source("Le Journal")
    zeitung = newsroom.source("Die Zeitung", language="de")
    a = newsroom.article(journal, "Le sommet", ["Le sommet commence <b>lundi</b>.", "« Enfin »"],
                         translation=("The summit", ["The summit starts <b>Monday</b>.", "“At last”"]),
                         block_types=["paragraph", "quote"], url="https://journal.example/sommet")
    b = newsroom.article(zeitung, "Der Gipfel", ["Der Gipfel beginnt."], language="de",
                         translation=("The summit (de)", ["The summit begins."]), engine="apertium", model=None)
    c = newsroom.article(journal, "Pas encore traduit", ["Rien."])
    return {"journal": journal, "zeitung": zeitung, "a": a, "b": b, "c": c,
            "story": newsroom.story("The summit", [a, b])}


def _parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_all_feed_entries_carry_the_notice_and_the_original(client, ids):
    feed = _parse(client, "/feeds/all.atom")
    assert feed.version == "atom10"
    by_title = {e.title: e for e in feed.entries}
    assert set(by_title) == {"The summit", "The summit (de)", "Pas encore traduit"}
    entry = by_title["The summit"]
    html = entry.content[0].value
    assert "Machine translation from French by ct2 (opus-mt-fr-en). Not reviewed by a human." in html
    assert 'href="https://journal.example/sommet"' in html
    assert "&lt;b&gt;Monday&lt;/b&gt;" in html and "<b>" not in html  # text, not markup
    links = {link.rel: link.href for link in entry.links}
    assert links["alternate"].endswith(f"/articles/{ids['a']}") and links["via"] == "https://journal.example/sommet"
    assert entry.published_parsed and entry.updated_parsed and entry.author == "Le Journal"
    assert "Machine translation from German by apertium." in by_title["The summit (de)"].content[0].value
    assert "Not translated yet" in by_title["Pas encore traduit"].content[0].value


def test_source_story_and_language_feeds(client, ids):
    assert {e.title for e in _parse(client, f"/feeds/sources/{ids['zeitung']}.atom").entries} == {"The summit (de)"}
    assert {e.title for e in _parse(client, f"/feeds/stories/{ids['story']}.atom").entries} == {
        "The summit", "The summit (de)"}
    assert {e.title for e in _parse(client, "/feeds/languages/de.atom").entries} == {"The summit (de)"}
    assert _parse(client, "/feeds/languages/ja.atom").entries == []
    assert client.get("/feeds/sources/999.atom").status_code == 404
    assert client.get("/feeds/stories/999.atom").status_code == 404
