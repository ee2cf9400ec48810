"""Quality flags of a translated block: each fires when it should and not on a good translation."""

from __future__ import annotations

import pytest

from babelwire.translate.quality import (
    FLAG_DESCRIPTIONS,
    check_block,
    describe,
    expected_ratio,
    missing_numbers,
    untranslated_words,
)

# From the RFI report of 12 January 2022, with a careful human translation.
SOURCE = (
    "« Je n'ai rien entendu de nouveau dans les positions exprimées par le vice-ministre russe », "
    "a déclaré la secrétaire d'État adjointe américaine Wendy Sherman à l'issue de la réunion du "
    "12 janvier 2022, au lendemain de discussions entre Américains et Russes à Genève."
)
GOOD = (
    "“I heard nothing new in the positions expressed by the Russian deputy minister,” said US "
    "Deputy Secretary of State Wendy Sherman after the meeting of 12 January 2022, the day after "
    "talks between Americans and Russians in Geneva."
)
NUMBERS_SOURCE = (
    "La perspective d'adhésion offerte en 2008 à l'Ukraine reste sur la table, et les 30 pays "
    "membres ont déployé 1 000 soldats, soit 3,5 % de plus, a indiqué l'Alliance le 12 janvier 2022."
)


def check(translation: str, source: str = SOURCE) -> list[str]:
    return check_block(source, translation, "fr", "en")


def test_good_translation_has_no_flag() -> None:
    assert check(GOOD) == []


def test_untranslated_source_copied_through() -> None:
    assert check(SOURCE) == ["untranslated"]


def test_untranslated_footer_from_the_seeds() -> None:
    footer = (
        "Toutes les actualités du site n'expriment pas le point de vue du site, mais nous transmettons "
        "cette actualité automatiquement et la traduisons grâce à une technologie programmatique."
    )
    assert check_block(footer, footer, "fr", "en") == ["untranslated"]
    # and a light edit does not hide it
    assert "untranslated" in check_block(footer, footer.replace("Toutes les", "All"), "fr", "en")


def test_untranslated_when_mostly_french() -> None:
    half = "“I heard nothing new,” a déclaré la secrétaire d'État adjointe américaine Wendy Sherman " \
           "à l'issue de la réunion du 12 janvier 2022, au lendemain de discussions à Genève."
    assert "untranslated" in check(half)


def test_names_only_and_short_lines_are_not_untranslated() -> None:
    names = "Jens Stoltenberg, Alexandre Grouchko, Wendy Sherman"
    assert check_block(names, names, "fr", "en") == []
    assert check_block("(Avec AFP)", "(Avec AFP)", "fr", "en") == []


def test_dropped_or_changed_number() -> None:
    assert check(GOOD.replace("2022", "")) == ["numbers"]
    assert check(GOOD.replace("12 January", "13 January")) == ["numbers"]


def test_numbers_are_compared_by_value() -> None:
    translation = (
        "The prospect of membership offered to Ukraine in 2008 remains on the table, and the thirty "
        "member countries have deployed 1,000 soldiers, 3.5% more, the Alliance said on January 12, 2022."
    )
    assert missing_numbers(NUMBERS_SOURCE, translation) == []
    assert check_block(NUMBERS_SOURCE, translation, "fr", "en") == []
    assert missing_numbers(NUMBERS_SOURCE, translation.replace("2008", "2018")) == ["2008"]
    assert missing_numbers("1 000 soldats", "1.000 Soldaten") == []
    assert missing_numbers("3,5 %", "3.5 percent") == []
    assert missing_numbers("12 000 soldats", "12 soldiers") == ["12 000"]


def test_unbalanced_or_missing_quotation() -> None:
    assert check(GOOD.replace("”", "")) == ["quotes"]
    assert check(GOOD.replace("“", "").replace("”", "")) == ["quotes"]  # balanced, but one lost
    # the seeds' broken output: marks torn from their quotation and mixed
    seed = (
        "I haven’t heard anything new “In the positions expressed by the Russian vice-minister, declared "
        "the US Deputy Secretary of State Wendy Sherman at the end of the meeting of 12 January 2022. ” "
        "Some Russian requests are not even questionable », She insisted."
    )
    assert "quotes" in check(seed)


def test_length_ratio() -> None:
    assert check("“I heard nothing new,” said Wendy Sherman on 12 January 2022.") == ["length_ratio"]
    # a hallucinating engine repeating itself
    assert check(GOOD + 2 * (" " + GOOD.replace("“", "").replace("”", ""))) == ["length_ratio"]
    # short blocks vary too much to judge
    assert check_block("Fin de la réunion.", "End.", "fr", "en") == []
    assert expected_ratio("fr", "en") < 1 < expected_ratio("en", "fr")


# RT en français, 12 January 2022, and what Apertium (fr→es→en) made of it: mostly English, with
# French words it did not know left in place — the "[des uns]" fragments of the seeds.
GROUCHKO = (
    "Alexandre Grouchko a dénoncé la politique d'« endiguement » menée selon lui par l'OTAN, et averti que "
    "les tentatives de bâtir la sécurité des uns « aux dépens de la Russie et sans la participation de la "
    "Russie » étaient « contre-productives »."
)
GROUCHKO_APERTIUM = (
    "Alexandre Grouchko has reported the politics of “endiguement” spent as him by the NATO, and warned that "
    "the tentativas to build the security of the ones “to the dépens of Russia and without the participation "
    "of Russia” they were “against-productive”."
)
GROUCHKO_HUMAN = (
    "Alexandre Grushko denounced what he called NATO's policy of “containment”, and warned that attempts to "
    "build the security of some “at the expense of Russia and without Russia's participation” were "
    "“counterproductive”."
)


def test_french_words_left_in_an_english_translation() -> None:
    assert untranslated_words(GROUCHKO, GROUCHKO_APERTIUM, "fr", "en") == ["endiguement", "dépens"]
    assert check_block(GROUCHKO, GROUCHKO_APERTIUM, "fr", "en") == ["untranslated_words"]
    assert check_block(GROUCHKO, GROUCHKO_HUMAN, "fr", "en") == []


def test_shared_words_and_names_are_not_untranslated_words() -> None:
    source = "La situation reste tendue : les tensions sur le continent inquiètent Jens Stoltenberg et l'Alliance."
    translation = "The situation remains tense: tensions on the continent worry Jens Stoltenberg and the alliance."
    assert untranslated_words(source, translation, "fr", "en") == []
    # a word the translation did not take from the source is not "left untranslated"
    assert untranslated_words("Il a parlé.", "He spoke of détente.", "fr", "en") == []
    assert untranslated_words(GROUCHKO, GROUCHKO, "fr", "fr") == []


def test_a_mostly_french_block_is_untranslated_not_untranslated_words() -> None:
    assert check(SOURCE) == ["untranslated"]


def test_empty_output() -> None:
    assert check("") == ["empty"]
    assert check("   \n") == ["empty"]
    assert check_block("", "", "fr", "en") == []


def test_every_flag_is_described() -> None:
    flags = {"untranslated", "untranslated_words", "numbers", "quotes", "length_ratio", "empty"}
    assert set(FLAG_DESCRIPTIONS) == flags
    assert all(description and "\n" not in description for description in FLAG_DESCRIPTIONS.values())
    assert describe(["numbers"]) == [FLAG_DESCRIPTIONS["numbers"]]


@pytest.mark.parametrize("target", ["en-GB", "EN"])
def test_language_codes_are_normalised(target: str) -> None:
    assert check_block(SOURCE, GOOD, "fr-FR", target) == []
