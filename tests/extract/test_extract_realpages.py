"""extract_document on a few real pages of the shared extraction-dev set (skipped where absent)."""

from __future__ import annotations

import gzip
import json

import pytest

from babelwire.extract import extract_document
from tests.conftest import shared_data

# URL of the page in evaldata.json → (expected language, text that must come out, text that must not).
PAGES = {
    "https://aoc.media/opinion/2019/12/09/pour-le-neoliberalisme-la-retraite-est-un-archaisme/":
        ("fr", "les grandes grèves de 1995 furent", "Pour lire la suite"),
    "https://web.archive.org/web/20070228213001/http://www.alternatives-economiques.fr/site/"
    "hs72_003_35heures.html": ("fr", "350 000 emplois créés", "Accueil"),  # an article in a layout table
    "https://pythonspeed.com/articles/pipenv-docker/":
        ("en", "Install dependencies separately and earlier in your Dockerfile", "Share on"),
    "https://www.tofugu.com/travel/dezuka-suisan/": ("en", "+81 158-23-2012", "Skip to"),
}


def _load(url: str) -> bytes:
    evaldata = json.loads(shared_data("extraction-dev", "evaldata.json").read_text(encoding="utf-8"))
    path = shared_data("extraction-dev", "html", evaldata[url]["file"] + ".gz")
    return gzip.decompress(path.read_bytes())


@pytest.mark.parametrize("url", sorted(PAGES))
def test_real_page(url: str) -> None:
    language, wanted, unwanted = PAGES[url]
    document = extract_document(_load(url), url)
    assert document.language == language
    assert wanted in document.text
    assert unwanted not in document.text
    assert document.title and document.title not in document.blocks[0].text


def test_aoc_title_loses_site_name_and_keeps_author_and_date() -> None:
    url = "https://aoc.media/opinion/2019/12/09/pour-le-neoliberalisme-la-retraite-est-un-archaisme/"
    document = extract_document(_load(url), url)
    assert document.title == "Pour le néolibéralisme, la retraite est un archaïsme"
    assert document.author == "Barbara Stiegler"
    assert document.published is not None and document.published.date().isoformat() == "2019-12-09"


def test_real_news_pages_furniture_bylines_and_figures() -> None:
    """Pages of the families issue 14 handles, as the development set has them."""
    url = "https://www.sportnews.bz/artikel/wintersport/wintersport-mix/peking-sucht-den-superstar-7-moegliche-gesichter"
    document = extract_document(_load(url), url)
    assert "© AFP" not in document.text and "MARCO BERTORELLO" not in document.text  # photo credits
    assert any(figure.credit == "AFP / MARCO BERTORELLO" for figure in document.figures)
    assert document.agency == "dpa"  # the metadata's author "Det; Dpa": an editor's initials and the agency
    assert "Kommentarfunktion" not in document.text

    url = "hard::larepublica.net-hackers.html"
    document = extract_document(_load(url), url)
    assert "NOTAS RELACIONADAS" not in document.text and "Grupo Conti asegura" not in document.text
    assert document.authors == ["Johnny Castro"]

    url = ("https://www.timesofisrael.com/state-of-washington-swears-in-first-native-american-jewish-supreme-"
           "court-justice/")
    document = extract_document(_load(url), url)
    assert "Daily Edition by email" not in document.text
    assert document.authors == ["Emily Burack"]
    assert document.published is not None and document.published.date().isoformat() == "2020-01-08"
