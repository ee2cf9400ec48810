"""Quotations and speakers in French and English news text, including messy machine translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from babelwire.document import Block, Document
from babelwire.stories.quotes import Quote, extract_quotes

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _doc(*paragraphs: str) -> Document:
    return Document(title="t", blocks=[Block("paragraph", p) for p in paragraphs])


def test_french_reporting_verbs_titles_and_pronouns():
    quotes = extract_quotes(_doc(
        "La réunion a « révélé un grand nombre de divergences sur des questions fondamentales », a estimé le "
        "vice-ministre russe des Affaires étrangères Alexandre Grouchko, qui s'exprimait en fin d'après-midi.",
        "« Nous ne laisserons pas cela se produire », a-t-il martelé.",
        "« Les échanges ont été directs sur la situation en Ukraine », a expliqué Jens Stoltenberg, secrétaire "
        "général de l'OTAN.",
        "« Je n'ai rien entendu de nouveau » dans les positions exprimées par le vice-ministre russe, a déclaré la "
        "secrétaire d'État adjointe américaine Wendy Sherman. « Certaines demandes russes ne sont même pas "
        "discutables », a-t-elle insisté.",
    ), "fr")
    assert quotes == [
        Quote("Alexandre Grouchko", "révélé un grand nombre de divergences sur des questions fondamentales"),
        Quote("Alexandre Grouchko", "Nous ne laisserons pas cela se produire"),
        Quote("Jens Stoltenberg", "Les échanges ont été directs sur la situation en Ukraine"),
        Quote("Wendy Sherman", "Je n'ai rien entendu de nouveau"),
        Quote("Wendy Sherman", "Certaines demandes russes ne sont même pas discutables"),
    ]


def test_french_speaker_before_the_quotation_and_selon():
    quotes = extract_quotes(_doc(
        "Alexandre Grouchko a estimé que « la sécurité des uns ne peut se faire aux dépens des autres ».",
        "Selon Martine Roche, directrice de la station, « les familles réservent au dernier moment ».",
        "La décision est « impérative » pour Moscou.",  # one word: a scare quote, not a quotation
    ), "fr")
    assert quotes == [
        Quote("Alexandre Grouchko", "la sécurité des uns ne peut se faire aux dépens des autres"),
        Quote("Martine Roche", "les familles réservent au dernier moment"),
    ]


def test_english_patterns():
    quotes = extract_quotes(_doc(
        '"There are significant differences between NATO allies and Russia," NATO Secretary General Jens '
        'Stoltenberg told reporters. "Our differences will not be easy to bridge."',
        "“We will not allow anyone to slam closed NATO's open door policy,” said Wendy Sherman.",
        "“The talks were difficult and long,” she added.",
        "According to the secretary general of NATO, Jens Stoltenberg, “the door remains open to Ukraine”.",
        "Josep Borrell said: “I cannot blame anybody as I have no proof.”",
        "A sign read “be afraid and expect the worst” in three languages.",
    ), "en")
    assert quotes == [
        Quote("Jens Stoltenberg", "There are significant differences between NATO allies and Russia"),
        Quote("Jens Stoltenberg", "Our differences will not be easy to bridge."),
        Quote("Wendy Sherman", "We will not allow anyone to slam closed NATO's open door policy"),
        Quote("Wendy Sherman", "The talks were difficult and long"),
        Quote("Jens Stoltenberg", "the door remains open to Ukraine"),
        Quote("Josep Borrell", "I cannot blame anybody as I have no proof."),
        Quote(None, "be afraid and expect the worst"),
    ]


def test_document_dicts_and_plain_text_are_accepted():
    document = {"text": "« Nous ne laisserons pas cela se produire », a déclaré Alexandre Grouchko."}
    assert extract_quotes(document, "fr") == [Quote("Alexandre Grouchko", "Nous ne laisserons pas cela se produire")]


@pytest.mark.parametrize(("name", "expected"), [
    ("000_df4322f78d508a68.txt", [("Alexander Grouchko", "revealed a number of differences"),
                                  ("Alexander Grouchko", "We will not let this happen")]),
    ("002_cfa89c7706d659ed.txt", [("Jens Stoltenberg", "Discussions were direct on the situation in Ukraine"),
                                  ("Wendy Sherman", "Some Russian requests are not even questionable")]),
])
def test_founding_texts(name: str, expected: list[tuple[str, str]]):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (shared seeds are not part of the package)")
    quotes = extract_quotes({"text": path.read_text(encoding="utf-8")}, "en")
    for speaker, start in expected:
        assert any(q.speaker == speaker and q.text.startswith(start) for q in quotes), (speaker, start, quotes)


def test_translated_quotes_take_their_speakers_from_the_original():
    """Apertium's English garbles the reporting clause; the French original still says who spoke."""
    from babelwire.stories.quotes import translated_quotes

    original = _doc(
        "La réunion a « révélé un grand nombre de divergences sur des questions fondamentales », a estimé le "
        "vice-ministre russe des Affaires étrangères Alexandre Grouchko.",
        "« Les échanges ont été directs sur la situation en Ukraine », a constaté Jens Stoltenberg.",
        "Un paragraphe sans citation.",
    )
    # What Apertium (fr→es→en) made of it.
    translation = _doc(
        "The meeting has “revealed a big number of discrepancies on fundamental questions”, has estimated the "
        "vice-Russian minister of the external Subjects Alexandre Grouchko.",
        "“The exchanges have been direct on the situation in Ukraine”, has ascertained Jens Stoltenberg.",
        "A paragraph without quotation.",
    )
    assert extract_quotes(translation, "en")[0].speaker != "Alexandre Grouchko"
    assert translated_quotes(original, translation) == [
        Quote("Alexandre Grouchko", "revealed a big number of discrepancies on fundamental questions"),
        Quote("Jens Stoltenberg", "The exchanges have been direct on the situation in Ukraine"),
    ]


def test_translated_quotes_keep_their_own_attribution_where_the_counts_differ():
    from babelwire.stories.quotes import translated_quotes

    # The engine dropped the marks of the first quotation: which French quotation the remaining
    # English one is cannot be told, so the English sentence's own attribution stands.
    original = _doc("« Nous ne laisserons pas cela se produire », a déclaré Alexandre Grouchko. "
                    "« C'est un point crucial pour Moscou », a ajouté Wendy Sherman.")
    translation = _doc("We will not let this happen, said Alexander Grushko. "
                       "“It is a crucial point for Moscow”, added Wendy Sherman.")
    assert len(extract_quotes(original, "fr")) == 2
    assert translated_quotes(original, translation) == extract_quotes(translation, "en")
