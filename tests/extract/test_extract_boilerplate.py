"""The news boilerplate filters, family by family, and what they must keep."""

from __future__ import annotations

import pytest

from babelwire.document import Block
from babelwire.extract.boilerplate import (
    boilerplate_family,
    cut_sections,
    remove_boilerplate,
    repeats_title,
    section_label,
)


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


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # read-also links in more languages and forms
        ("Lesen Sie hier: Spielabbruch in der Kreisliga", "read also"),
        ("PUEDES VER: ¿Qué es la Sunedu?", "read also"),
        ("Lea más: Ortega propone legalizar la marihuana", "read also"),
        ("Czytaj też: Wyścig zbrojeń ruszył z kopyta", "read also"),
        ("Читайте также: Рубль подешевел на открытии торгов", "read also"),
        ("اقرأ أيضا: ارتفاع عدد المستشفيات الخاصة", "read also"),
        (">> Wegen Corona: Danni muss ihr Lokal schließen <<", "read also"),
        # newsletter, support, app and channel prompts
        ("Never miss the latest news by signing up to our newsletter today!", "newsletter"),
        ("Get The Times of Israel's Daily Edition by email and never miss our top stories Free Sign Up",
         "newsletter"),
        ("If you enjoyed reading this post – would you consider supporting our work? Just click here. Thanks!",
         "support prompt"),
        ("Поддержите нашу редакцию — мы работаем только благодаря читателям.", "support prompt"),
        ("For the latest stories and breaking news updates download the Nationnews apps for iOS and Android.",
         "app or channel prompt"),
        ("¿Ya sabías que en Guatemala.com tenemos canal de Telegram? Únete desde tu celular.",
         "app or channel prompt"),
        # affiliate notices, galleries, live blogs, embeds, reading time
        ("This post contains references to products from one or more of our advertisers.", "affiliate notice"),
        ("Anzeige, enthält Affiliate Links", "affiliate notice"),
        ("Bild anzeigen", "gallery widget"),
        ("2 von 17", "gallery widget"),
        ("Voir la galerie", "gallery widget"),
        ("Открыть галерею", "gallery widget"),
        ("Mise à jour automatique", "live-blog widget"),
        ("Épinglé", "live-blog widget"),
        ("Load more", "live-blog widget"),
        ("Klicken Sie auf den unteren Button, um den Inhalt von www.komoot.de zu laden.", "embed placeholder"),
        ("View this post on Instagram", "embed placeholder"),
        ("Temps de lecture : 4 min", "reading time"),
        ("Ten tekst przeczytasz w mniej niż minutę", "reading time"),
        # comments, dates, sources, downloads, calls to action, print edition, breadcrumbs, contacts
        ("Du musst Eingeloggt sein um Kommentare zu schreiben!", "follow or comment prompt"),
        ("Keine Kommentare (Kommentare erscheinen erst nach unserer Freigabe)", "follow or comment prompt"),
        ("We want to hear what you think about this article. Submit a letter to the editor.",
         "follow or comment prompt"),
        ("Letzte Änderung 14.02.2019", "date line"),
        ("Aggiornato alle 18:05", "date line"),
        ("Release Date:", "date line"),
        ("Quelle: Landesregierung", "source line"),
        ("Informationsschreiben vom 14. Oktober 2021 (PDF, 38 KB)", "download link"),
        ("DHB jetzt auch digital! Einfach hier klicken und registrieren!", "call to action"),
        ("Die aktuelle Ausgabe jetzt an jedem Bahnhofskiosk, im Abo, als e-Paper erhältlich.", "print edition promo"),
        ("Accueil › Bretagne › Saint-Malo", "navigation line"),
        ("E-Mail: presse@example.org", "contact lines"),
        ("(Alle Angaben ohne Gewähr)", "disclaimer"),
        ("Riproduzione riservata © Copyright ANSA", "disclaimer"),
        ("Weitere Infos unter www.itfjuniors.de.", "more info line"),
        ("To view the full story, please subscribe to The Haitian Times.", "paywall"),
        # in Russian and Arabic
        ("Поделиться", "share bar"),
        ("شارك", "share bar"),
        ("Реклама", "advertisement label"),
        ("إعلان", "advertisement label"),
        ("Перейти к содержанию", "skip link"),
        ("استمع 3:05", "media player label"),
    ],
)
def test_more_boilerplate_families(text: str, family: str) -> None:
    assert boilerplate_family(text) == family


