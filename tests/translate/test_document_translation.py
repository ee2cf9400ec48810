"""Translating whole Documents: structure, quotations, memory, batching, QA — on real Apertium output
where the claim is about translation, with a tiny deterministic engine for pure orchestration."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from babelwire.document import Block, Document
from babelwire.errors import TranslationError
from babelwire.translate.document import (
    DictMemory,
    TranslatedDocument,
    TranslationMemory,
    memory_key,
    translate_document,
    translate_documents,
)
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.typography import scan_quotes

# A French report modelled on the RT and RFI articles about the NATO–Russia Council of
# 12 January 2022: quotations of one clause, of several sentences and over two paragraphs,
# brackets inside a quotation, dates, numbers and names.
TITLE = "« Divergences sur des questions fondamentales » : l'OTAN et la Russie restent en désaccord"
BLOCKS = [
    ("paragraph", "Après une réunion Russie-OTAN le 12 janvier 2022 à Bruxelles, le vice-ministre russe des "
                  "Affaires étrangères Alexandre Grouchko a jugé « impératif » que l'Alliance atlantique "
                  "renonce à s'élargir vers l'Est."),
    ("paragraph", "La réunion entre les représentants de la Russie et des 30 pays membres de l'OTAN a "
                  "« révélé un certain nombre de divergences sur des questions fondamentales », selon "
                  "Alexandre Grouchko, qui s'exprimait lors d'une conférence de presse."),
    ("paragraph", "Alexandre Grouchko a dénoncé la politique d'« endiguement » de l'OTAN et averti que « les "
                  "tentatives de construire la sécurité [des uns] aux dépens de la Russie et sans la "
                  "participation de la Russie [étaient] contre-productives »."),
    ("quote", "« Nous ne laisserons pas faire cela », a-t-il dit."),
    ("heading", "Aucun accord entre les Russes et l'OTAN"),
    ("paragraph", "« La discussion n'a pas été facile. Les discussions ont été directes sur la situation en "
                  "Ukraine. De grandes divergences ont été constatées sur la sécurité en Europe », a "
                  "expliqué Jens Stoltenberg, secrétaire général de l'OTAN, à l'issue de la réunion."),
    # one quotation over two paragraphs, opened in the first and closed in the second
    ("paragraph", "Selon le secrétaire général, la perspective d'adhésion offerte en 2008 à l'Ukraine reste "
                  "sur la table. « L'Alliance jugera souverainement du moment où le pays sera prêt à la "
                  "rejoindre. La porte reste ouverte."),
    ("paragraph", "Personne ne peut imposer un veto aux choix des pays voisins », a-t-il ajouté."),
    ("paragraph", "« Je n'ai rien entendu de nouveau dans les positions exprimées par le vice-ministre "
                  "russe », a déclaré la secrétaire d'État adjointe américaine Wendy Sherman."),
    ("list_item", "Les Russes et les Alliés sont convenus de poursuivre le dialogue."),
    ("paragraph", "(Avec AFP)"),
]


def article() -> Document:
    return Document(
        title=TITLE, blocks=[Block(kind, text) for kind, text in BLOCKS], language="fr",
        author="RFI", published=datetime(2022, 1, 12, 18, 30, tzinfo=UTC),
        url="https://www.rfi.fr/fr/europe/20220112-otan-russie",
    )


class UpperEngine:
    """Deterministic stand-in engine: upper-cases, and records every batch it is sent."""

    name = "upper"
    id = "upper:1"
    model = None

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        self.batches.append(list(sentences))
        return [s.upper() for s in sentences]

    @property
    def sent(self) -> list[str]:
        return [s for batch in self.batches for s in batch]


class CountingEngine:
    """A real engine behind a counter: what reached it, batch by batch."""

    def __init__(self, engine: TranslationEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.batches: list[list[str]] = []

    @property
    def id(self) -> str:
        return self.engine.id

    @property
    def model(self) -> str | None:
        return self.engine.model

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        self.batches.append(list(sentences))
        return self.engine.translate(sentences, source, target)

    @property
    def sent(self) -> list[str]:
        return [s for batch in self.batches for s in batch]


def _apertium():
    try:
        from babelwire.translate.engines.apertium import ApertiumEngine
    except ImportError as exc:  # pragma: no cover - the engine module is part of the package
        pytest.skip(f"Apertium engine unavailable: {exc}")
    engine = ApertiumEngine()
    if not engine.supports("fr", "en"):
        pytest.skip("Apertium fr→en is not installed "
                    "(apt-get install apertium apertium-fr-es apertium-eng-spa)")
    return engine


@pytest.fixture(scope="module")
def apertium_run() -> tuple[TranslatedDocument, CountingEngine, DictMemory]:
    engine = CountingEngine(_apertium())
    memory = DictMemory()
    return translate_document(article(), engine, "fr", "en", memory=memory), engine, memory


# -- orchestration, with the deterministic engine -------------------------------------------------

def test_structure_and_metadata_are_kept() -> None:
    doc = article()
    result = translate_document(doc, UpperEngine(), "fr", "en")
    out = result.document
    assert [b.type for b in out.blocks] == [b.type for b in doc.blocks]
    assert len(result.flags) == len(doc.blocks)
    assert (out.author, out.published, out.url) == (doc.author, doc.published, doc.url)
    assert out.language == "en" and doc.language == "fr"  # the original is not modified
    assert out.title.startswith("“DIVERGENCES SUR DES QUESTIONS FONDAMENTALES”:")
    assert result.engine_id == "upper:1"
    assert [r.block for r in result.blocks] == out.blocks


def test_quotation_marks_never_reach_the_engine_except_short_ones() -> None:
    engine = UpperEngine()
    result = translate_document(article(), engine, "fr", "en")
    sent = engine.sent
    assert "Nous ne laisserons pas faire cela" in sent
    assert ", a-t-il dit." in sent
    # a one-word quotation stays with its sentence so the engine can translate the sentence
    assert any("d'« endiguement » de l'OTAN" in s for s in sent)
    long_quotes = [s for s in sent if "«" in s and "endiguement" not in s and "impératif" not in s]
    assert long_quotes == []
    assert result.document.blocks[3].text == "“NOUS NE LAISSERONS PAS FAIRE CELA”, A-T-IL DIT."


def test_quotations_over_sentences_and_paragraphs_stay_balanced() -> None:
    result = translate_document(article(), UpperEngine(), "fr", "en")
    blocks = [b.text for b in result.document.blocks]
    assert blocks[5].startswith("“LA DISCUSSION N'A PAS ÉTÉ FACILE. LES DISCUSSIONS")
    assert "EN EUROPE”, A EXPLIQUÉ JENS STOLTENBERG" in blocks[5]
    # opened in paragraph 7, closed in paragraph 8: each paragraph is balanced on its own
    assert blocks[6].endswith("“L'ALLIANCE JUGERA SOUVERAINEMENT DU MOMENT OÙ LE PAYS SERA PRÊT À LA "
                              "REJOINDRE. LA PORTE RESTE OUVERTE.”")
    assert blocks[7] == "“PERSONNE NE PEUT IMPOSER UN VETO AUX CHOIX DES PAYS VOISINS”, A-T-IL AJOUTÉ."
    for text in blocks:
        assert scan_quotes(text).balanced, text
        assert "«" not in text and "»" not in text


def test_french_continuation_mark_and_unclosed_quotation() -> None:
    doc = Document(title=None, blocks=[
        Block("paragraph", "« Premier paragraphe de la citation."),
        Block("paragraph", "» Suite de la citation. Fin de la citation », a-t-il dit."),
    ])
    out = translate_document(doc, UpperEngine(), "fr", "en").document
    assert out.title is None
    assert [b.text for b in out.blocks] == [
        "“PREMIER PARAGRAPHE DE LA CITATION.”",
        "“SUITE DE LA CITATION. FIN DE LA CITATION”, A-T-IL DIT.",
    ]


def test_whitespace_between_sentences_is_kept() -> None:
    doc = Document(blocks=[Block("paragraph", "Première phrase.  Deuxième phrase.\nTroisième phrase.")])
    out = translate_document(doc, UpperEngine(), "fr", "en").document
    assert out.blocks[0].text == "PREMIÈRE PHRASE. DEUXIÈME PHRASE.\nTROISIÈME PHRASE."


def test_sentences_are_deduplicated_across_documents_and_batched_by_length() -> None:
    first = Document(title="Le titre",
                     blocks=[Block("paragraph", "Une phrase commune. Une phrase longue du premier.")])
    second = Document(title="Le titre", blocks=[Block("paragraph", "Une  phrase commune. Courte.")])
    engine = UpperEngine()
    results = translate_documents([first, second], engine, "fr", "en", batch_size=2)
    assert sorted(engine.sent) == sorted(["Le titre", "Une phrase commune.", "Une phrase longue du premier.",
                                          "Courte."])
    assert [len(b) for b in engine.batches] == [2, 2]
    lengths = [len(s) for s in engine.sent]
    assert lengths == sorted(lengths)
    assert results[1].document.blocks[0].text == "UNE PHRASE COMMUNE. COURTE."
    assert [r.sentences for r in results] == [3, 3]


def test_memory_serves_repeats_and_edits_send_only_changes() -> None:
    memory = DictMemory()
    engine = UpperEngine()
    first = translate_document(article(), engine, "fr", "en", memory=memory)
    assert first.from_memory == 0 and first.sentences == len(engine.sent) + _duplicates(article())
    engine.batches.clear()
    again = translate_document(article(), engine, "fr", "en", memory=memory)
    assert engine.sent == [] and again.from_memory == again.sentences
    assert again.document == first.document
    edited = _edited(article())
    translate_document(edited, engine, "fr", "en", memory=memory)
    assert engine.sent == ["La porte reste grande ouverte."]


def test_memory_is_per_engine_and_language_pair() -> None:
    memory = DictMemory()
    translate_document(article(), UpperEngine(), "fr", "en", memory=memory)
    other = UpperEngine()
    translate_document(article(), other, "fr", "de", memory=memory)
    assert other.sent  # nothing reused from fr→en


def test_memory_key_normalises() -> None:
    expected = '" Oui ", dit-il.'
    assert memory_key("  « Oui »,\u00a0dit-il.\n") == memory_key('"\u202fOui\u202f", dit-il.') == expected
    assert memory_key("e\u0301t\u00e9") == "été"
    memory: TranslationMemory = DictMemory()
    memory.store("e", "fr", "en", {"a": "A"})
    assert memory.lookup("e", "fr", "en", ["a", "b"]) == {"a": "A"}


def test_engine_returning_too_few_translations_is_an_error() -> None:
    class Broken(UpperEngine):
        def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
            return ["x"]

    with pytest.raises(TranslationError, match="returned 1 translations for"):
        translate_document(article(), Broken(), "fr", "en")


def test_same_language_is_returned_untouched() -> None:
    engine = UpperEngine()
    result = translate_document(article(), engine, "fr", "fr")
    assert result.document == article() and engine.sent == [] and result.sentences == 0


def _duplicates(doc: Document) -> int:
    """Pieces that occur more than once in the article (sent once, counted each time)."""
    engine = UpperEngine()
    result = translate_document(doc, engine, "fr", "en")
    return result.sentences - len(engine.sent)


def _edited(doc: Document) -> Document:
    blocks = list(doc.blocks)
    changed = blocks[6].text.replace("La porte reste ouverte.", "La porte reste grande ouverte.")
    blocks[6] = Block("paragraph", changed)
    return replace(doc, blocks=blocks)


# -- real translations with Apertium ---------------------------------------------------------------

def test_apertium_output_keeps_structure_quotes_numbers_and_names(apertium_run) -> None:
    result, _, _ = apertium_run
    source, out = article(), result.document
    assert [b.type for b in out.blocks] == [b.type for b in source.blocks]
    assert out.language == "en" and out.title and out.title != source.title
    text = "\n".join([out.title, *(b.text for b in out.blocks)])
    for block in [out.title, *(b.text for b in out.blocks)]:
        assert scan_quotes(block).balanced, block
    assert "«" not in text and "»" not in text and "“" in text and "”" in text
    for number in ("2008", "30", "12", "2022"):
        assert re.search(rf"\b{number}\b", text), number
    for name in ("Jens Stoltenberg", "Alexandre Grouchko", "Wendy Sherman"):
        assert name in text


def test_apertium_translates_inside_brackets(apertium_run) -> None:
    result, _, _ = apertium_run
    block = result.document.blocks[2].text
    brackets = re.findall(r"\[([^\]]*)\]", block)
    assert len(brackets) == 2
    assert "des uns" not in brackets and "étaient" not in brackets
    assert "were" in brackets


def test_apertium_quotation_stays_around_the_right_words(apertium_run) -> None:
    result, _, _ = apertium_run
    blocks = [b.text for b in result.document.blocks]
    # « Nous ne laisserons pas faire cela », a-t-il dit.
    assert re.fullmatch(r"“We [^“”]+ it [^“”]*”, [^“”]+\.", blocks[3]), blocks[3]
    # the two-paragraph quotation: closed at the end of the first paragraph, reopened at the second
    assert blocks[6].endswith("”") and blocks[6].count("“") == 1
    assert blocks[7].startswith("“") and blocks[7].count("”") == 1


def test_apertium_output_passes_the_quality_checks(apertium_run) -> None:
    result, _, _ = apertium_run
    serious = {"empty", "untranslated", "numbers", "quotes"}
    assert not serious & set(result.title_flags)
    for block, flags in zip(result.document.blocks, result.flags, strict=True):
        assert not serious & set(flags), (block.text, flags)


def test_apertium_second_run_is_served_by_memory(apertium_run) -> None:
    first, engine, memory = apertium_run
    before = len(engine.sent)
    again = translate_document(article(), engine, "fr", "en", memory=memory)
    assert len(engine.sent) == before  # nothing sent
    assert again.from_memory == again.sentences == first.sentences
    assert again.document == first.document
    translate_document(_edited(article()), engine, "fr", "en", memory=memory)
    assert engine.sent[before:] == ["La porte reste grande ouverte."]


def test_apertium_flags_a_broken_translation() -> None:
    engine = _apertium()
    doc = Document(blocks=[Block("paragraph", BLOCKS[1][1])])
    good = translate_document(doc, engine, "fr", "en")
    assert good.flags == [[]]

    class DropsNumbers:
        name, id, model = "drops", "drops:1", None

        def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
            return [re.sub(r"\d+", "", s) for s in engine.translate(sentences, source, target)]

    assert translate_document(doc, DropsNumbers(), "fr", "en").flags == [["numbers"]]


def test_a_short_quotation_the_engine_displaces_is_cut_at_its_marks() -> None:
    # Apertium reorders "grandes divergences" and leaves its marks behind, empty: babelwire sees it
    # and translates the quotation on its own, so the marks stay around the right words.
    engine = CountingEngine(_apertium())
    doc = Document(title="", blocks=[Block("paragraph", "Moscou a constaté de « grandes divergences » avec l'OTAN "
                                                        "sur des questions fondamentales.")])
    text = translate_document(doc, engine, "fr", "en").document.blocks[0].text
    assert re.search(r"“(big|great|large) (discrepancies|divergences)”", text), text
    assert not re.search(r"[“”]\W*[“”]", text), text
    assert "grandes divergences" in engine.sent  # the second pass sent the quotation alone


def test_a_short_quotation_the_engine_keeps_stays_in_its_sentence() -> None:
    engine = CountingEngine(_apertium())
    sentence = "Il a dénoncé la politique d'« endiguement » de l'OTAN."
    doc = Document(title="", blocks=[Block("paragraph", sentence)])
    text = translate_document(doc, engine, "fr", "en").document.blocks[0].text
    assert "politics of “endiguement”" in text, text
    assert sorted(engine.sent) == sorted([sentence, "endiguement"])  # the sentence whole, plus the check


def test_a_word_pulled_into_a_short_quotation_is_caught() -> None:
    # "un « mur » de sanctions" comes back from Apertium as "a « wall of » sanctions".
    engine = CountingEngine(_apertium())
    doc = Document(title="", blocks=[Block("paragraph", "Il a dénoncé un « mur » de sanctions.")])
    text = translate_document(doc, engine, "fr", "en").document.blocks[0].text
    assert "“wall”" in text and "sanctions" in text, text


def test_image_captions_are_translated_and_credits_kept() -> None:
    """Captions are shown under the article in the reader's language: they go to the engine with
    the body (names protected like the body's), credits are names and stay as they are."""
    from babelwire.document import Figure

    doc = replace(article(), figures=[
        Figure(caption="Le vice-ministre russe Alexandre Grouchko à Bruxelles, le 12 janvier 2022.",
               credit="AFP / John Thys"),
        Figure(caption=None, credit="Reuters"),
    ])
    engine = UpperEngine()
    result = translate_document(doc, engine, "fr", "en")
    assert "Le vice-ministre russe Alexandre Grouchko à Bruxelles, le 12 janvier 2022." in engine.sent
    assert result.document.figures[0].caption == (
        "LE VICE-MINISTRE RUSSE ALEXANDRE GROUCHKO À BRUXELLES, LE 12 JANVIER 2022.")
    assert [f.credit for f in result.document.figures] == ["AFP / John Thys", "Reuters"]
    assert result.document.figures[1].caption is None
    assert doc.figures[0].caption.startswith("Le vice-ministre")  # the original is untouched
    assert result.sentences == translate_document(article(), UpperEngine(), "fr", "en").sentences + 1

    real = translate_document(doc, _apertium(), "fr", "en").document.figures[0].caption
    assert "Grouchko" in real and "Brussels" in real and "vice-ministre" not in real
