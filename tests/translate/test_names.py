"""Names stay names: detection, placeholders through the real Apertium engine and the tiny
CTranslate2 model, the fallback, the wrapper's id, and whole documents through the memory."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from babelwire.document import Block, Document
from babelwire.translate.document import DictMemory, translate_documents
from babelwire.translate.engines.apertium import ApertiumEngine
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.engines.ct2 import CT2Engine
from babelwire.translate.names import ProtectedEngine, _protect, find_names, protect
from tests.translate.conftest import needs_apertium

# A dispatch naming a man whose first name is an adjective, his village, a diplomat, NATO in the
# French spelling and a newspaper whose name is two ordinary words.
NEWS = ("Fortuné Dupont, maire de Saint-Fortuné, a reçu mardi le vice-ministre russe Alexandre Grouchko, "
        "selon Le Monde et l'Otan.")
NAMES = ["Fortuné Dupont", "Saint-Fortuné", "Alexandre Grouchko", "Le Monde", "Otan"]


def names_in(sentences: Sequence[str], lang: str = "fr") -> list[list[str]]:
    return [[s[a:b] for a, b in spans] for s, spans in zip(sentences, find_names(sentences, lang), strict=True)]


# -- detection ---------------------------------------------------------------------------------------

def test_capitalised_words_compounds_and_acronyms_off_the_sentence_start():
    (found,) = names_in([NEWS])
    assert found == NAMES
    (found,) = names_in(["Selon Le Monde, Charles de Gaulle et Jeanne d'Arc ont vu M. Dupont à Paris "
                         "avec l'OTAN, la COP26, un iPhone et des militants pro-Kremlin."])
    assert found == ["Le Monde", "Charles de Gaulle", "Jeanne d'Arc", "Dupont", "Paris", "OTAN", "COP26",
                     "iPhone", "Kremlin"]


def test_sentence_start_is_a_name_only_with_evidence():
    # Followed by another capitalised word: a name. A function word first is not part of it.
    assert names_in(["Fortuné Dupont a dit.", "Selon Fortuné Dupont, rien."]) == [["Fortuné Dupont"]] * 2
    # Alone at the start: only when the batch shows the word capitalised elsewhere.
    assert names_in(["Fortuné a dit non."]) == [[]]
    assert names_in(["Fortuné a dit non.", "Il vit à Saint-Fortuné."]) == [["Fortuné"], ["Saint-Fortuné"]]
    # Ordinary sentence-initial words are never protected, even if capitalised elsewhere.
    assert names_in(["Le gouvernement a dit.", "Marine Le Pen a dit."]) == [[], ["Marine Le Pen"]]
    # A run hidden by the start is kept whole when it appears whole elsewhere.
    assert names_in(["Le Monde a publié.", "Il lit Le Monde."]) == [["Le Monde"], ["Le Monde"]]
    # After a full stop, a colon or an opening quotation mark the capital says nothing either.
    assert names_in(["Il a dit : « Nous partirons. » Demain on verra."]) == [[]]


def test_capitalised_common_words_are_not_names():
    sentences = ["Le Premier ministre et le Sénat, l'Assemblée nationale, la Banque de France, les Russes "
                 "et des Alliés sont vers l'Est.",
                 "Le vice-ministre des Affaires étrangères a parlé."]
    assert names_in(sentences) == [["France"], []]
    assert names_in(["President Joe Biden met Theresa May on Monday with French officials."], "en") == [
        ["Joe Biden", "Theresa May"]]


def test_capitals_that_say_nothing():
    assert names_in(["LA FRANCE GAGNE LA COUPE DU MONDE"]) == [[]]
    assert names_in(["Joe Biden Meets Vladimir Putin In Geneva"], "en") == [[]]
    # German capitalises every noun: only acronyms.
    assert names_in(["Die Regierung von Olaf Scholz und die NATO."], "de") == [["NATO"]]


def test_glossary_terms_are_left_out_of_name_detection():
    sentence = "Il a reçu Alexandre Grouchko."
    start = sentence.index("Grouchko")
    spans = find_names([sentence], "fr", blocked=[[(start, start + len("Grouchko"))]])
    assert [sentence[a:b] for a, b in spans[0]] == ["Alexandre"]


# -- placeholders ------------------------------------------------------------------------------------

@needs_apertium
def test_apertium_passes_placeholders_through_verbatim():
    engine = ApertiumEngine(source="fr", target="en")
    sentences = ["Fortuné Dupont, maire de Saint-Fortuné, a reçu Alexandre Grouchko selon Le Monde et l'Otan.",
                 "Le ministre a rencontré Fortuné à Saint-Fortuné."]
    plans = [_protect(s, [(a, b, s[a:b]) for a, b in spans])
             for s, spans in zip(sentences, find_names(sentences, "fr"), strict=True)]
    assert all(p.restore for p in plans)
    outputs = engine.translate([p.text for p in plans], "fr", "en")
    for plan, output in zip(plans, outputs, strict=True):
        tokens = re.findall(rf"{plan.prefix}[A-Z]+", output)
        assert sorted(tokens) == sorted(re.findall(rf"{plan.prefix}[A-Z]+", plan.text)), output


@needs_apertium
def test_apertium_keeps_the_names_and_applies_the_glossary():
    engine = ApertiumEngine(source="fr", target="en")
    plain = engine.translate([NEWS], "fr", "en")[0]
    assert "Lucky" in plain  # what the wrapper is for: Apertium translates the first name

    kept = ProtectedEngine(engine).translate([NEWS], "fr", "en")[0]
    for name in NAMES:
        assert name in kept, kept
    assert "Lucky" not in kept
    assert kept.startswith("Fortuné Dupont, mayor of Saint-Fortuné, has received")  # not "Has received"

    glossary = ProtectedEngine(engine, {"Grouchko": "Grushko"})
    out = glossary.translate([NEWS], "fr", "en")[0]
    assert "Alexandre Grushko" in out and "Grouchko" not in out
    for name in ["Fortuné Dupont", "Saint-Fortuné", "Le Monde", "Otan"]:
        assert name in out, out
    assert glossary.stats["fallbacks"] == 0


@needs_apertium
def test_apertium_every_name_protected_without_probing():
    engine = ProtectedEngine(ApertiumEngine(source="fr", target="en"), {"Grouchko": "Grushko"}, probe=False)
    out = engine.translate([NEWS, "Alexandre Grouchko a dénoncé la politique de l'OTAN."], "fr", "en")
    for name in ["Fortuné Dupont", "Saint-Fortuné", "Alexandre Grushko", "Le Monde", "Otan"]:
        assert name in out[0], out[0]
    # A lower-case verb after protected names at the start stays in lower case.
    assert out[1].startswith("Alexandre Grushko has "), out[1]
    assert "OTAN" in out[1]
    assert engine.stats == {"protected": 2, "fallbacks": 0, "probed": 0}


@needs_apertium
def test_ordinary_words_and_known_names_are_still_translated():
    apertium = ApertiumEngine(source="fr", target="en")
    engine = ProtectedEngine(apertium)
    sentences = [
        "Le gouvernement a annoncé mardi une nouvelle réforme.",
        "Selon le ministre, la France et l'Allemagne ont signé un accord à Bruxelles.",
        "Les Russes ont rencontré les représentants des États-Unis.",
        "Fortuné a dit que Fortuné Dupont viendra.",
    ]
    out = engine.translate(sentences, "fr", "en")
    plain = apertium.translate(sentences, "fr", "en")
    # Sentence-initial ordinary words: translated, the sentence exactly as without the wrapper.
    assert out[0] == plain[0] and out[0].startswith("The ") and "Le " not in out[0]
    assert out[1] == plain[1] and out[1].startswith("According to")
    # Names Apertium knows keep their English form: protecting them would lose it.
    assert "France and Germany" in out[1] and "Brussels" in out[1]
    assert "Russians" in out[2] and "United States" in out[2]
    # "Fortuné" at the start, shown to be a name by the rest of the batch.
    assert out[3].startswith("Fortuné has said") and "Fortuné Dupont" in out[3] and "Lucky" not in out[3]


@needs_apertium
def test_lower_case_glossary_term_at_the_start_is_capitalised():
    engine = ProtectedEngine(ApertiumEngine(source="fr", target="en"),
                             {"état d'urgence": "state of emergency"}, protect_names=False)
    out = engine.translate(["État d'urgence : le gouvernement décrète l'état d'urgence."], "fr", "en")[0]
    assert out.startswith("State of emergency") and out.count("state of emergency") == 1, out


# -- the fallback ------------------------------------------------------------------------------------

class PlaceholderEater:
    """A deterministic engine that upper-cases, loses the second placeholder-like token of sentences
    mentioning "perdu" and repeats the first one of sentences mentioning "double"."""

    name = "eater"
    id = "eater:1"
    model = None

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        self.batches.append(list(sentences))
        out = []
        for s in sentences:
            tokens = re.findall(r"\b[A-Z]{3}[A-Z]+\b", s)
            if "perdu" in s and len(tokens) > 1:
                s = s.replace(tokens[1], "", 1)
            if "double" in s and tokens:
                s = s + " " + tokens[0]
            out.append(s.upper())
        return out


def test_a_sentence_whose_placeholder_is_lost_is_translated_unprotected():
    inner = PlaceholderEater()
    engine = ProtectedEngine(inner, {"Grouchko": "Grushko"}, probe=False)
    sentences = ["Il a vu Fortuné et Grouchko, perdu.", "Il a vu Fortuné et Grouchko.",
                 "Il a vu Fortuné, double.", "rien ici."]
    out = engine.translate(sentences, "fr", "en")
    assert out[0] == "IL A VU FORTUNÉ ET GROUCHKO, PERDU."  # the fallback: no protection at all
    assert out[1] == "IL A VU Fortuné ET Grushko."  # the others keep theirs
    assert out[2] == "IL A VU FORTUNÉ, DOUBLE."
    assert out[3] == "RIEN ICI."
    assert inner.batches[1] == [sentences[0], sentences[2]]  # only the failed ones, as they were
    assert engine.stats["fallbacks"] == 2


@pytest.fixture(scope="module")
def ct2(tiny_marian: Path) -> CT2Engine:
    return CT2Engine(tiny_marian, beam_size=2, batch_size=4, threads=1)


def test_ct2_random_model_falls_back_to_the_unprotected_translation(ct2: CT2Engine):
    engine = ProtectedEngine(ct2, {"Grouchko": "Grushko"}, probe=False)
    sentences = [NEWS, "Le gouvernement a annoncé mardi une nouvelle réforme des retraites.",
                 "Les syndicats appellent à une grève nationale."]
    out = engine.translate(sentences, "fr", "en")
    # Random weights do not copy "ZQXA": every protected sentence gets exactly what the engine
    # makes of the original, and sentences without names are not touched.
    assert out == ct2.translate(sentences, "fr", "en")
    assert engine.stats["protected"] == 1 and engine.stats["fallbacks"] == 1


def test_ct2_placeholders_restored_when_the_engine_keeps_them(ct2: CT2Engine):
    # The probe mode puts names to the engine alone; the random model changes everything, so
    # nothing it leaves unchanged is protected, and a sentence without protection is untouched.
    engine = ProtectedEngine(ct2)
    out = engine.translate(["Le gouvernement a annoncé mardi une nouvelle réforme."], "fr", "en")
    assert out == ct2.translate(["Le gouvernement a annoncé mardi une nouvelle réforme."], "fr", "en")


# -- identity ----------------------------------------------------------------------------------------

def test_the_id_names_the_protection_and_the_glossary():
    inner = PlaceholderEater()
    names_only = ProtectedEngine(inner)
    assert isinstance(names_only, TranslationEngine)
    assert names_only.id == "eater:1+names@1" and names_only.name == "eater" and names_only.model is None
    assert ProtectedEngine(inner, probe=False).id == "eater:1+names@1-all"
    one = ProtectedEngine(inner, {"Grouchko": "Grushko", "Otan": "NATO"})
    same = ProtectedEngine(inner, {"Otan": "NATO", "Grouchko": "Grushko"})
    other = ProtectedEngine(inner, {"Grouchko": "Grouchko", "Otan": "NATO"})
    assert one.id == same.id and one.id.startswith("eater:1+names@1+glossary:")
    assert other.id != one.id
    assert ProtectedEngine(inner, {"Otan": "NATO"}, protect_names=False).id.startswith("eater:1+glossary:")
    # protect(): nothing to do → the engine itself; never wrapped twice.
    assert protect(inner, {}, protect_names=False) is inner
    twice = protect(protect(inner, {"Otan": "NATO"}), {"Otan": "OTAN"})
    assert isinstance(twice, ProtectedEngine) and twice.inner is inner
    assert twice.id == ProtectedEngine(inner, {"Otan": "OTAN"}).id


@needs_apertium
def test_documents_through_the_memory_keep_names_per_glossary():
    doc = Document(title="Fortuné Dupont reçoit Alexandre Grouchko",
                   blocks=[Block("paragraph", NEWS), Block("paragraph", "« Nous ne laisserons pas faire "
                                                                       "cela », a dit Fortuné Dupont.")],
                   language="fr")
    apertium = ApertiumEngine(source="fr", target="en")
    memory = DictMemory()
    first = protect(apertium, {"Grouchko": "Grushko"})
    (result,) = translate_documents([doc], first, "fr", "en", memory=memory)
    assert result.engine_id == first.id != apertium.id
    assert "Fortuné Dupont" in result.document.title and "Grushko" in result.document.title
    assert "Saint-Fortuné" in result.document.blocks[0].text and "Lucky" not in result.document.text
    assert {key[0] for key in memory.entries} == {first.id}
    # Another glossary: nothing is served from the first one's memory.
    second = protect(apertium, {"Grouchko": "Gruschko"})
    (again,) = translate_documents([doc], second, "fr", "en", memory=memory)
    assert again.from_memory == 0 and "Gruschko" in again.document.title
    (cached,) = translate_documents([doc], protect(apertium, {"Grouchko": "Grushko"}), "fr", "en",
                                    memory=memory)
    assert cached.from_memory == cached.sentences and cached.document == result.document


@needs_apertium
def test_eval_translation_scores_the_translation_with_names_kept():
    from babelwire.evaluate.translation import evaluate_translation

    line = "Le maire de Saint-Fortuné, Fortuné Dupont, a parlé hier."
    apertium = ApertiumEngine(source="fr", target="en")
    (kept,) = translate_documents([Document(blocks=[Block("paragraph", line)], language="fr")], protect(apertium),
                                  "fr", "en", memory=DictMemory())
    reference = kept.document.blocks[0].text
    assert "Saint-Fortuné" in reference and "Lucky" not in reference
    # eval translation measures what poll produces: the same names kept, so the same words.
    report = evaluate_translation([line], [reference], apertium, "fr", "en")
    assert report.chrf == 100.0
