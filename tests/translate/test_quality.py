"""Quality flags of a translated block: each fires when it should and not on a good translation."""

from __future__ import annotations

import pytest

from babelwire.translate.quality import (
    FLAG_DESCRIPTIONS,
    check_block,
    describe,
    expected_ratio,
    missing_numbers,
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


def test_empty_output() -> None:
    assert check("") == ["empty"]
    assert check("   \n") == ["empty"]
    assert check_block("", "", "fr", "en") == []


def test_every_flag_is_described() -> None:
    flags = {"untranslated", "numbers", "quotes", "length_ratio", "empty"}
    assert set(FLAG_DESCRIPTIONS) == flags
    assert all(description and "\n" not in description for description in FLAG_DESCRIPTIONS.values())
    assert describe(["numbers"]) == [FLAG_DESCRIPTIONS["numbers"]]


@pytest.mark.parametrize("target", ["en-GB", "EN"])
def test_language_codes_are_normalised(target: str) -> None:
    assert check_block(SOURCE, GOOD, "fr-FR", target) == []
