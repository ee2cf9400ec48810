"""The Apertium engine on real French news sentences, with the Debian language data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lingua import Language, LanguageDetectorBuilder

from babelwire.errors import TranslationError
from babelwire.translate.engines.apertium import ApertiumEngine, iso639_1, strip_marks
from babelwire.translate.engines.base import TranslationEngine
from tests.translate.conftest import MODES, needs_apertium

# Modelled on the wire's French seed articles (RT en français, Le Monde, AFP dispatches).
FRENCH = [
    "Le secrétaire général de l'OTAN, Jens Stoltenberg, a rencontré les représentants russes "
    "à Bruxelles le 12 janvier 2022.",
    "Le vice-ministre des Affaires étrangères a jugé « impératif » que l'Alliance atlantique "
    "renonce à s'élargir vers l'Est.",
    "Selon le ministère de la Santé, 4 500 personnes ont été hospitalisées depuis lundi.",
    "La réunion a duré près de quatre heures, a précisé un diplomate européen.",
    "Les deux délégations se retrouveront à Genève la semaine prochaine.",
    "Le gouvernement a annoncé une aide de 300 millions d'euros pour les agriculteurs.",
]

DETECTOR = LanguageDetectorBuilder.from_languages(
    Language.FRENCH, Language.SPANISH, Language.ENGLISH
).build()


@pytest.fixture(scope="module")
def engine() -> ApertiumEngine:
    return ApertiumEngine()


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def test_iso_codes_and_mark_stripping() -> None:
    assert [iso639_1(c) for c in ("fr", "fra", "fre", "FR-fr", "spa", "eng", "pt_BR", "xyz")] == [
        "fr", "fr", "fr", "fr", "es", "en", "pt", "xyz",
    ]
    assert strip_marks("The *Stoltenberg #went @ici", "Jens Stoltenberg") == "The Stoltenberg went ici"
    # Handles and hashtags of the source survive, even when their word was translated.
    assert strip_marks("Follow @lemonde and #Ucrania", "Suivez @lemonde et #Ukraine") == (
        "Follow @lemonde and #Ucrania"
    )
    assert strip_marks("e-mail x*y 3*4", "") == "e-mail x*y 3*4"


@needs_apertium
def test_discovers_pairs_and_pivot_route(engine: ApertiumEngine) -> None:
    assert isinstance(engine, TranslationEngine)
    assert {("fr", "es"), ("es", "fr"), ("en", "es"), ("es", "en")} <= engine.available_pairs()
    assert engine.route("fr", "es") == ["fr-es"]
    assert engine.route("fra", "eng") == ["fr-es", "spa-eng"]
    assert engine.supports("fr", "en") and engine.supports("en", "fr")
    assert not engine.supports("fr", "ja")
    assert engine.model_for("fr", "en") == "apertium fr-es+spa-eng"
    assert engine.id_for("fr", "en").startswith("apertium:fr-es")
    assert "spa-eng" in engine.id_for("fr", "en")
    bound = ApertiumEngine(source="fr", target="en")
    assert bound.model == "apertium fr-es+spa-eng"
    assert bound.id == engine.id_for("fr", "en")
    assert bound.id != ApertiumEngine(source="fr", target="es").id


@needs_apertium
def test_french_to_spanish_direct(engine: ApertiumEngine) -> None:
    out = engine.translate(FRENCH, "fr", "es")
    assert len(out) == len(FRENCH)
    assert "OTAN" in out[0] and "Bruselas" in out[0] and "enero" in out[0]
    for src, dst in zip(FRENCH, out, strict=True):
        assert dst and dst != src
        assert numbers(dst) == numbers(src)
        assert not re.search(r"(?<!\w)[*#@]\w", dst)
    assert DETECTOR.detect_language_of(" ".join(out)) == Language.SPANISH


@needs_apertium
def test_french_to_english_through_spanish(engine: ApertiumEngine) -> None:
    out = engine.translate(FRENCH, "fr", "en")
    assert len(out) == len(FRENCH)
    assert "Brussels" in out[0] and "January" in out[0] and "Stoltenberg" in out[0]
    for src, dst in zip(FRENCH, out, strict=True):
        assert dst
        assert numbers(dst) == numbers(src)
        assert not re.search(r"(?<!\w)[*#@]\w", dst), dst
    assert DETECTOR.detect_language_of(" ".join(out)) == Language.ENGLISH


@needs_apertium
def test_large_batch_keeps_count_order_and_empty_strings(engine: ApertiumEngine) -> None:
    batch = []
    for n in range(120):
        batch.append(f"Le ministre a reçu {n} lettres le {n % 28 + 1} mars.")
        if n % 10 == 0:
            batch.extend(["", "   "])
    batch.append("Une phrase\navec un saut de ligne.")
    out = engine.translate(batch, "fr", "es")
    assert len(out) == len(batch)
    for src, dst in zip(batch, out, strict=True):
        if not src.strip():
            assert dst == src
        else:
            assert numbers(dst) == numbers(src), (src, dst)
    assert "\n" not in out[-1] and out[-1].startswith("Una frase")
    assert engine.translate([], "fr", "es") == []
    assert engine.translate(["", ""], "fr", "en") == ["", ""]


@needs_apertium
def test_unknown_words_are_kept_without_marks(engine: ApertiumEngine) -> None:
    sentence = "Le groupe Zwrtqx a publié un communiqué, suivez @lemonde et #Ukraine."
    out = engine.translate([sentence], "fr", "en")
    assert "Zwrtqx" in out[0] and "*" not in out[0]
    assert "@lemonde" in out[0] and "#Ukraine" in out[0]


@needs_apertium
def test_unreachable_pair_is_a_translation_error(engine: ApertiumEngine) -> None:
    with pytest.raises(TranslationError, match=r"cannot translate fr → ja.*installed: "):
        engine.translate(["Bonjour."], "fr", "ja")
    with pytest.raises(TranslationError):
        engine.model_for("de", "en")


def test_missing_apertium_is_a_clear_error(tmp_path: Path) -> None:
    engine = ApertiumEngine(apertium=str(tmp_path / "no-apertium"), modes_dir=tmp_path)
    assert not engine.supports("fr", "es")
    assert engine.available_pairs() == set()
    with pytest.raises(TranslationError, match="apertium is not installed: sudo apt-get install apertium"):
        engine.translate(["Bonjour."], "fr", "es")


@needs_apertium
def test_modes_dir_limits_the_installed_pairs(tmp_path: Path) -> None:
    modes = tmp_path / "modes"
    modes.mkdir()
    (modes / "fr-es.mode").write_text((MODES / "fr-es.mode").read_text())
    engine = ApertiumEngine(modes_dir=tmp_path)
    assert engine.available_pairs() == {("fr", "es")}
    assert engine.translate(["Le chat dort."], "fr", "es") == ["El gato duerme."]
    assert not engine.supports("fr", "en")


def test_unknown_french_words_are_flagged_in_the_translation(engine: ApertiumEngine) -> None:
    """Apertium keeps words it does not know; the quality check names them instead of hiding them."""
    from babelwire.translate.quality import check_block, untranslated_words

    source = ("Alexandre Grouchko a dénoncé la politique d'endiguement menée selon lui par l'OTAN, "
              "a-t-il martelé devant la presse.")
    [translation] = engine.translate([source], "fr", "en")
    kept = untranslated_words(source, translation, "fr", "en")
    assert kept and set(kept) <= {"endiguement", "martelé"}
    assert "untranslated_words" in check_block(source, translation, "fr", "en")


@needs_apertium
def test_neighbouring_sentences_do_not_exchange_words():
    # Transfer rules match across a single line break: "pierre" / "rose" came out "Pink" / "stone".
    engine = ApertiumEngine()
    assert engine.translate(["pierre", "rose", "la maison blanche", "rouge"], "fr", "en") == [
        "stone", "rose", "the white house", "red"]
