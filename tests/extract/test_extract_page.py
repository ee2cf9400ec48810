"""extract_document on hand-written pages: exact blocks, metadata, boilerplate gone, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.document import Block, Figure
from babelwire.errors import ExtractionError
from babelwire.extract import extract_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"


def _page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_french_news_page_blocks_metadata_and_no_boilerplate() -> None:
    document = extract_document(_page("fr_news.html"),
                                "https://quotidien-rhin.example/monde/climat-bonn-reprise?utm_source=rss")

    assert document.title == "Les négociations sur le climat reprennent à Bonn"
    assert [block.type for block in document.blocks] == [
        "paragraph", "paragraph", "heading", "paragraph",
        "list_item", "list_item", "list_item", "quote", "paragraph",
    ]
    assert document.blocks[0].text.startswith("Les délégués de près de deux cents pays")
    assert document.blocks[2] == Block("heading", "Un calendrier serré")
    assert [b.text for b in document.blocks[4:7]] == [
        "le nouvel objectif collectif de financement ;",
        "les règles des marchés du carbone ;",
        "le bilan des contributions nationales.",
    ]
    assert document.blocks[7].text.startswith("Nous ne pouvons plus nous permettre")
    assert document.blocks[-1].text.endswith("records de chaleur sur tous les continents.")

    assert document.language == "fr"
    assert document.author == "Claire Dubois"
    paris = timezone(timedelta(hours=2))
    assert document.published == datetime(2024, 6, 3, 8, 15, tzinfo=paris)
    assert document.modified == datetime(2024, 6, 3, 11, 40, tzinfo=paris)
    # <link rel=canonical> is relative: made absolute against the fetched URL, and preferred to og:url.
    assert document.url == "https://quotidien-rhin.example/monde/climat-bonn-reprise"

    text = document.text
    for boilerplate in ("Aller au contenu", "Partager", "À lire aussi", "cookies", "newsletter", "Tags",
                        "Toutes les actualités du site", "Tous droits réservés", "Accueil", "Quotidien du Rhin"):
        assert boilerplate not in text, boilerplate
    # The headline is the title, not the body's first block (neither as is nor with the site name).
    assert "reprennent à Bonn" not in text


def test_english_page_json_ld_metadata_and_filters() -> None:
    document = extract_document(_page("en_news.html"), "https://gazette.example/news/harbour-bridge-reopens?ref=home")

    assert document.title == "Harbour bridge reopens after six-month repair"
    assert [b.type for b in document.blocks] == ["paragraph", "paragraph", "heading", "paragraph"]
    assert document.blocks[2].text == "Buses return to the old route"
    assert document.language == "en"
    assert document.author == "Tom Hartley"
    assert document.published == datetime(2024, 3, 14, 6, 30, tzinfo=UTC)
    assert document.modified == datetime(2024, 3, 14, 9, 5, tzinfo=UTC)
    assert document.url == "https://gazette.example/news/harbour-bridge-reopens"  # og:url, no canonical link
    for boilerplate in ("Skip to content", "Share on Facebook", "Read also", "newsletter", "Tags:",
                        "All rights reserved"):
        assert boilerplate not in document.text, boilerplate


def test_to_dict_is_what_the_user_sees() -> None:
    data = extract_document(_page("en_news.html")).to_dict()
    assert data["title"] == "Harbour bridge reopens after six-month repair"
    assert data["blocks"][2] == {"type": "heading", "text": "Buses return to the old route"}
    assert data["text"].split("\n\n")[0].startswith("The harbour bridge reopened")
    assert data["published"] == "2024-03-14T06:30:00+00:00"
    assert data["url"] == "https://gazette.example/news/harbour-bridge-reopens"


def test_non_utf8_bytes_decoded_with_their_meta_charset() -> None:
    data = _page("latin1_de.html")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is Latin-1
    document = extract_document(data)
    assert document.title == "Straßenbahn fährt wieder über die Brücke"
    assert document.blocks[0].text.startswith("Nach acht Monaten Bauzeit fährt die Straßenbahn")
    assert "Über die Kosten" in document.text
    assert "\ufffd" not in document.text
    assert document.language == "de"
    assert document.url is None


def test_str_and_bytes_give_the_same_document() -> None:
    raw = _page("fr_news.html")
    assert extract_document(raw).to_dict() == extract_document(raw.decode("utf-8")).to_dict()


def test_page_without_article_raises() -> None:
    with pytest.raises(ExtractionError, match="no article text found"):
        extract_document(_page("no_article.html"), "https://example.org/gallery")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("", "empty page"),
        ("   \n\t ", "empty page"),
        (b"", "empty page"),
        ("Just some plain text, no markup at all, long enough to be a sentence.", "not an HTML document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not an HTML document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not an HTML document"),
        ("<html><body><p>Hi</p></body></html>", "no article text found"),
    ],
)
def test_unusable_input_raises_extraction_error_with_reason(payload: str | bytes, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason) as info:
        extract_document(payload, "https://example.org/x")
    assert info.value.url == "https://example.org/x"


def test_language_hint_only_when_detection_is_inconclusive() -> None:
    article = "<html><body><article><p>{}</p></article></body></html>"
    french = article.format("Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites, "
                            "qui sera examiné par les députés avant la fin du mois de juin.")
    assert extract_document(french, language="de").language == "fr"
    numbers = article.format("2024 — 12 / 45 — 7,5 % — 1 200 — 3,4 — 98 — 1 000 000 — 17:45 — 2,1 — 66 — "
                             "333 — 12 — 42 — ABC 12 — XYZ 77 — 10 — 20 — 30 — 40 — 50 — 60 — 70 — 80 — "
                             "abcd efgh ijkl mnop qrst uvwx yz ab cd ef gh ij kl mn op qr st uv wx yz")
    assert extract_document(numbers, language="PT").language == "pt"


def test_deep_nesting_is_an_extraction_error_or_a_document() -> None:
    html = "<html><body>" + "<div>" * 5000 + "<p>" + "Un paragraphe de texte réel. " * 10 + "</p>" + \
        "</div>" * 5000 + "</body></html>"
    try:
        document = extract_document(html)
    except ExtractionError:
        return
    assert "Un paragraphe de texte réel." in document.text


RFI_URL = "https://www.rfi.fr/fr/europe/20220112-otan-russie-malgre-des-divergences-majeures-le-dialogue-reste-ouvert"
RFI_TITLE = "Otan-Russie: malgré des divergences majeures, le dialogue reste ouvert"


def test_rfi_page_title_once_no_slug_byline_parsed() -> None:
    """Issue 14's page: a kicker, the headline, its URL slug as a line, a dated byline with a
    correspondent, a figure with its credit, "(Avec AFP)" — and no author or date metadata."""
    document = extract_document(_page("fr_rfi_slug_byline.html"), RFI_URL)

    assert document.title == RFI_TITLE
    text = document.text
    assert "malgre des divergences majeures" not in text  # the slug line
    assert "dialogue reste ouvert" not in text  # the headline is the title, once
    assert "Europe" not in text.split("\n\n")[0]  # nor its section label
    assert document.blocks[0].text.startswith("Lors de leur rencontre du mercredi 12 janvier")
    assert "Publié le" not in text and "Pierre Benazet" not in text  # the byline is metadata
    assert document.author == "Pierre Benazet"
    assert document.authors == ["Pierre Benazet"]
    assert document.agency == "AFP"
    assert document.published == datetime(2022, 1, 12, 21, 3)  # from the byline: the page has no date meta
    assert document.modified is None
    assert document.figures == [Figure(
        "Le secrétaire général de l'Otan, Jens Stoltenberg, après la réunion du Conseil Otan-Russie, le 12 janvier "
        "2022 à Bruxelles.", "AP - Olivier Matthys")]
    assert "Olivier Matthys" not in text
    assert "À lire aussi" not in text and "Wendy Sherman" not in text
    assert text.endswith("(Avec AFP)")  # a credit written for readers stays


def test_rfi_page_with_extract_json(home: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(FIXTURES / "fr_rfi_slug_byline.html"), "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == RFI_TITLE
    assert [data["title"], *data["text"].split("\n\n")].count(RFI_TITLE) == 1
    assert not any("malgre des divergences" in block["text"] for block in data["blocks"])
    assert data["author"] == "Pierre Benazet" and data["authors"] == ["Pierre Benazet"]
    assert data["agency"] == "AFP"
    assert data["published"] == "2022-01-12T21:03:00"
    assert data["figures"] == [{"caption": data["figures"][0]["caption"], "credit": "AP - Olivier Matthys"}]


def test_several_authors_and_an_agency_from_a_body_byline() -> None:
    html = """<html lang="es"><head><title>El Gobierno aprueba la ley de familias</title></head><body><article>
<h1>El Gobierno aprueba la ley de familias</h1>
<p>Por Lucía Méndez y Pablo Ortega</p>
<p>El Gobierno aprobó este martes en el Consejo de Ministros el proyecto de ley de familias, que amplía los
permisos para el cuidado de hijos y familiares dependientes.</p>
<p>La norma crea un permiso retribuido de cuatro días al año por causa de fuerza mayor y extiende a cinco días
el permiso por enfermedad grave de un familiar.</p>
<p>(EFE)</p>
</article></body></html>"""
    document = extract_document(html, "https://diario.example/espana/ley-familias")
    assert document.authors == ["Lucía Méndez", "Pablo Ortega"]
    assert document.author == "Lucía Méndez, Pablo Ortega"
    assert document.agency == "EFE"
    assert not document.text.startswith("Por ")


def test_metadata_dates_win_over_the_byline() -> None:
    page = _page("fr_rfi_slug_byline.html").replace(
        b"<link rel=\"canonical\"", b"<meta property=\"article:published_time\" content=\"2022-01-12T20:03:00+00:00\">"
        b"\n<link rel=\"canonical\"")
    document = extract_document(page, RFI_URL)
    assert document.published == datetime(2022, 1, 12, 20, 3, tzinfo=UTC)
