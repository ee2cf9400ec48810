"""News-site boilerplate that survives generic extraction, recognised block by block.

trafilatura finds the main content of a page but keeps, at its edges, the furniture news sites
put inside articles: skip links, share bars, "read also" links, cookie and newsletter boxes, tag
lists, site-wide disclaimers, and the headline repeated as the first line. Each family below is
one regular expression over a *normalised* block (lowercase, NFKC, typographic apostrophes made
straight, whitespace collapsed), written for French, English, German, Spanish and Italian.

Most families only apply to short blocks: a real paragraph that happens to mention cookies or a
newsletter is long, a banner is not. Every pattern was checked against the extraction evaluation
(``babelwire eval extraction``): a pattern that lowers recall there is a regression.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from babelwire.document import Block

# Leading bullets and arrows of link lines ("► À lire aussi", ">> Mehr lesen", "• Related").
_BULLETS = r"[\s►▶▸→⇒>»•·*■□▪◆◊+|\-–—]*"


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    pattern: re.Pattern[str]
    max_chars: int  # only blocks at most this long can match (0: no limit)
    whole: bool = False  # the block must consist of nothing but matches of the pattern

    def matches(self, norm: str) -> bool:
        if self.max_chars and len(norm) > self.max_chars:
            return False
        if self.whole:
            # Remove every match and see whether any word is left (a regex anchored on both ends
            # with a repeated alternation backtracks exponentially on near misses).
            # A block of bare numbers ("286,35 €", a phone number) is not a share bar.
            return _ANY_LETTER.search(norm) is not None and _ANY_LETTER.search(self.pattern.sub(" ", norm)) is None
        return self.pattern.search(norm) is not None


_ANY_LETTER = re.compile(r"[^\W\d_]")


def _family(name: str, pattern: str, max_chars: int, *, whole: bool = False) -> _Family:
    return _Family(name, re.compile(pattern, re.IGNORECASE), max_chars, whole)


FAMILIES: tuple[_Family, ...] = (
    # Skip links for keyboard users, rendered as text when CSS is ignored.
    _family("skip link",
            _BULLETS + r"(skip to (the )?(main )?(content|navigation|menu|footer)|skip navigation"
            r"|aller (directement )?(au|à) (contenu|menu|la navigation)( principal)?"
            r"|passer (directement )?au contenu( principal)?|zum inhalt( springen)?|direkt zum inhalt"
            r"|zur navigation( springen)?|saltar (al|a) (contenido|navegación)( principal)?"
            r"|ir al contenido( principal)?|(vai|salta|passa) al contenuto( principale)?)\W*$",
            80),
    # "Read also" / related-article link lines, with or without an arrow in front.
    _family("read also",
            r"^" + _BULLETS + r"(à |a |to )?(lire|read|voir|see|regarder|écouter) (aussi|également|also|more)"
            r"|^" + _BULLETS + r"(also read|related( articles?| stories| content| posts?| news)?|plus d'infos"
            r"|sur le même (sujet|thème)|dans la même rubrique|nos articles sur|lesen sie (auch|mehr)|mehr lesen"
            r"|mehr zum thema|auch interessant|das könnte sie (auch )?interessieren|weiterlesen|lee también"
            r"|lea también|leer también|ver también|te puede interesar|le puede interesar|noticias relacionadas"
            r"|leggi anche|vedi anche|potrebbe interessarti|articoli correlati|you may also like"
            r"|recommended|more on this story|en savoir plus)\s*[:：\-–—]"
            r"|^(à lire aussi|a lire aussi|lire aussi|voir aussi|read also|see also|related|related articles"
            r"|lesen sie auch|mehr zum thema|lee también|leer también|leggi anche|read more|lire la suite"
            r"|weiterlesen|leer más|leggi di più|continue reading|mehr lesen)\W*$",
            300),
    # Cookie consent banners.
    _family("cookie banner",
            r"cookie.*(accept|consent|navigation|utilis|use|verwend|nutz|utiliz|acept|politique|policy"
            r"|datenschutz|privacy|confidentialité|paramétrer|settings|einstellungen)"
            r"|(accept|consent|utilis|\buses?\b|verwend|nutz|utiliz|acept).*cookie",
            600),
    # Newsletter and subscription prompts.
    _family("newsletter",
            r"(inscri|abonne|recevez|subscri|sign up|signup|abonnier|anmeld|registr|suscr|iscriv|receive|get)"
            r".{0,60}(newsletter|lettre d'information|infolettre|boletín|bulletin)"
            r"|(newsletter|infolettre|boletín).{0,60}(inscri|abonne|subscri|sign up|abonnier|anmeld|suscr"
            r"|iscriv|gratuit|free|kostenlos|gratis)",
            300),
    # Tag and keyword lists.
    _family("tag list",
            _BULLETS + r"(tags?|mots[- ]clés?|mots clefs?|thèmes?|sujets?|keywords?|topics?|schlagwörter"
            r"|schlagworte|stichwörter|themen|etiquetas|temas|palabras clave|argomenti|parole chiave"
            r"|categories|catégories|kategorien|categorías|categorie)\s*[:：]",
            300),
    # Site-wide disclaimers and copyright lines ("Toutes les actualités du site n'expriment pas…").
    _family("disclaimer",
            r"toutes les actualités du site n'expriment pas|all (the )?news (on|of) the site (do|does) not"
            r"|not (necessarily )?(reflect|express) the (views?|point of view|opinion) of the site"
            r"|n'expriment? pas (nécessairement )?(le point de vue|l'opinion|les opinions) du site"
            r"|^\W*(©|\(c\)|copyright)\s|tous droits réservés|all rights reserved|alle rechte vorbehalten"
            r"|todos los derechos reservados|tutti i diritti riservati|reproduction (interdite|strictement)",
            600),
    # Paywall and login prompts ("Pour lire la suite…", "Already a subscriber?").
    _family("paywall",
            r"^" + _BULLETS + r"(pour lire la suite|la suite (de cet article )?est réservée|cet article est réservé"
            r"|réservé aux abonnés|déjà abonné|pour accéder (en illimité|à (cet|l'intégralité))|abonnez-vous"
            r"|connectez-vous|offre découverte|subscribe (now|to (continue|read))"
            r"|already (a subscriber|have an account)"
            r"|this (article|content) is (for|only available to|reserved for) subscribers|sign in to (continue|read)"
            r"|log in to (continue|read)|jetzt (abonnieren|weiterlesen|testen)|bereits abonnent|sie sind bereits"
            r"|weiterlesen mit|dieser artikel ist (nur )?für abonnenten|suscríbete|ya eres suscriptor"
            r"|contenido exclusivo para suscriptores|abbonati|sei già abbonato|contenuto riservato agli abbonati)",
            200),
    # Advertisement labels left where an advert was.
    _family("advertisement label",
            r"^\W*(anzeige|werbung|publicité|pub|advertisement|advertising|sponsored|sponsorisé|publicidad"
            r"|pubblicità|annonce|ad)\W*$",
            40),
    # Audio/video player labels left in the text ("Écouter - 02:41", "Listen to this article 4:12").
    _family("media player label",
            r"^" + _BULLETS + r"(écouter|écoutez|listen|play|lire|regarder|watch|anhören|abspielen|escuchar"
            r"|reproducir|ascolta|guarda)( (à |to )?(l'article|this article|the article|cet article|la vidéo"
            r"|the video|this story|l'audio|audio|video|vidéo|podcast|artikel|el artículo|l'articolo))?"
            r"\W*(\d{1,2}:\d{2}(:\d{2})?|\d+ ?(min|minutes?|sec))?\W*$",
            60),
    # Share bars: nothing but share verbs and network names ("Partager Facebook Twitter E-mail").
    _family("share bar",
            r"\b(share (this|on|via)( article| story| page| post)?|share|shares|sharing|tweet|tweeter"
            r"|partager (cet|l') ?article|partagez (cet|l') ?article|partager sur|partager|partagez|partage"
            r"|diesen artikel teilen|artikel teilen|teilen auf|teilen|compartir en|compartir|comparte"
            r"|condividi su|condividi questo articolo|condividi|facebook|twitter|x|linkedin|whatsapp|telegram"
            r"|pinterest|reddit|flipboard|messenger|viber|e-mail|email|mail|courriel|envoyer|imprimer|print"
            r"|drucken|imprimir|stampa|copy link|copier le lien|link kopieren|copiar enlace|copia link"
            r"|bluesky|threads|sms|on|sur|auf|en|su|via)\b",
            160, whole=True),
    # Social follow prompts and comment invitations.
    _family("follow or comment prompt",
            r"^" + _BULLETS + r"(suivez[- ]nous|follow us|folgen sie uns|síguenos|seguici|retrouvez-nous"
            r"|laisser un commentaire|laissez un commentaire|leave a (comment|reply)|kommentar schreiben"
            r"|deja un comentario|deja una respuesta|lascia un commento|réagir|commenter cet article"
            r"|\d+ (commentaires?|comments?|kommentare?|comentarios?|commenti))\b",
            200),
)


def normalise(text: str) -> str:
    """Lowercase, NFKC, straight apostrophes, single spaces: the form patterns are written for."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("ʼ", "'")
    return " ".join(text.split()).lower()


