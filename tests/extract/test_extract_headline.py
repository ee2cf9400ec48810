"""Headline echoes of every form, removed from the first blocks and nowhere else."""

from __future__ import annotations

import pytest

from babelwire.document import Block
from babelwire.extract.headline import is_echo, is_kicker, remove_echoes

TITLE = "Otan-Russie: malgré des divergences majeures, le dialogue reste ouvert"
LEAD = ("La réunion du Conseil Otan-Russie, la première depuis plus de deux ans, a duré près de quatre heures "
        "au siège de l'Alliance atlantique à Bruxelles, sous la présidence du secrétaire général.")
SECOND = ("Moscou n'a rien cédé sur sa demande principale : l'engagement que l'Alliance ne s'élargira plus vers "
          "l'Est, a expliqué un diplomate à la sortie de la réunion.")


@pytest.mark.parametrize(
    "text",
    [
        TITLE,
        "Otan-Russie : malgré des « divergences majeures », le dialogue reste ouvert – RFI",
        "otan russie malgre des divergences majeures le dialogue reste ouvert",  # slug, spaces
        "otan-russie-malgre-des-divergences-majeures-le-dialogue-reste-ouvert",  # slug, hyphens
        "malgre des divergences majeures le dialogue reste ouvert",  # slug of the headline without its kicker
        "Malgré des divergences majeures, le dialogue reste ouvert",  # the headline without its kicker
        "Otan-Russie: malgré des divergences majeures, le dialogue reste ouvert | Europe | RFI | 12.01.2022",
        "12.01.2022 Otan-Russie: malgré des divergences majeures, le dialogue reste ouvert",
    ],
)
def test_echoes(text: str) -> None:
    assert is_echo(text, TITLE, ("RFI",))


@pytest.mark.parametrize(
    "text",
    [
        "Malgré des divergences majeures, le dialogue reste ouvert entre Moscou et l'Alliance, ont assuré mercredi "
        "les deux délégations à l'issue de la réunion.",  # a lead sentence that starts with the headline's words
        "Le dialogue reste ouvert",  # too small a part
        "Otan",
        LEAD,
    ],
)
def test_not_echoes(text: str) -> None:
    assert not is_echo(text, TITLE, ("RFI",))


def test_cyrillic_headline_and_its_latin_slug() -> None:
    title = "Сборная России выиграла турнир в Красноярске"
    assert is_echo("sbornaya rossii vyigrala turnir v krasnoyarske", title)
    assert is_echo("sbornaja-rossii-vyigrala-turnir-v-krasnojarske", title)  # another transliteration
    assert not is_echo("Moscow hosts a bandy tournament this weekend", title)


def test_kickers() -> None:
    assert is_kicker("Otan-Russie", TITLE)
    assert is_kicker("Kategorie: News", "Eine Überschrift")
    assert is_kicker("Rubrique : Europe", "Un titre")
    assert not is_kicker("Bruxelles", TITLE)


def test_remove_echoes_in_the_first_blocks_only() -> None:
    blocks = [
        Block("paragraph", "Europe"),  # section label right above the headline echo
        Block("heading", TITLE),
        Block("paragraph", "malgre des divergences majeures le dialogue reste ouvert"),
        Block("paragraph", "Les deux camps se sont quittés sans accord."),  # standfirst…
        Block("paragraph", "Les deux camps se sont quittés sans accord."),  # …printed twice
        Block("paragraph", LEAD),
        Block("paragraph", SECOND),
        Block("quote", TITLE),
        Block("paragraph", "Malgré des divergences majeures, le dialogue reste ouvert"),  # far down: kept
    ]
    assert remove_echoes(blocks, TITLE, ("RFI",)) == [
        Block("paragraph", "Les deux camps se sont quittés sans accord."),
        Block("paragraph", LEAD),
        Block("paragraph", SECOND),
        Block("quote", TITLE),
        Block("paragraph", "Malgré des divergences majeures, le dialogue reste ouvert"),
    ]


def test_standfirst_printed_short_then_in_full() -> None:
    short = "Les deux camps se sont quittés sans accord, mais ont promis de se revoir"
    blocks = [Block("paragraph", short), Block("paragraph", short + " avant la fin du mois de février."),
              Block("paragraph", LEAD)]
    assert remove_echoes(blocks, TITLE) == blocks[1:]


def test_nothing_removed_without_a_title() -> None:
    blocks = [Block("paragraph", "Europe"), Block("paragraph", LEAD)]
    assert remove_echoes(blocks, None) == blocks