@pytest.mark.parametrize(
    "text",
    [
        "Werbung nervt. Tracking nervt. Nerven nervt. Und gerade mobil habe ich keine Zeit dafür.",
        "Herzlich Willkommen! Werden Sie ein Teil der Community und unterstützen Sie uns dabei, unsere "
        "Produkte zu verbessern.",
        "Das Konzeptpapier finden Sie hier:",
        "Dieselkraftstoff | 32,23 Mio. t | 32,28 Mio. t | 0,1 %",  # a table row
        "Name | Partei | Wahlkreis",
        "— Solidaires Étudiant-e-s Saint-Denis (@SolidairesEtuP8) February 17, 2020",  # an embedded tweet's signature
        "Die Polizei bittet um Hinweise unter Telefon: 0341 966 4 6666, die Ermittlungen dauern an.",
        "Am 12.03.2021 hat der Bundestag beschlossen, die Frist zu verlängern.",
        "Le direct de l'Élysée a été interrompu par une coupure de courant.",
        "Elle a lu la suite du rapport devant la commission, qui a voté contre.",
    ],
)
def test_more_content_is_kept(text: str) -> None:
    assert boilerplate_family(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sur le même sujet", "related"),
        ("Weitere Artikel zum Thema", "related"),
        ("Lesen Sie auch die folgenden Beiträge:", "related"),
        ("NOTAS RELACIONADAS", "related"),
        ("Potrebbe interessarti anche", "related"),
        ("По теме", "related"),
        ("مواضيع ذات صلة", "related"),
        ("Les plus lus", "most read"),
        ("Meistgelesen", "most read"),
        ("Lo más visto", "most read"),
        ("Самое читаемое", "most read"),
        ("الأكثر قراءة", "most read"),
        ("Commentaires", "comments"),
        ("Комментарии", "comments"),
        ("Temas", "tags"),
        ("Weitere Informationen:", "more info"),
        ("Pressekontakt", "contact"),
        ("La réunion a duré quatre heures.", None),
        ("Les plus lus des romans de l'été ont tous été écrits par des femmes, selon une étude.", None),
    ],
)
def test_section_labels(text: str, kind: str | None) -> None:
    assert section_label(text) == kind


def _prose(n: int) -> list[Block]:
    return [Block("paragraph", f"Paragraphe {i} de l'article, qui raconte en détail ce qui s'est passé mardi soir "
                               "au conseil municipal, avec les déclarations des élus et des habitants présents.")
            for i in range(n)]


def test_a_section_label_in_the_last_part_ends_the_article() -> None:
    body = _prose(6)
    blocks = [*body, Block("heading", "Sur le même sujet"), Block("heading", "Un autre article sur la ville"),
              Block("paragraph", "Le résumé de cet autre article, qui n'a rien à faire ici, en quelques mots."),
              Block("heading", "Encore un autre article")]
    assert cut_sections(blocks) == body


def test_a_section_label_elsewhere_removes_its_teasers_only() -> None:
    body = _prose(6)
    blocks = [*body[:2], Block("paragraph", "Lire aussi"), Block("list_item", "Un autre article sur la ville"),
              Block("list_item", "Encore un autre article"), *body[2:]]
    assert cut_sections(blocks) == body


def test_a_newsletter_label_followed_by_prose_is_not_an_end() -> None:
    body = _prose(8)
    blocks = [*body[:6], Block("paragraph", "Newsletter"), *body[6:]]
    assert cut_sections(blocks) == body


def test_a_table_of_contents_goes() -> None:
    body = _prose(2)
    blocks = [Block("paragraph", "Inhaltsverzeichnis"), Block("list_item", "Was ist Dekantieren?"),
              Block("list_item", "Welche Weine?"), body[0], Block("heading", "Was ist Dekantieren?"), body[1],
              Block("heading", "Welche Weine?")]
    assert cut_sections(blocks) == blocks[3:]
