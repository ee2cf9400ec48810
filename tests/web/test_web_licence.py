"""Every translation is shown with the model that made it, its licence and a link (page, API, feed)."""

from __future__ import annotations

from html import unescape

from sqlalchemy import update

from babelwire.store.models import Translation
from tests.web.conftest import Newsroom

OPUS = {"engine": "ct2", "model": "opus-mt-fr-en", "license": "CC-BY-4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/", "attribution": "OPUS-MT, Helsinki-NLP",
        "url": "https://object.pouta.csc.fi/OPUS-MT-models/fr-en/opus-2020-02-26.zip"}
NLLB = {"engine": "ct2", "model": "nllb-200-distilled-600M", "license": "CC-BY-NC-4.0",
        "license_url": "https://creativecommons.org/licenses/by-nc/4.0/", "attribution": "Meta AI, NLLB-200"}


def _article(newsroom: Newsroom, provenance: dict[str, str] | None) -> int:
    source = newsroom.source("Le Journal")
    article = newsroom.article(source, "Le chat du maire", ["Le chat du maire a mangé 2 souris."],
                               translation=("The mayor's cat", ["The mayor's cat ate 2 mice."]))
    with newsroom.store.transaction() as session:
        session.execute(update(Translation).values(provenance=provenance))
    return article


def test_article_page_names_the_model_its_licence_and_links(client, newsroom):
    article = _article(newsroom, OPUS)
    html = client.get(f"/articles/{article}").text
    text = unescape(html)
    assert 'href="https://object.pouta.csc.fi/OPUS-MT-models/fr-en/opus-2020-02-26.zip"' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license noopener noreferrer"' in html
    assert "OPUS-MT, Helsinki-NLP" in text and "CC-BY-4.0" in text
    assert "non-commercial" not in text

    data = client.get(f"/api/articles/{article}").json()["translation"]
    assert (data["license"], data["license_url"], data["attribution"], data["model_url"]) == (
        OPUS["license"], OPUS["license_url"], OPUS["attribution"], OPUS["url"])


def test_a_non_commercial_model_is_labelled_as_such(client, newsroom):
    article = _article(newsroom, NLLB)
    text = unescape(client.get(f"/articles/{article}").text)
    assert ">CC-BY-NC-4.0</a> — non-commercial use only" in text


def test_feed_entries_carry_the_licence(client, newsroom):
    _article(newsroom, OPUS)
    feed = unescape(client.get("/feeds/all.atom").text)
    assert "Model opus-mt-fr-en (OPUS-MT, Helsinki-NLP), licence CC-BY-4.0." in feed


def test_translations_stored_before_licences_were_kept_show_the_label_only(client, newsroom):
    article = _article(newsroom, None)
    data = client.get(f"/api/articles/{article}").json()["translation"]
    assert data["license"] is None and "Not reviewed by a human" in data["label"]
    assert client.get(f"/articles/{article}").status_code == 200
