"""News-site boilerplate that survives generic extraction, recognised block by block.

trafilatura finds the main content of a page but keeps, at its edges, the furniture news sites
put inside articles: skip links, share bars, "read also" links, cookie and newsletter boxes, tag
lists, site-wide disclaimers, support and app prompts, affiliate notices, gallery and live-blog
widgets, embed placeholders, comment prompts, and the headline repeated as the first line. Each
family below is one regular expression over a *normalised* block (lowercase, NFKC, typographic
apostrophes made straight, whitespace collapsed), written for French, English, German, Spanish,
Italian, Portuguese, Russian, Arabic and Polish.

Some blocks are not furniture themselves but open a section of it: "Sur le même sujet", "Most
read", "Weitere Artikel zum Thema", "Notas relacionadas", "Читайте также", "اقرأ أيضا", "Comments".
:func:`section_label` recognises them; :func:`cut_sections` removes the label with the teasers under
it, and everything after it when it stands in the last part of the article.

Most families only apply to short blocks: a real paragraph that happens to mention cookies or a
newsletter is long, a banner is not. Every pattern was checked against the extraction evaluation
(``babelwire eval extraction``): a pattern that lowers recall there is a regression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babelwire.document import Block
from babelwire.extract.headline import remove_echoes, repeats_title
from babelwire.extract.textforms import comparable, letters, normalise

__all__ = ["FAMILIES", "boilerplate_family", "comparable", "cut_sections", "normalise", "remove_boilerplate",
           "repeats_title", "section_label"]

# Leading bullets and arrows of link lines ("► À lire aussi", ">> Mehr lesen", "• Related").
_BULLETS = r"[\s►▶▸→⇒>»•·*■□▪◆◊+|\-–—]*"


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    pattern: re.Pattern[str]
    max_chars: int  # only blocks at most this long can match (0: no limit)
    whole: bool = False  # the block must consist of nothing but matches of the pattern
    # Words one of which every match contains: a substring test in C rules most blocks out before
    # the (unanchored, slower) pattern runs. Empty: no such test.
    requires: tuple[str, ...] = ()

    def matches(self, norm: str) -> bool:
        if self.max_chars and len(norm) > self.max_chars:
            return False
        if self.requires and not any(word in norm for word in self.requires):
            return False
        if self.whole:
            # Remove every match and see whether any word is left (a regex anchored on both ends
            # with a repeated alternation backtracks exponentially on near misses).
            # A block of bare numbers ("286,35 €", a phone number) is not a share bar.
            return _ANY_LETTER.search(norm) is not None and _ANY_LETTER.search(self.pattern.sub(" ", norm)) is None
        return self.pattern.search(norm) is not None


_ANY_LETTER = re.compile(r"[^\W\d_]")


def _family(name: str, pattern: str, max_chars: int, *, whole: bool = False, requires: str = "") -> _Family:
    return _Family(name, re.compile(pattern, re.IGNORECASE), max_chars, whole,
                   tuple(word for word in requires.split("|") if word))


FAMILIES: tuple[_Family, ...] = (
    # Skip links for keyboard users, rendered as text when CSS is ignored.
    _family("skip link",
            _BULLETS + r"(skip to (the )?(main )?(content|navigation|menu|footer)|skip navigation"
            r"|aller (directement )?(au|à) (contenu|menu|la navigation)( principal)?"
            r"|passer (directement )?au contenu( principal)?|zum inhalt( springen)?|direkt zum inhalt"
            r"|zur navigation( springen)?|saltar (al|a) (contenido|navegación)( principal)?"
            r"|ir al contenido( principal)?|(vai|salta|passa) al contenuto( principale)?|перейти к (содержанию"
            r"|основному содержанию|контенту)|انتقل إلى المحتوى( الرئيسي)?|تخطى إلى المحتوى|pular para o conteúdo)\W*$",
            80),
    # "Read also" / related-article link lines, with or without an arrow in front.
    _family("read also",
            r"^" + _BULLETS + r"(à |a |to )?(lire|read|voir|see|regarder|écouter) (aussi|également|also|more)"
            r"|^" + _BULLETS + r"(also read|related( articles?| stories| content| posts?| news)?|plus d'infos"
            r"|sur le même (sujet|thème)|dans la même rubrique|nos articles sur|lesen sie (auch|mehr)|mehr lesen"
            r"|mehr zum thema|auch interessant|das könnte sie (auch )?interessieren|weiterlesen|lee también"
            r"|lea también|leer también|ver también|te puede interesar|le puede interesar|noticias relacionadas"
            r"|leggi anche|vedi anche|potrebbe interessarti|articoli correlati|you may also like"
            r"|recommended|more on this story|en savoir plus|lesen sie hier|auch lesen|lies auch|schon gelesen"
            r"|lea más|lea|vea también|ver más|mira|mire|puedes ver|te recomendamos|también te puede interesar"
            r"|leia também|leia mais|veja também|saiba mais|leggi|guarda anche|czytaj (też|także|również|więcej)"
            r"|zobacz (też|także|również)|dowiedz się więcej|читайте также|читайте|смотрите также|по теме"
            r"|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا|إقرأ أيضاً|اقرأ المزيد|اقرأ|شاهد أيضا|شاهد)\s*[:：\-–—]"
            r"|^(à lire aussi|a lire aussi|lire aussi|voir aussi|read also|see also|related|related articles"
            r"|lesen sie auch|mehr zum thema|lee también|leer también|leggi anche|read more|lire la suite"
            r"|weiterlesen|leer más|leggi di più|continue reading|mehr lesen|czytaj więcej|читайте также"
            r"|читать далее|подробнее|اقرأ أيضا|اقرأ المزيد)\W*$"
            r"|^>>.{5,200}<<$",
            300),
    # Cookie consent banners.
    _family("cookie banner",
            r"cookie.*(accept|consent|navigation|utilis|use|verwend|nutz|utiliz|acept|politique|policy"
            r"|datenschutz|privacy|confidentialité|paramétrer|settings|einstellungen)"
            r"|(accept|consent|utilis|\buses?\b|verwend|nutz|utiliz|acept).*cookie",
            600,
            requires="cookie"),
    # Newsletter and subscription prompts.
    _family("newsletter",
            r"(inscri|abonne|recevez|subscri|sign up|signup|signing up|abonnier|anmeld|melde dich|registr|suscr"
            r"|iscriv|receive|get|подпи|اشترك|zapisz)"
            r".{0,60}(newsletter|lettre d'information|infolettre|boletín|bulletin|рассылк|النشرة)"
            r"|(newsletter|infolettre|boletín|рассылк|النشرة).{0,60}(inscri|abonne|subscri|sign up|abonnier|anmeld"
            r"|suscr|iscriv|gratuit|free|kostenlos|gratis|подпи|اشترك)"
            r"|(daily|weekly|morning|evening) (edition|briefing|digest|newsletter) by (e-?mail|email).{0,80}sign up"
            r"|(in |zu |auf |to |à )?(unsere[nmr]?|our|notre|nuestro|nostra) \w*newsletter"
            r"|(in deinen|in ihren|in your) (posteingang|inbox)",
            300,
            requires=("newsletter|lettre d'information|infolettre|boletín|bulletin|рассылк|النشرة|sign up|"
                      "posteingang|inbox")),
    # Support, donation and membership prompts of reader-funded sites.
    _family("support prompt",
            r"(would you consider|please consider|consider) supporting|support (our|independent|quality) "
            r"(work|journalism|reporting)|^(we need your help|donate|make a donation|faire un don|jetzt spenden)\b"
            r"|\b(soutenez|soutenir) (notre|nos|le|un) (travail|journalisme|média|rédaction)"
            r"|unterstütze[n]?( sie)? (unsere arbeit|unseren journalismus|unabhängigen journalismus"
            r"|\w+ (bereits|jetzt) mit)"
            r"|zahl'? ich freiwillig|apoya (nuestro|el|al) periodismo|hazte (miembro|socio)|hacer periodismo"
            r"|periodismo (incómodo|independiente).{0,40}(cancela|suscr|apoy)"
            r"|sostieni (il nostro|l'informazione|il giornalismo)|поддержите (нас|нашу|наш|редакцию|журналистику)"
            r"|ادعم|wesprzyj (nas|nasz)|werden sie mitglied",
            200,
            requires=("supporting|support |we need your help|donate|donation|faire un don|spenden|souten|"
                      "unterstütze|freiwillig|apoya|hazte|periodismo|sostieni|поддержите|ادعم|wesprzyj|mitglied")),
    # Affiliate, advertising and sponsored-content notices.
    _family("affiliate notice",
            r"affiliate[- ]links?|(this|the) (post|article|page) (contains|may contain) (affiliate|references to"
            r" products|sponsored)|we may (receive|earn) (a )?(compensation|commission)|advertiser disclosure"
            r"|we recommend the best products|liens? affiliés?|lien sponsorisé|contenu sponsorisé|article sponsorisé"
            r"|enlaces? (de )?afiliados?|link di affiliazione|партнёрск\w* ссылк|партнерск\w* ссылк"
            r"|^\W*(unbezahlte |bezahlte )?werbung\W*$|^\W*anzeige\s*[-,:]|enthält (werbung|affiliate|anzeigen)"
            r"|^\W*advertorial\W*$"
            r"|^\W*(sponsored|gesponsert|patrocinado|sponsorizzato|publi-?reportage)\W*$",
            300,
            requires=("affiliate|contain|we may|advertiser|recommend|affilié|sponsorisé|afiliado|affiliazione|"
                      "партн|werbung|anzeige|enthält|advertorial|sponsored|gesponsert|patrocinado|sponsorizzato|"
                      "reportage")),
    # Gallery widgets: open/close buttons and counters ("Bild anzeigen", "2 von 17", "Voir le diaporama").
    _family("gallery widget",
            r"^\W*((bild|foto|image|photo)s? (anzeigen|schließen|vergrößern|öffnen|zoomen)|\d+ (von|of|de|di|sur"
            r"|из|z) \d+|\d+ ?/ ?\d+|(open|zur|voir la|ver|apri la|otwórz|открыть|zur bilder)? ?(gallery|galerie"
            r"|galería|galleria|galerię|галерею|diaporama)( ansehen| öffnen| photo| de fotos| fotografica)?"
            r"|(alle )?(fotos|photos|bilder|imágenes|immagini|фото) (ansehen|anzeigen|voir|ver|vedere|смотреть)"
            r"|otwórz galerię.*|voir (le|les) (diaporama|photos)|ver (la )?(galería|fotos)|in pictures|en images"
            r"|en imágenes|in immagini|в фотографиях|بالصور|fotostrecke|bildergalerie|fotogalerie|fotogalería"
            r"|photo gallery|galleria fotografica)\W*$",
            60),
    # Live-blog widgets: refresh and pin labels, "key events", "load more".
    _family("live-blog widget",
            r"^\W*(live|en direct|en vivo|en directo|in diretta|ao vivo|live ?ticker|liveblog|live blog"
            r"|прямая трансляция|онлайн-трансляция|مباشر|بث مباشر|key events|show key events only|auto-?refresh"
            r"|mise à jour automatique|actualisation automatique|rafraîchir|actualiser|refresh|pinned( post)?"
            r"|épinglé|angepinnt|fijado|in evidenza|закреплено|مثبت|load more( posts| updates| entries)?"
            r"|charger plus|voir plus de (posts|messages)|afficher (plus|les \d+ nouveaux)|mostrar más"
            r"|cargar más|carica altri|mehr laden|weitere einträge( laden)?|показать ещё|عرض المزيد"
            r"|\d+ (new|nouveaux?|neue|nuevas?|nuovi) (posts?|updates?|messages?|einträge|entradas|aggiornamenti))\W*$",
            50),
    # Placeholders of embedded content that needs consent or JavaScript (maps, videos, posts).
    _family("embed placeholder",
            r"(klicken sie auf|click (on )?the) .{0,30}button.{0,40}(zu laden|to load)"
            r"|inhalt (von .{1,40} )?(zu )?laden|externer inhalt|externe inhalte|empfohlener redaktioneller inhalt"
            r"|(mit dem laden|by loading) (des|the) (inhalts|videos|content|video)"
            r"|an dieser stelle (finden sie|befindet sich) (einen|ein) (externen|eingebundenen)"
            r"|video verfügbar bis|embed-code kopieren|this (content|video|embed) (is|has been) (hosted|blocked|"
            r"not available)|to (view|see|display) this (content|video|post)|(ce|cette) (contenu|vidéo|publication) "
            r"(est|n'est) (bloqué|hébergé|pas disponible)|pour (afficher|voir|lire) ce contenu|este contenido "
            r"(está|no está) (bloqueado|disponible)|questo contenuto (è|non è) (bloccato|disponibile)"
            r"|view this post on instagram|voir cette publication sur instagram|diesen beitrag auf instagram"
            r"|ver esta publicación en instagram|visualizza questo post su instagram|посмотреть эту публикацию"
            r"|a post shared by|une publication partagée par|ein beitrag geteilt von|una publicación compartida"
            r"|un post condiviso da|watch on youtube|regarder sur youtube|auf youtube ansehen|ver en youtube"
            r"|guarda su youtube|смотреть на youtube|^\W*pic\.twitter\.com/\S+\W*$",
            240,
            requires=("button|laden|extern|redaktioneller|loading|an dieser stelle|verfügbar bis|embed-code|this |"
                      "contenu|vidéo|publication|contenido|contenuto|instagram|публикац|shared by|geteilt|"
                      "compartida|condiviso|youtube|pic.twitter")),
    # Reading-time labels ("Temps de lecture : 4 min", "3 min read", "Ten tekst przeczytasz w…").
    _family("reading time",
            r"^\W*(temps de lecture|lesezeit|reading time|tiempo de lectura|tempo di lettura|tempo de leitura"
            r"|время (на )?чтени[ея]|وقت القراءة|czas czytania)\W*(\d+|<|moins|weniger|less|menos|meno)"
            r"|^\W*\d+ ?(min|minutes?|minuten|minutos|minuti|мин)\.? (read|de lecture|lesezeit|lesen|de lectura"
            r"|di lettura|de leitura|чтения)\W*$|^\W*(ten tekst przeczytasz|przeczytasz w)",
            80),
    # Tag and keyword lists.
    _family("tag list",
            _BULLETS + r"(tags?|mots[- ]clés?|mots clefs?|thèmes?|sujets?|keywords?|topics?|schlagwörter"
            r"|schlagworte|stichwörter|themen|etiquetas|temas|palabras clave|argomenti|parole chiave"
            r"|categories|catégories|kategorien|categorías|categorie|теги|метки|الوسوم|كلمات مفتاحية)\s*[:：]",
            300,
            requires=":|："),
    # Lines of dates and date labels only ("Letzte Änderung 14.02.2019", "Release Date:", "2021-10-16 |
    # Botschaft"); a page's dates are metadata, not text.
    _family("date line",
            r"^\W*(release date|news date|publication date|date de publication|fecha de publicación|data di"
            r" pubblicazione|erscheinungsdatum|veröffentlichungsdatum|datum|date|fecha|data|дата( публикации)?"
            r"|letzte änderung|zuletzt (geändert|aktualisiert)|last (modified|updated)|aktualisiert( am)?"
            r"|letzte aktualisierung( am)?|mis à jour( le)?|dernière mise à jour|actualizado( el)?"
            r"|última actualización|aggiornato( il)?|ultimo aggiornamento|обновлено|تاريخ النشر|آخر تحديث)"
            r"\W*(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}([ ,-]+\d{1,2}[:h]\d{2}( ?[ap]m)?)?)?"
            r"\W*((alle|à|at|um|a las|às|в) )?(\d{1,2}[:h.]\d{2}( ?[ap]m| uhr)?)?\W*$"
            r"|^\W*\d{4}-\d{2}-\d{2}\W+\w+\W*$",
            60),
    # Source lines under agency copy and press releases ("Quelle: Landesregierung", "Source : AFP").
    _family("source line",
            r"^\W*(quelle|quellen|source|sources|fuente|fuentes|fonte|fonti|источник|المصدر)\s*[:：]\s*[^:]{2,80}$",
            100),
    # File download links ("Informationsschreiben (PDF, 38 KB)", "Rapport annuel PDF | 2 Mo").
    _family("download link",
            r"(?<![a-z])(pdf|docx?|xlsx?|pptx?|zip|epub|mp3)\b\W{0,3}\d+([.,]\d+)? ?(kb|mb|ko|mo|kib|mib|кб|мб)\b",
            160),
    # Calls to action: "Einfach hier klicken", "Click here to…", "Sign up here".
    _family("call to action",
            r"(einfach |jetzt )?hier klicken|click here|cliquez ici|haga clic aquí|pinche aquí|clicca qui"
            r"|нажмите (здесь|сюда)|اضغط هنا|sign up (here|now|today)|jetzt anmelden|inscrivez-vous (ici|maintenant)"
            r"|regístrate (aquí|ahora|gratis)|iscriviti (qui|ora|gratis)",
            140,
            requires=("hier klicken|click here|cliquez ici|clic aquí|pinche aquí|clicca qui|нажмите|اضغط هنا|"
                      "sign up|jetzt anmelden|inscrivez-vous|regístrate|iscriviti")),
    # The print edition advertised ("Die aktuelle Ausgabe jetzt am Kiosk, im Abo, als E-Paper").
    _family("print edition promo",
            r"(ausgabe|heft|magazin|issue|édition|numéro|edición|edizione|hors-série).{0,80}(kiosk|e-?paper"
            r"|im abo\b|abonnement|subscription|en kiosque|quiosco|edicola)"
            r"|(kiosk|kiosque|e-?paper|edicola|quiosco).{0,60}(ausgabe|heft|issue|édition|numéro|edición|edizione)"
            r"|viel spaß mit der neuen ausgabe|bonne lecture de ce numéro",
            200,
            requires="kiosk|paper|im abo|abonnement|subscription|kiosque|quiosco|edicola|neuen ausgabe|ce numéro"),
    # Breadcrumbs flattened into one line ("Accueil › Monde › Europe"); not "|", which joins the cells
    # of a table row.
    _family("navigation line",
            r"^[^»›>\d]{1,30}(\s[»›>]\s[^»›>\d]{1,30}){2,}$",
            140),
    # Site-wide disclaimers and copyright lines ("Toutes les actualités du site n'expriment pas…").
    _family("disclaimer",
            r"toutes les actualités du site n'expriment pas|all (the )?news (on|of) the site (do|does) not"
            r"|not (necessarily )?(reflect|express) the (views?|point of view|opinion) of the site"
            r"|n'expriment? pas (nécessairement )?(le point de vue|l'opinion|les opinions) du site"
            r"|^\W*(©|\(c\)|copyright)\s|tous droits réservés|all rights reserved|alle rechte vorbehalten"
            r"|todos los derechos reservados|tutti i diritti riservati|reproduction (interdite|strictement)"
            r"|materiał chroniony prawem autorskim|все права защищены|جميع الحقوق محفوظة|todos os direitos reservados"
            r"|riproduzione riservata"
            r"|sofern nicht anders (angegeben|ausgewiesen), (stehen|steht|sind)"
            r"|^\W*(alle )?angaben ohne gewähr\W*$|^\W*(sous|sans) (toute )?réserve\W*$",
            600,
            requires=("n'exprime|the site|©|(c)|copyright|droits réservés|rights reserved|rechte vorbehalten|"
                      "derechos reservados|diritti riservati|reproduction|chroniony prawem|права защищены|"
                      "الحقوق محفوظة|direitos reservados|riproduzione riservata|sofern nicht|ohne gewähr|réserve")),
    # Contact lines of press releases: an e-mail address or a phone number and its label.
    _family("contact lines",
            r"^\W*(e-?mail|tel\.?|telefon|téléphone|teléfono|telefono|phone|fax|mobil|mobile|тел\.?|هاتف)\s*[:：]"
            r"\s*[\w.+-]+@[\w.-]+\W*$|^\W*(tel\.?|telefon|téléphone|teléfono|telefono|phone|fax|mobil|mobile"
            r"|тел\.?|هاتف)\s*[:：]\s*[+\d][\d ()/.-]{5,30}\W*$",
            80),
    # "More at www.example.org" and "find out more here" lines.
    _family("more info line",
            r"^\W*(weitere infos|weitere informationen|mehr infos|more info(rmation)?|plus d'infos|plus"
            r" d'informations|más información|más info|maggiori informazioni|info|подробнее)( gibt es)?"
            r" (unter|at|on|sur|en|su|на)\s+\S+\W*$"
            r"|(findest du|finden sie|lesen sie|erfahren sie( mehr)?|gibt'?s|find out more|read more|en savoir plus"
            r"|lisez la suite) hier[.!]?$|(more|details|the full story) here[.!]?$",
            100),
    # Paywall and login prompts ("Pour lire la suite…", "Already a subscriber?").
    _family("paywall",
            r"^" + _BULLETS + r"(pour lire la suite|la suite (de cet article )?est réservée|cet article est réservé"
            r"|réservé aux abonnés|déjà abonné|pour accéder (en illimité|à (cet|l'intégralité))|abonnez-vous"
            r"|connectez-vous|offre découverte|subscribe (now|to (continue|read))"
            r"|already (a subscriber|have an account)"
            r"|this (article|content) is (for|only available to|reserved for) subscribers|sign in to (continue|read)"
            r"|log in to (continue|read)|jetzt (abonnieren|weiterlesen|testen)|bereits abonnent|sie sind bereits"
            r"|weiterlesen mit|dieser artikel ist (nur )?für abonnenten|suscríbete|ya eres suscriptor"
            r"|contenido exclusivo para suscriptores|abbonati|sei già abbonato|contenuto riservato agli abbonati"
            r"|to (view|read) the full (story|article)|first-time subscribers|только для подписчиков"
            r"|доступно (только )?подписчикам|هذا المحتوى (متاح )?للمشتركين)"
            r"|(already|you're already|you are already) a (subscriber|member).{0,40}(log ?in|sign ?in)"
            r"|(vous êtes déjà abonné|déjà abonné).{0,20}(connectez|identifiez)",
            200),
    # Advertisement labels left where an advert was.
    _family("advertisement label",
            r"^\W*(anzeige|werbung|publicité|pub|advertisement|advertising|sponsored|sponsorisé|publicidad"
            r"|pubblicità|annonce|ad|publicidade|реклама|إعلان|اعلان|مساحة إعلانية)\W*$",
            40),
    # Audio/video player labels left in the text ("Écouter - 02:41", "Listen to this article 4:12").
    _family("media player label",
            r"^" + _BULLETS + r"(écouter|écoutez|listen|play|lire|regarder|watch|anhören|abspielen|escuchar"
            r"|reproducir|ascolta|guarda|ouvir|слушать|прослушать|استمع|استمع إلى)( (à |to )?(l'article|this article"
            r"|the article|cet article|la vidéo"
            r"|the video|this story|l'audio|audio|video|vidéo|podcast|artikel|el artículo|l'articolo|статью|المقال))?"
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
            r"|bluesky|threads|sms|on|sur|auf|en|su|via|compartilhar|partilhar|поделиться|поделитесь|вконтакте"
            r"|одноклассники|мой мир|в|شارك|مشاركة|انشر|فيسبوك|تويتر|واتساب|تلغرام)(?!\w)",
            160, whole=True),
    # Social follow prompts and comment invitations.
    _family("follow or comment prompt",
            r"^" + _BULLETS + r"(suivez[- ]nous|follow us|folgen sie uns|síguenos|seguici|retrouvez-nous"
            r"|laisser un commentaire|laissez un commentaire|leave a (comment|reply)|kommentar schreiben"
            r"|deja un comentario|deja una respuesta|lascia un commento|réagir|commenter cet article"
            r"|\d+ (commentaires?|comments?|kommentare?|comentarios?|commenti|комментари\w*|تعليق\w*)"
            r"|(keine|no|aucun|sin|nessun|нет) (kommentare|comments|commentaire|comentarios|commento|комментариев)"
            r"|(soyez|be|sé|sii|seien sie) (le premier|the first|el primero|il primo|der erste)"
            r"|(oставьте|оставить) комментарий|أضف تعليق|подписывайтесь на нас|تابعونا|تابعوا)(?!\w)"
            r"|(du musst|sie müssen|you must|vous devez|debes|devi|deves) (be |être |estar |essere |dich |sich )?"
            r"(eingeloggt|angemeldet|anmelden|einloggen|logged in|log in|sign in|connecté|vous connecter"
            r"|registrado|conectado|iniciar sesión|loggato|registrato|accedere)"
            r".{0,40}(kommentar|comment|comentar|commentare)|(sie sind|you are) (aktuell )?(nicht|not) "
            r"(eingeloggt|logged in)|(verraten sie|sagen sie|schreiben sie|tell us|dites-nous|dites-le|cuéntanos"
            r"|diteci|raccontateci).{0,40}(in den kommentaren|in the comments|en commentaire|en los comentarios"
            r"|nei commenti)|we want to hear what you think|submit a letter to the editor",
            200),
    # Promotions of the site's apps, channels and social accounts.
    _family("app or channel prompt",
            r"download (the|our) .{0,40}\bapps?\b|téléchargez (l'|notre )?appli|laden sie (die|unsere) .{0,20}app"
            r"|descarga (la|nuestra) app|scarica (l'|la nostra )?app|скачайте (наше )?приложение|حمل(وا)? تطبيق"
            r"|canal de (telegram|youtube|whatsapp)|(únete|rejoignez|join|folgen sie|follow|suivez|síguenos|seguici)"
            r".{0,40}\b(telegram|whatsapp|youtube|google news|instagram|twitter|facebook)\b"
            r"|nuestro canal de|unser(em)? (whatsapp|telegram)-kanal|наш (telegram|телеграм)-канал",
            220,
            requires=("download|téléchargez|laden sie|descarga|scarica|скачайте|تطبيق|canal de|telegram|whatsapp|"
                      "youtube|google news|instagram|twitter|facebook|телеграм")),
)


def boilerplate_family(text: str) -> str | None:
    """The name of the boilerplate family a block belongs to, or None for real content."""
    norm = normalise(text)
    for family in FAMILIES:
        if family.matches(norm):
            return family.name
    return None


# Labels that open a section of teasers, lists or comments rather than article text.
_SECTION_LABELS: tuple[tuple[str, str], ...] = (
    ("related", r"sur le même (sujet|thème)|dans la même rubrique|à lire (aussi|également)|a lire aussi|lire aussi"
                r"|nos (articles|dernières actualités|derniers articles) sur.{0,40}|articles (similaires|liés|connexes"
                r"|recommandés)|à (voir|découvrir) (aussi|également)|vous (aimerez|pourriez aimer) (aussi|également)"
                r"|plus d'articles.{0,40}|related (articles|stories|content|coverage|posts|news|links|reading)"
                r"|more (on this( story| topic)?|stories|news|from .{1,40}|in .{1,30}|about .{1,40})"
                r"|read (more|next)( stories)?|recommended( for you| stories| articles| reading)?"
                r"|you (may|might) (also )?(like|enjoy)|editor'?s picks|what to read next|further reading"
                r"|don't miss|also on .{1,30}"
                r"|weitere (artikel|beiträge|themen|nachrichten|meldungen|aktuelle themen|informationen zu(m|r)?)"
                r".{0,60}|mehr zum thema.{0,40}|mehr (aus|zu|von|über) (de[mnr]|diese[mnr]?|unsere[mnr]?) .{1,40}"
                r"|(das|diese artikel) könnte[n]? (dich|sie|euch) (auch|ebenfalls) interessieren|auch interessant"
                r"|empfohlene (beiträge|artikel)|(verwandte|ähnliche) (artikel|beiträge|themen)"
                r"|lesen sie (auch )?(die folgenden beiträge|weiter|mehr)|zum weiterlesen|schon gelesen"
                r"|beiträge aus dem forum|kommentierte artikel|vorschau auf den nächsten artikel"
                r"|notas relacionadas|noticias relacionadas|contenido relacionado|artículos relacionados"
                r"|(también )?(te|le) (puede|podría) interesar|más (sobre|de|noticias (de|sobre)) .{1,40}"
                r"|te recomendamos|sigue leyendo|articoli correlati|notizie correlate|leggi anche"
                r"|(ti )?potrebbe (anche )?interessarti( anche)?|altre notizie|leia também|veja também"
                r"|notícias relacionadas|você (pode|também pode) gostar|читайте также|по теме|смотрите также"
                r"|новости по теме|ещё по теме|другие новости|рекомендуем|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا"
                r"|مواضيع ذات صلة|أخبار ذات صلة|مقالات ذات صلة|قد يعجبك أيضا|المزيد من الأخبار"
                r"|czytaj (też|także|również)|zobacz (też|także|również)|polecane"
                r"|więcej (na ten temat|przepisów).{0,40}"
                r"|lue (myös|aiheesta lisää)"),
    ("most read", r"(les )?(articles |actualités )?(les )?plus (lus|populaires|partagés|commentés|vus)"
                  r"|(most|top) (read|popular|viewed|shared|commented)( articles| stories| now)?"
                  r"|trending( now| stories)?"
                  r"|meist ?gelesen(e)?( artikel| beiträge| nachrichten)?|meist-?(diskutiert|kommentiert|gelesen)"
                  r"|top[- ]themen.{0,40}|top[- ]\d{1,2}|lo más (leído|visto|compartido)|(las|los) más (leídas|leídos"
                  r"|vistas|vistos)|más (leídas|vistas)|(i )?più (letti|visti|condivisi|commentati)|mais lidas"
                  r"|самое (читаемое|популярное|обсуждаемое)|الأكثر (قراءة|مشاهدة|تداولا)|najczęściej czytane"),
    ("comments", r"(\d+ )?(commentaires|comments|kommentare|comentarios|commenti|комментарии|التعليقات)"
                 r"|leserkommentare|reader comments|réactions|discussion|diskussion|discusión"),
    ("newsletter", r"newsletter|(abonnez-vous|abonnieren sie|subscribe|suscríbete|iscriviti) .{0,40}"),
    ("tags", r"tags?|mots[- ]clés|schlagwörter|schlagworte|stichwörter|themen|etiquetas|temas|argomenti"
             r"|palavras-chave|теги|метки|الوسوم|كلمات مفتاحية"),
    ("more info", r"weitere informationen|zusatzinformationen|weitere infos|mehr informationen|more information"
                  r"|further information|for more information|plus d'informations|pour en savoir plus"
                  r"|más información|maggiori informazioni|quellenangaben|originalpublikation"
                  r"|дополнительная информация|لمزيد من المعلومات"),
    ("contact", r"pressekontakt|kontakt|contact presse|press contact|media contact|contacto de prensa"
                r"|ansprechpartner(in)?( zum thema)?|über diese reihe"),
)
_SECTION_PATTERNS = tuple((name, re.compile(r"^" + _BULLETS + rf"(?:{pattern})\W*$", re.IGNORECASE))
                          for name, pattern in _SECTION_LABELS)
_TOC_LABEL = re.compile(r"^" + _BULLETS + r"(inhaltsverzeichnis|inhalt|table of contents|contents|sommaire"
                        r"|índice|indice|contenido|содержание|оглавление|المحتويات|spis treści|in this article"
                        r"|dans cet article|in diesem artikel|en este artículo|in questo articolo)\W*$", re.IGNORECASE)
# A section label in the last part of an article ends it: what follows is teasers, comments, contacts.
TAIL_SHARE = 0.35
# Labels that end an article wherever they stand in its last part; the others (newsletter, contact)
# only when no paragraph of prose follows them.
_ENDING_SECTIONS = frozenset({"related", "most read", "comments"})
_SENTENCE_ENDS = (".", "!", "?", "…", "»", '"', "”", "“", ".)", "。", "؟")
# After a label elsewhere, only teaser-like blocks are removed: short headings, items and lines.
TEASER_CHARS = 160


def section_label(text: str) -> str | None:
    """The kind of section a short block opens ("related", "most read", "comments", "newsletter",
    "contact"), or None."""
    norm = normalise(text)
    if len(norm) > 90:
        return None
    for name, pattern in _SECTION_PATTERNS:
        if pattern.match(norm):
            return name
    return None


def _teaser_like(block: Block) -> bool:
    """A teaser's title or a list entry: a short heading or item, or a short line that does not end
    like a sentence."""
    if block.type == "list_item":
        return len(block.text) <= 200
    if block.type == "heading":
        return len(block.text) <= TEASER_CHARS
    return block.type == "paragraph" and len(block.text) <= TEASER_CHARS and not _prose(block)


def _prose(block: Block) -> bool:
    text = block.text.rstrip()
    if block.type not in ("paragraph", "quote"):
        return False
    count = letters(text)
    return count >= 280 or (count >= 80 and text.endswith(_SENTENCE_ENDS))


def cut_sections(blocks: list[Block]) -> list[Block]:
    """``blocks`` without the sections that labels open (see the module docstring), and without
    a table of contents (a label, then items repeating the article's headings)."""
    total = sum(letters(block.text) for block in blocks)
    kept: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if _TOC_LABEL.match(normalise(block.text)) and len(block.text) <= 60:
            headings = {comparable(b.text) for b in blocks[index + 1:] if b.type == "heading"}
            index += 1
            while index < len(blocks) and blocks[index].type != "heading" and (
                    comparable(blocks[index].text) in headings and len(blocks[index].text) <= TEASER_CHARS):
                index += 1
            continue
        if section_label(block.text) is None:
            kept.append(block)
            index += 1
            continue
        rest = sum(letters(b.text) for b in blocks[index + 1:])
        if kept and rest <= TAIL_SHARE * total and (
                section_label(block.text) in _ENDING_SECTIONS or not any(map(_prose, blocks[index + 1:]))):
            break
        index += 1
        while index < len(blocks) and _teaser_like(blocks[index]) and section_label(blocks[index].text) is None:
            index += 1
    return kept


def remove_boilerplate(blocks: list[Block], title: str | None, site_names: tuple[str, ...] = ()) -> list[Block]:
    """Blocks without news boilerplate, without the sections it opens, and without the headline
    echoes of the first blocks."""
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
    kept = cut_sections(kept)
    return remove_echoes(kept, title, site_names) if title else kept
