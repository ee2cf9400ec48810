"""Every page and its JSON twin on a real SQLite store: article layout, filters, pagination."""

from __future__ import annotations

from html import unescape

import pytest

from tests.web.conftest import Newsroom

FR = ["Le chat du maire a mangé 3 souris mercredi.", "« Nous sommes inquiets », a déclaré la voisine."]
EN = ["The mayor's cat ate three mice on Wednesday.", "“We are worried,” said the neighbour."]


@pytest.fixture
def article_id(newsroom: Newsroom) -> int:
    source = newsroom.source("Le Journal")
    article = newsroom.article(source, "Le chat du maire", ["Le chat du maire a mangé 2 souris.", FR[1]],
                               translation=("The mayor's cat", ["The mayor's cat ate 2 mice.", EN[1]]))
    newsroom.revision(article, "Le chat du maire", FR, translation=("The mayor's cat", EN), flags=[["numbers"], []])
    return article


def test_every_page_and_its_api_twin_answer(client, newsroom, article_id):
    story = newsroom.story("The mayor's cat", [article_id])
    for path in ["/", "/sources", "/search?q=chat", f"/articles/{article_id}", f"/stories/{story}",
                 "/api/articles", "/api/sources", "/api/search?q=chat", f"/api/articles/{article_id}",
                 "/api/stories", f"/api/stories/{story}", "/openapi.json"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/").headers["content-type"].startswith("text/html")
    assert client.get("/api/articles").headers["content-type"] == "application/json"


def test_article_page_shows_translation_original_label_link_diff_and_flags(client, article_id):
    html = client.get(f"/articles/{article_id}").text

    assert 'id="translation"' in html and 'id="original"' in html and 'id="toggle-original"' in html
    text = unescape(html)
    assert EN[0] in text and FR[0] in text
    assert 'lang="en"' in html and 'lang="fr"' in html
    assert 'class="mt-label"' in html
    assert "Machine translation from French by ct2 (opus-mt-fr-en). Not reviewed by a human." in html
    assert 'href="https://news.example/1" rel="noopener noreferrer"' in html
    assert html.count('class="block ') == 4  # two blocks, each in both columns
    assert 'class="revision-diff"' in html
    assert "<del>2</del><ins>3</ins>" in html
    assert 'class="flag" data-flag="numbers"' in html
    assert "a number of the original is missing or changed in the translation" in html
    assert "Version 2" in html and "Version 1" in html


def test_article_api_is_the_same_data(client, article_id):
    data = client.get(f"/api/articles/{article_id}").json()
    assert data["translated_title"] == "The mayor's cat" and data["title"] == "Le chat du maire"
    assert data["translation"]["engine"] == "ct2" and data["translation"]["model"] == "opus-mt-fr-en"
    assert "Not reviewed by a human" in data["translation"]["label"]
    assert [b["translated"] for b in data["blocks"]] == EN and [b["original"] for b in data["blocks"]] == FR
    assert data["blocks"][0]["flags"][0]["name"] == "numbers"
    assert [r["number"] for r in data["revisions"]] == [2, 1]


def test_untranslated_article_shows_the_original_with_a_note(client, newsroom):
    source = newsroom.source("Corriere", language="it")
    article = newsroom.article(source, "Il gatto", ["Il gatto è nero."], language="it")
    english = newsroom.article(newsroom.source("Wire", language="en"), "The cat", ["The cat is black."],
                               language="en")

    html = unescape(client.get(f"/articles/{article}").text)
    assert "No English translation of this version yet" in html and "Il gatto è nero." in html
    assert 'class="mt-label"' not in html and 'id="original"' in html
    assert "no translation needed" in client.get(f"/articles/{english}").text
    assert client.get(f"/api/articles/{article}").json()["translation"] is None


def test_other_target_language_via_lang_param(client, article_id):
    data = client.get(f"/api/articles/{article_id}?lang=de").json()
    assert data["target"] == "de" and data["translation"] is None and data["available_targets"] == ["en"]
    assert "Showing the original" in client.get(f"/articles/{article_id}?lang=de").text


def test_home_lists_newest_first_with_outlet_language_and_time(client, newsroom):
    journal, wire = newsroom.source("Le Journal"), newsroom.source("Die Zeitung", language="de")
    newsroom.article(journal, "Premier", ["Un."], translation=("First", ["One."]))
    newsroom.article(wire, "Zweiter", ["Zwei."], language="de")

    html = client.get("/").text
    assert html.index("Zweiter") < html.index("First")
    assert "Die Zeitung" in html and "German" in html and "<time datetime=" in html
    assert "Premier" in html  # the original title under the translated one

    assert "Zweiter" not in client.get(f"/?source={journal}").text
    assert "First" not in client.get("/?language=de").text
    assert client.get("/?source=&language=").status_code == 200  # the empty filter form
    items = client.get("/api/articles", params={"language": "de"}).json()["items"]
    assert [i["title"] for i in items] == ["Zweiter"] and items[0]["translated_title"] is None


def test_lists_follow_publication_time_and_feeds_first_sighting(client, newsroom):
    """One poll finds a new source's backlog at once: pages list it by publication time, while the
    feed puts what babelwire just found on top, where feed readers look for news."""
    from datetime import timedelta

    from tests.web.conftest import T0

    source = newsroom.source()
    newsroom.article(source, "Ce matin", ["Texte."], published=T0 - timedelta(hours=2))
    newsroom.article(source, "Hier", ["Texte."], published=T0 - timedelta(days=1))  # seen later, older
    newsroom.article(source, "Demain ?", ["Texte."], published=T0 + timedelta(days=3))  # a wrong date

    assert [i["title"] for i in client.get("/api/articles").json()["items"]] == ["Demain ?", "Ce matin", "Hier"]
    html = client.get("/").text
    assert html.index("Ce matin") < html.index("Hier")
    feed = client.get("/feeds/all.atom").text
    assert feed.index("Hier") < feed.index("Ce matin")


def test_pagination_on_pages_and_api(client, newsroom, settings):
    source = newsroom.source()
    for i in range(7):
        newsroom.article(source, f"Article {i}", [f"Texte {i}."])
    settings.web.page_size = 3

    first = client.get("/api/articles").json()
    assert [i["title"] for i in first["items"]] == ["Article 6", "Article 5", "Article 4"]
    assert first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [i["title"] for i in second["items"]] == ["Article 3", "Article 2", "Article 1"]
    last = client.get(second["next"]).json()
    assert [i["title"] for i in last["items"]] == ["Article 0"] and last["next"] is None
    assert client.get("/api/articles?limit=2&offset=5").json()["items"][0]["title"] == "Article 1"
    page3 = client.get("/?page=3").text
    assert "Article 0" in page3 and "Article 1" not in page3 and 'rel="prev"' in page3 and 'rel="next"' not in page3
    assert 'href="?page=2"' in client.get("/").text


def test_story_page_lists_each_outlet_with_lead_and_quotes(client, newsroom):
    quote = "“We will never accept this agreement,” said Prime Minister Jean Dupont on Monday."
    a = newsroom.article(newsroom.source("Le Journal"), "Sommet à Bruxelles",
                         ["Le sommet a commencé.", "« Nous n'accepterons jamais cet accord », a déclaré Jean Dupont."],
                         translation=("Summit in Brussels", ["The summit began.", quote]))
    b = newsroom.article(newsroom.source("El Diario", language="es"), "Cumbre en Bruselas", ["La cumbre empezó."],
                         language="es")
    story = newsroom.story("Summit in Brussels", [a, b])

    html = unescape(client.get(f"/stories/{story}").text)
    assert "Le Journal" in html and "El Diario" in html and "Summit in Brussels" in html
    assert "The summit began." in html and "Cumbre en Bruselas" in html
    data = client.get(f"/api/stories/{story}").json()
    assert {x["source"] for x in data["articles"]} == {"Le Journal", "El Diario"}
    quotes = [q for x in data["articles"] for q in x["quotes"]]
    assert {"speaker": "Jean Dupont", "text": "We will never accept this agreement"} in quotes
    assert "We will never accept this agreement" in html and "Jean Dupont" in html
    assert client.get(f"/articles/{a}/story", follow_redirects=False).headers["location"] == f"/stories/{story}"
    assert client.get("/stories/999").status_code == 404
    assert client.get("/api/stories/999").status_code == 404


def test_article_without_story_is_a_group_of_one(client, newsroom):
    article = newsroom.article(newsroom.source(), "Seul", ["Un article seul."], translation=("Alone", ["Alone."]))
    html = client.get(f"/articles/{article}/story").text
    assert "Alone" in html and "not part of a story" in html
    data = client.get(f"/api/articles/{article}/story").json()
    assert data["id"] is None and [x["id"] for x in data["articles"]] == [article]


def test_group_of_one_attributes_its_quotations_from_the_original(client, newsroom):
    article = newsroom.article(
        newsroom.source(), "Réunion",
        ["« Les échanges ont été directs sur la situation en Ukraine », a expliqué Jens Stoltenberg."],
        translation=("Meeting", ["“The exchanges have been direct on the situation in Ukraine”, has "
                                 "explained the Secretary Jens Stoltenberg of NATO."]))
    (item,) = client.get(f"/api/articles/{article}/story").json()["articles"]
    assert item["quotes"] == [{"speaker": "Jens Stoltenberg",
                               "text": "The exchanges have been direct on the situation in Ukraine"}]


def test_sources_page_shows_health(client, newsroom, store):
    from babelwire.store.models import Source

    source = newsroom.source("Flaky")
    with store.transaction() as session:
        row = session.get(Source, source)
        row.last_error, row.consecutive_failures = "HTTP 503 from the server", 4
    html = client.get("/sources").text
    assert "Flaky" in html and "HTTP 503 from the server" in html and ">4<" in html
    (health,) = client.get("/api/sources").json()
    assert health["consecutive_failures"] == 4 and health["last_error"] == "HTTP 503 from the server"


def test_missing_and_malformed_addresses_are_404_pages(client):
    for path in ["/articles/12345", "/articles/not-a-number", "/stories/x"]:
        response = client.get(path)
        assert response.status_code == 404 and "text/html" in response.headers["content-type"], path
    assert client.get("/api/articles/12345").json() == {
        "type": "about:blank", "title": "Not Found", "status": 404, "detail": "no article 12345",
        "instance": "/api/articles/12345"}


def test_openapi_describes_the_api(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/stories", "/api/v1/stories/{story_id}",
            "/api/v1/sources", "/api/v1/search"} <= set(schema["paths"])
    assert "ArticleDetail" in schema["components"]["schemas"]
