"""Quotation extraction stays linear in the length of the text (checked by counting the characters
read, never by timing: speed is measured by `babelwire bench text`)."""

from __future__ import annotations

import pytest

from babelwire.bench.text import QUOTE_PARAGRAPHS, article
from babelwire.document import Block, Document
from babelwire.stories import quotes as module
from babelwire.stories.quotes import MAX_SENTENCE, Quote, extract_quotes


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every text the person-name scanner reads during the test."""
    lengths: list[int] = []
    real = module._persons

    def counting(text: str) -> list[tuple[int, str]]:
        lengths.append(len(text))
        return real(text)

    monkeypatch.setattr(module, "_persons", counting)
    return lengths


def test_names_are_read_once_per_paragraph(scanned: list[int]) -> None:
    # The old code read the whole document so far for every paragraph: 2,000 paragraphs meant
    # reading the text about 1,000 times over.
    for paragraphs in (200, 2000):
        scanned.clear()
        document = article(paragraphs)
        quotes = extract_quotes(document, "fr")
        assert len(quotes) == 9 * paragraphs // 10
        assert sum(scanned) <= 2 * len(document.text)


def test_one_huge_paragraph_reads_bounded_windows(scanned: list[int]) -> None:
    text = " ".join(QUOTE_PARAGRAPHS) * 200
    quotes = extract_quotes({"blocks": [{"type": "paragraph", "text": text}]}, "fr")
    assert len(quotes) > 1000
    assert sum(scanned) <= 2 * len(text)


def test_results_do_not_depend_on_how_much_text_comes_before() -> None:
    # The same paragraphs after 5,000 unrelated ones give the same quotations and speakers.
    paragraphs = [
        "« Nous ne laisserons pas cela se produire », a déclaré le vice-ministre russe des Affaires étrangères "
        "Alexandre Grouchko.",
        "« Les échanges ont été directs sur la situation en Ukraine », a-t-il ajouté.",
        "“The talks were difficult and long,” said Wendy Sherman. “We will keep talking,” Sherman added.",
    ]
    padding = [f"Paragraphe de remplissage numéro {i}, sans citation ni personne." for i in range(5000)]
    expected = [
        Quote("Alexandre Grouchko", "Nous ne laisserons pas cela se produire"),
        Quote("Alexandre Grouchko", "Les échanges ont été directs sur la situation en Ukraine"),
        Quote("Wendy Sherman", "The talks were difficult and long"),
        Quote("Wendy Sherman", "We will keep talking"),
    ]
    for blocks in (paragraphs, padding + paragraphs):
        document = Document(title="t", blocks=[Block("paragraph", p) for p in blocks])
        assert extract_quotes(document, "fr") == expected


def test_a_name_is_not_read_across_a_paragraph_break() -> None:
    # "NATO" ending one paragraph and "À" starting the next are not a person called "NATO À".
    document = Document(title="t", blocks=[
        Block("paragraph", "No agreement between Russians and NATO"),
        Block("paragraph", "À partir du mois de février, le tramway circulera la nuit."),
        Block("paragraph", "« I want to apologise », he said in the House of Commons."),
    ])
    assert extract_quotes(document, "en") == [Quote(None, "I want to apologise")]


def test_a_quotation_without_sentence_ends_is_bounded() -> None:
    lost_opening = " ".join(["mot"] * 2000) + " », a déclaré Jean Dupont."
    (quote,) = extract_quotes({"text": lost_opening}, "fr")
    assert quote.speaker == "Jean Dupont" and len(quote.text) <= MAX_SENTENCE


def test_text_bench_rows() -> None:
    # `babelwire bench text` renders these rows; tiny sizes here, the real ones are measured by the bench.
    from babelwire.bench.text import run_text_bench

    rows = run_text_bench(paragraphs=(20,), chars=(3000,))
    assert [row["task"] for row in rows] == ["quotes", "sentences"]
    assert rows[0]["result"] == "18 quotations"
    assert rows[1]["result"].endswith("sentences, rebuilt exactly")
    assert all({"size", "characters", "seconds", "us_per_kchar"} <= row.keys() for row in rows)