def boilerplate_family(text: str) -> str | None:
    """The name of the boilerplate family a block belongs to, or None for real content."""
    norm = normalise(text)
    for family in FAMILIES:
        if family.matches(norm):
            return family.name
    return None


def comparable(text: str) -> str:
    """Text reduced to lowercase words: punctuation, quotes and slug hyphens become spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join(kept.split())


_SEPARATOR = re.compile(r"\s[-–—|·:/]\s|\s[|·]|[|·]\s")


def repeats_title(text: str, title: str, site_names: tuple[str, ...] = ()) -> bool:
    """True when a block is the headline again: same words, maybe with a site name or a dateline."""
    block, head = comparable(text), comparable(title)
    if not block or not head:
        return False
    if block == head:
        return True
    # "Headline – Site name" as the first line, or the title carries the site name and not the block;
    # a separator is required so that a lead sentence starting with the headline's words is kept.
    for longer, original, shorter in ((block, text, head), (head, title, block)):
        if longer.startswith(shorter) and len(shorter) >= 12:
            rest = longer[len(shorter):].strip()
            if any(comparable(name) == rest for name in site_names if name):
                return True
            if len(rest.split()) <= 4 and _SEPARATOR.search(original):
                return True
    return False


def remove_boilerplate(blocks: list[Block], title: str | None, site_names: tuple[str, ...] = ()) -> list[Block]:
    """Blocks without news boilerplate, and without the title repeated at the start."""
    kept: list[Block] = []
    for block in blocks:
        if boilerplate_family(block.text) is not None:
            continue
        if "\n" in block.text:
            # Lines joined by <br> can be a share bar or a skip link glued to real text.
            lines = [line for line in block.text.split("\n") if boilerplate_family(line) is None]
            if not lines:
                continue
            block = Block(block.type, "\n".join(lines))
        kept.append(block)
    if title:
        # A headline can come back twice at the top (as a heading, then as a slug or lead line).
        while kept and kept[0].type in ("heading", "paragraph") and repeats_title(kept[0].text, title, site_names):
            kept.pop(0)
    return kept
