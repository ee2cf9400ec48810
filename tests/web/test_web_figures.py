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


def test_a_polled_page_shows_its_byline_and_translated_caption(home, server):
    """The RFI-style page through the real pipeline (loopback site, Apertium): the caption and its
    credit leave the body and come back under the article, the caption in English."""
    import shutil
    from pathlib import Path

    import pytest
    from fastapi.testclient import TestClient

    from babelwire.config import load_settings
    from babelwire.loopback import Response
    from babelwire.pipeline.local import poll
    from babelwire.pipeline.subscriptions import add_source
    from babelwire.store import Store
    from babelwire.store.queries import latest_articles
    from babelwire.web.app import create_app

    if shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists():
        pytest.skip("Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)")
    page = (Path(__file__).resolve().parents[1] / "fixtures" / "extract" / "fr_rfi_slug_byline.html").read_bytes()
    link = server.route("/fr/europe/otan-russie.html", Response(page))
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>RFI</title><link>{server.url("/")}</link>'
            f"<item><title>Otan-Russie</title><link>{link}</link></item></channel></rss>").encode()
    feed_url = server.route("/feed.xml", Response(feed, headers={"Content-Type": "application/rss+xml"}))
    settings = load_settings(home, environ={"BABELWIRE_HOME": str(home), "BABELWIRE_TRANSLATE_ENGINE": "apertium",
                                            "BABELWIRE_FETCH_ALLOW_PRIVATE": "1", "BABELWIRE_FETCH_HOST_DELAY": "0"})
    store = Store(settings.database_url)
    try:
        add_source(store, settings, feed_url, "feed", name="RFI", language="fr")
        poll(store, settings)
        with TestClient(create_app(store, settings)) as client:
            (article_id,) = [a.id for a in latest_articles(store, limit=5, target="en")]
            data = client.get(f"/api/articles/{article_id}").json()
            assert data["authors"] == ["Pierre Benazet"] and data["agency"] == "AFP"
            (figure,) = data["figures"]
            assert figure["caption"].startswith("Le secrétaire général de l'Otan, Jens Stoltenberg")
            assert figure["credit"] == "AP - Olivier Matthys"
            caption = figure["translated_caption"]
            assert "Jens Stoltenberg" in caption and "secrétaire" not in caption
            assert not any("Olivier Matthys" in (b["original"] or "") for b in data["blocks"])
            html = unescape(client.get(f"/articles/{article_id}").text)
            assert figure["translated_caption"] in html and "AP - Olivier Matthys" in html
    finally:
        store.close()
