"""The news boilerplate filters, family by family, and what they must keep."""

from __future__ import annotations

import pytest

from babelwire.document import Block
from babelwire.extract.boilerplate import boilerplate_family, remove_boilerplate, repeats_title


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Skip to content", "skip link"),
        ("Skip to main content", "skip link"),
        ("Aller au contenu", "skip link"),
        ("Aller au contenu principal", "skip link"),
        ("Zum Inhalt springen", "skip link"),
        ("Saltar al contenido", "skip link"),
        ("Vai al contenuto", "skip link"),
        ("Partager", "share bar"),
        ("Partager sur Facebook Twitter E-mail", "share bar"),
        ("Share on Facebook", "share bar"),
        ("Tweet", "share bar"),
        ("Teilen auf WhatsApp", "share bar"),
        ("Compartir en Facebook", "share bar"),
        ("Condividi su Facebook", "share bar"),
        ("► À lire aussi : Wendy Sherman, diplomate chevronnée", "read also"),
        ("► To read also: Wendy Sherman, seasoned American diplomat", "read also"),
        ("Lire aussi", "read also"),
        ("Voir aussi : notre dossier", "read also"),
        ("Read also: the council's new plan", "read also"),
        ("Related: Markets fall again", "read also"),
        (">> Mehr lesen: Was ihr im Winter erleben könnt", "read also"),
        ("Lesen Sie auch: Die Bahn streikt", "read also"),
        ("Lee también: El Gobierno aprueba el plan", "read also"),
        ("Leggi anche: Il governo approva il piano", "read also"),
        ("Nous utilisons des cookies pour améliorer votre expérience. Accepter", "cookie banner"),
        ("This website uses cookies to improve your experience.", "cookie banner"),
        ("Diese Website verwendet Cookies.", "cookie banner"),
        ("Inscrivez-vous à notre newsletter", "newsletter"),
        ("Sign up for our newsletter", "newsletter"),
        ("Newsletter abonnieren", "newsletter"),
        ("Suscríbete a nuestro boletín", "newsletter"),
        ("Iscriviti alla newsletter", "newsletter"),
        ("Tags: Russie, OTAN", "tag list"),
        ("Mots-clés : climat, ONU", "tag list"),
        ("Schlagwörter: Bahn, Streik", "tag list"),
        ("Etiquetas: política", "tag list"),
        ("Toutes les actualités du site n'expriment pas le point de vue du site, mais nous transmettons "
         "cette actualité automatiquement", "disclaimer"),
        ("© 2024 Le Quotidien", "disclaimer"),
        ("Alle Rechte vorbehalten.", "disclaimer"),
        ("Pour lire la suite, abonnez-vous", "paywall"),
        ("Anzeige", "advertisement label"),
        ("Suivez-nous sur Twitter", "follow or comment prompt"),
        ("Leave a comment", "follow or comment prompt"),
        ("Écouter - 02:41", "media player label"),
        ("Listen to this article 4:12", "media player label"),
        ("Regarder la vidéo 1:02:03", "media player label"),
    ],
)
def test_boilerplate_is_recognised(text: str, family: str) -> None:
    assert boilerplate_family(text) == family


@pytest.mark.parametrize(
    "text",
    [
        "Le ministre a partagé son avis sur Facebook mardi soir, déclenchant une vague de réactions.",
        "Facebook a annoncé mardi un partenariat avec plusieurs éditeurs de presse européens.",
        "Share prices fell sharply in Tokyo on Tuesday after the central bank's announcement.",
        "286,35 €",
        "+81 158-23-2012",
        "Les cookies de Noël de la boulangerie du coin se vendent par centaines chaque décembre.",
        "Il a lu aussi le rapport de la commission, qui recommande une refonte complète du dispositif.",
        "Related to the strike, the union said it would hold a vote on Friday on the new offer.",
        "(With AFP)",
        "Details to follow …",
        "Écouter les Russes est nécessaire, a-t-il dit.",
        "Lire le rapport complet du Sénat publié mardi",
        "Play resumed after a 20-minute delay.",
    ],
)
def test_real_content_is_kept(text: str) -> None:
    assert boilerplate_family(text) is None


def test_long_paragraph_mentioning_a_banner_word_is_kept() -> None:
    text = ("La CNIL a infligé une amende à plusieurs sites qui déposaient des cookies sans le consentement "
            "des internautes. ") * 8
    assert boilerplate_family(text) is None


def test_title_repeats() -> None:
    title = "despite “major differences”, the dialogue remains open"
    assert repeats_title("despite major differences the dialogue remains open", title)  # slug / lead line
    assert repeats_title("despite-major-differences-the-dialogue-remains-open", title)
    assert repeats_title("Despite “major differences”, the dialogue remains open – RFI", title)
    assert repeats_title("Despite major differences, the dialogue remains open", title + " | RFI")
    # A lead sentence that starts with the headline's words is content.
    assert not repeats_title("Despite major differences the dialogue remains open, officials said on Wednesday "
                             "after a long meeting in Brussels.", title)
    assert not repeats_title("The dialogue remains open", title)


def test_remove_boilerplate_drops_repeated_titles_only_at_the_start() -> None:
    title = "« Differences on fundamental issues » persist with NATO"
    blocks = [
        Block("paragraph", "Skip to content"),
        Block("heading", "« Differences on fundamental issues » persist with NATO – RT en français"),
        Block("paragraph", "Differences on fundamental issues persist with NATO"),
        Block("paragraph", "After a Russia-NATO meeting on January 12, the deputy minister spoke."),
        Block("paragraph", "► To read also: Wendy Sherman, seasoned American diplomat"),
        Block("quote", "Differences on fundamental issues persist with NATO"),
        Block("paragraph", "Partager\nThe talks will continue next week."),
    ]
    kept = remove_boilerplate(blocks, title, ("RT en français",))
    assert kept == [
        Block("paragraph", "After a Russia-NATO meeting on January 12, the deputy minister spoke."),
        Block("quote", "Differences on fundamental issues persist with NATO"),
        Block("paragraph", "The talks will continue next week."),
    ]
