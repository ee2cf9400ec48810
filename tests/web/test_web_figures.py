"""Bylines and image captions: kept out of the body by extraction, shown under the article (page and API)."""

from __future__ import annotations

from html import unescape

from babelwire.store.models import Revision, Translation
from tests.web.conftest import Newsroom

FIGURES = [{"caption": "Le vice-ministre russe Alexandre Grouchko à Bruxelles.", "credit": "AFP / John Thys"},
           {"caption": None, "credit": "Reuters"}]


def _article(newsroom: Newsroom, *, translated_captions: list[str | None] | None) -> int:
    source = newsroom.source("RFI")
    article = newsroom.article(source, "Otan-Russie : le dialogue reste ouvert",
                               ["Les discussions ont duré quatre heures."],
                               translation=("NATO-Russia: the dialogue remains open", ["The talks lasted four hours."]))
    with newsroom.store.transaction() as session:
        revision = session.query(Revision).filter_by(article_id=article).one()
        revision.document = {**revision.document, "author": "Pierre Benazet", "authors": ["Pierre Benazet"],
                             "agency": "AFP", "figures": FIGURES}
        if translated_captions is not None:
            translation = session.query(Translation).filter_by(revision_id=revision.id).one()
            translation.document = {**translation.document, "figures": [
                {**figure, "caption": caption} for figure, caption in zip(FIGURES, translated_captions, strict=True)]}
    return article


def test_the_article_page_shows_captions_in_translation_and_original_with_credits(client, newsroom):
    article = _article(newsroom, translated_captions=["Russian Deputy Minister Alexander Grushko in Brussels.", None])
    html = client.get(f"/articles/{article}").text
    figures = unescape(html.split('class="figures"')[1].split("</section>")[0])
    assert "Images in the original" in figures
    assert '<p class="caption" lang="en">Russian Deputy Minister Alexander Grushko in Brussels.</p>' in figures
    assert "Le vice-ministre russe Alexandre Grouchko à Bruxelles." in figures  # the original beside it
    assert "AFP / John Thys" in figures and "Credit: " in figures and "Reuters" in figures
    body = unescape(html.split('id="translation"')[1].split("</section>")[0])
    assert "Grushko" not in body and "John Thys" not in body  # captions are not body text
    meta = unescape(html.split('class="meta"')[1].split("</p>")[0])
    assert "Pierre Benazet" in meta and '<span class="agency"' in meta and "AFP" in meta


def test_the_api_gives_authors_agency_and_figures(client, newsroom):
    article = _article(newsroom, translated_captions=["Russian Deputy Minister Alexander Grushko in Brussels.", None])
    data = client.get(f"/api/articles/{article}").json()
    assert data["authors"] == ["Pierre Benazet"] and data["agency"] == "AFP"
    assert data["figures"] == [
        {"caption": "Le vice-ministre russe Alexandre Grouchko à Bruxelles.",
         "translated_caption": "Russian Deputy Minister Alexander Grushko in Brussels.", "credit": "AFP / John Thys"},
        {"caption": None, "translated_caption": None, "credit": "Reuters"},
    ]


def test_captions_stored_before_they_were_translated_are_shown_in_the_original(client, newsroom):
    article = _article(newsroom, translated_captions=None)  # the translation carries the original's figures
    html = client.get(f"/articles/{article}").text
    figures = unescape(html.split('class="figures"')[1].split("</section>")[0])
    assert '<p class="caption" lang="fr">Le vice-ministre russe Alexandre Grouchko à Bruxelles.</p>' in figures
    assert "caption-original" not in figures
    assert client.get(f"/api/articles/{article}").json()["figures"][0]["translated_caption"] is None


def test_an_article_without_figures_has_no_figure_section(client, newsroom):
    source = newsroom.source("Le Journal")
    article = newsroom.article(source, "Le chat", ["Le chat dort."], translation=("The cat", ["The cat sleeps."]))
    assert 'class="figures"' not in client.get(f"/articles/{article}").text
    data = client.get(f"/api/articles/{article}").json()
    assert data["figures"] == [] and data["authors"] == [] and data["agency"] is None
