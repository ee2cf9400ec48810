"""Image captions and credits: out of the body, into Document.figures."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from babelwire.document import Figure
from babelwire.extract import extract_document
from babelwire.extract.figures import caption_block, collect_figures, split_credit
from babelwire.extract.markup import scan_markup

PARAGRAPHS = "".join(
    f"<p>{text}</p>" for text in (
        "Le conseil municipal a voté jeudi soir la rénovation complète de la halle du marché, un bâtiment de "
        "1902 dont la charpente métallique montre des signes de corrosion avancée.",
        "Les travaux doivent commencer en septembre et durer dix-huit mois ; les commerçants seront installés "
        "pendant ce temps sur la place de la mairie, sous des barnums chauffés.",
        "L'opposition a voté contre, jugeant le coût de 4,3 millions d'euros trop élevé pour une commune de "
        "douze mille habitants, et réclame un référendum local.",
    ))


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("Crédits photos : Bestimage", None, "Bestimage"),
        ("Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO",
         "Marco Odermatt, Ski-Star aus der Schweiz.", "AFP / MARCO BERTORELLO"),
        ("Titelbild: Geyres Christophe/ABACA/picture-alliance", None, "Geyres Christophe/ABACA/picture-alliance"),
        ("Fot. Lukasz Nowaczyk / Agencja Gazeta", None, "Lukasz Nowaczyk / Agencja Gazeta"),
        ("Cristina Kirchner y Alberto Fernández, en el Congreso (Foto: Natacha Pisarenko/Pool via REUTERS).",
         "Cristina Kirchner y Alberto Fernández, en el Congreso", "Natacha Pisarenko/Pool via REUTERS"),
        ("Bild: Logo des Preises | © Springer", "Logo des Preises", "Springer"),
        ("Volontari al lavoro nel centro di Faenza (foto Ansa)", "Volontari al lavoro nel centro di Faenza",
         "foto Ansa"),
        ("Die Polizei ermittelt. Foto: dpa", "Die Polizei ermittelt.", "dpa"),
        ("Une simple légende sans crédit.", "Une simple légende sans crédit.", None),
    ],
)
def test_split_credit(text: str, caption: str | None, credit: str | None) -> None:
    assert split_credit(text) == (caption, credit)


@pytest.mark.parametrize(
    ("text", "is_caption"),
    [
        ("Crédits photos : Bestimage", True),
        ("Photo : Reuters", True),
        ("© AFP / Marco Bertorello", True),
        ("Abbildung 4: klassische Schwachschicht.", True),
        ("Johannes Thingnes Bø will für Furore sorgen. © AFP / MARCO BERTORELLO", True),
        ("(Avec AFP)", False),
        ("Le président a parlé. (AFP)", False),
        ("Photos show the damage after the storm hit the coast on Tuesday night.", False),
        ("Foto.de ist eine Webseite", False),
        ("Photo : " + "une très longue légende qui est en réalité un paragraphe de l'article. " * 6, False),
    ],
)
def test_caption_block(text: str, is_caption: bool) -> None:
    assert caption_block(text) is is_caption


def test_collect_figures_from_the_markup() -> None:
    tree = fromstring("""<html><body>
<header><figure><figcaption>Logo du site</figcaption></figure></header>
<article>
<figure><img src="a.jpg"><figcaption><span class="caption__text">La halle du marché en 1910.</span>
<span class="caption__credit">Archives municipales</span></figcaption></figure>
<div class="photo-caption">Le maire devant la halle, jeudi. Photo : Jean Dupont</div>
<div class="image-caption">Les commerçants inquiets</div><div class="image-copyright">© Ouest-Presse</div>
</article>
<aside class="related-articles"><figure><figcaption>Un autre article</figcaption></figure></aside>
<footer><p class="copyright">© 2024 Le Journal. Tous droits réservés.</p></footer>
</body></html>""")
    assert collect_figures(scan_markup(tree)) == [
        Figure("La halle du marché en 1910.", "Archives municipales"),
        Figure("Le maire devant la halle, jeudi.", "Jean Dupont"),
        Figure("Les commerçants inquiets", "Ouest-Presse"),  # a credit next to its caption
    ]


def test_captions_leave_the_body_and_are_stored() -> None:
    html = f"""<html lang="fr"><head><title>La halle du marché sera rénovée</title></head><body><article>
<h1>La halle du marché sera rénovée</h1>
<p class="legende">La halle du marché, construite en 1902. Photo : Studio Martin</p>
{PARAGRAPHS}
<p>Le maire lors du conseil municipal. © Jeanne Roux</p>
</article></body></html>"""
    document = extract_document(html, "https://journal.example/ville/halle")
    assert "construite en 1902" not in document.text
    assert "Jeanne Roux" not in document.text and "Studio Martin" not in document.text
    assert "charpente métallique" in document.text
    assert Figure("La halle du marché, construite en 1902.", "Studio Martin") in document.figures
    assert Figure("Le maire lors du conseil municipal.", "Jeanne Roux") in document.figures
    assert document.to_dict()["figures"][0].keys() == {"caption", "credit"}
