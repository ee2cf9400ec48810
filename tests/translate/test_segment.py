"""Sentence segmentation: French/English news abbreviations, quotations, exact reassembly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from babelwire.translate.segment import join_segments, split_sentences


def sentences(text: str, language: str) -> list[str]:
    return [segment.text for segment in split_sentences(text, language)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "M. Macron a reçu Mme Sherman à Paris. Ils ont parlé de l'OTAN.",
            ["M. Macron a reçu Mme Sherman à Paris.", "Ils ont parlé de l'OTAN."],
        ),
        (
            "Le sommet aura lieu le 12 janv. 2022 à Bruxelles. La Russie sera présente.",
            ["Le sommet aura lieu le 12 janv. 2022 à Bruxelles.", "La Russie sera présente."],
        ),
        (
            "Le taux est de 3.5 % cette année, contre 3,5 % l'an dernier. C'est stable.",
            ["Le taux est de 3.5 % cette année, contre 3,5 % l'an dernier.", "C'est stable."],
        ),
        (
            "Les pays baltes, la Pologne, etc. sont concernés. Moscou refuse.",
            ["Les pays baltes, la Pologne, etc. sont concernés.", "Moscou refuse."],
        ),
        (
            "« Nous ne laisserons pas faire cela », a-t-il dit. Il a insisté.",
            ["« Nous ne laisserons pas faire cela », a-t-il dit.", "Il a insisté."],
        ),
        (
            "Pourquoi ? Parce que la Russie refuse. Voilà.",
            ["Pourquoi ?", "Parce que la Russie refuse.", "Voilà."],
        ),
        ("Le ministre (M. Lavrov) a parlé. Fin.", ["Le ministre (M. Lavrov) a parlé.", "Fin."]),
        ("Voir le no. 5 du rapport. Fin.", ["Voir le no. 5 du rapport.", "Fin."]),
    ],
)
def test_french_news_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text, "fr") == expected


def test_french_quotation_of_several_sentences_is_not_cut_inside() -> None:
    text = (
        "« La discussion n'a pas été facile. Les discussions ont été directes. » a expliqué "
        "Jens Stoltenberg. Puis il est parti."
    )
    result = sentences(text, "fr")
    assert result[-1] == "Puis il est parti."
    # wherever pysbd cuts, no sentence starts with the closing mark of the quotation
    assert not any(sentence.startswith("»") for sentence in result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met the U.S. envoy on Jan. 12. He left.",
            ["Mr. Smith met the U.S. envoy on Jan. 12.", "He left."],
        ),
        ("Growth was 3.5 percent. That is stable.", ["Growth was 3.5 percent.", "That is stable."]),
        (
            "“We will not let this happen,” he said. He insisted.",
            ["“We will not let this happen,” he said.", "He insisted."],
        ),
    ],
)
def test_english_news_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text, "en") == expected


def test_spans_point_into_the_block_and_whitespace_is_kept() -> None:
    text = "  Première phrase.  Deuxième phrase.\nTroisième phrase.\n"
    segments = split_sentences(text, "fr")
    assert [text[s.start:s.end] for s in segments] == [s.text for s in segments]
    assert [s.text for s in segments] == ["Première phrase.", "Deuxième phrase.", "Troisième phrase."]
    assert join_segments(text, segments, ["A.", "B.", "C."]) == "  A.  B.\nC.\n"


def test_empty_and_unknown_language() -> None:
    assert split_sentences("", "fr") == []
    assert split_sentences("   \n", "fr") == []
    # Portuguese has no pysbd rules: English rules are used, and regional codes are accepted
    assert sentences("Olá. Tudo bem? Sim.", "pt-BR") == ["Olá.", "Tudo bem?", "Sim."]
    assert sentences("Bonjour. Au revoir.", "fr_FR") == ["Bonjour.", "Au revoir."]


def test_join_needs_one_replacement_per_segment() -> None:
    segments = split_sentences("Un. Deux.", "fr")
    with pytest.raises(ValueError, match="one replacement per segment"):
        join_segments("Un. Deux.", segments, ["One."])


_pieces = st.lists(
    st.sampled_from(
        ["M. Dupont", "arrive", "le 12 janv. 2022", "à 3,5 %", "« Oui »", "(etc.)", "Non", "l'OTAN",
         ".", "!", "?", ",", "…", " ", "  ", "\n", "\u00a0", "U.S.", "[des uns]"]
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(_pieces)
def test_reassembly_is_exact_for_any_text(parts: list[str]) -> None:
    text = " ".join(parts)
    segments = split_sentences(text, "fr")
    assert join_segments(text, segments, [s.text for s in segments]) == text
    cursor = 0
    for segment in segments:
        assert text[cursor:segment.start].strip() == ""  # only whitespace between sentences
        assert segment.text == text[segment.start:segment.end] and segment.text.strip() == segment.text
        cursor = segment.end
    assert text[cursor:].strip() == ""


def test_threads_do_not_mix_texts() -> None:
    # pysbd keeps the text being split on the segmenter: each thread must have its own
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Phrase numéro {i}. M. Dupont répond {i} fois. Fin {i}." for i in range(40)]
    expected = [sentences(text, "fr") for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda text: sentences(text, "fr"), texts)) == expected


# --------------------------------------------------------------- long blocks: windows, linear time


class _Recording:
    """Wraps pysbd's segmenter to record the length of every text it is given."""

    def __init__(self, segmenter: object, lengths: list[int]) -> None:
        self._segmenter = segmenter
        self._lengths = lengths

    def segment(self, text: str) -> list[str]:
        self._lengths.append(len(text))
        return self._segmenter.segment(text)  # type: ignore[attr-defined]


@pytest.fixture
def pysbd_inputs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lengths of the texts pysbd is given during the test."""
    from babelwire.translate import segment as module

    lengths: list[int] = []
    real = module._segmenter
    monkeypatch.setattr(module, "_segmenter", lambda language: _Recording(real(language), lengths))
    return lengths


def _check_exact(text: str, segments: list) -> None:
    assert join_segments(text, segments, [s.text for s in segments]) == text
    cursor = 0
    for segment in segments:
        assert segment.start >= cursor and text[cursor:segment.start].strip() == ""
        assert segment.text == text[segment.start:segment.end] and segment.text == segment.text.strip()
        cursor = segment.end
    assert text[cursor:].strip() == ""


def test_a_long_paragraph_is_split_in_windows_of_bounded_size(pysbd_inputs: list[int]) -> None:
    # Linear time without timing anything: pysbd (superlinear) never sees more than MAX_WINDOW
    # characters at once, and sees each character about once (a sentence of overlap per window).
    from babelwire.bench.text import paragraph
    from babelwire.translate.segment import MAX_WINDOW

    for size in (50_000, 200_000):
        pysbd_inputs.clear()
        text = paragraph(size)
        segments = split_sentences(text, "fr")
        assert max(pysbd_inputs) <= MAX_WINDOW
        assert sum(pysbd_inputs) <= 1.1 * len(text)
        assert len(pysbd_inputs) <= 1.1 * len(text) / MAX_WINDOW + 2
        _check_exact(text, segments)
        assert len(segments) > size / 100  # sentences of about 90 characters
        assert segments[0].text == ("Le sommet aura lieu le 12 janv. 2022 à Bruxelles, a indiqué M. Dupont "
                                    "devant la presse.")


def test_windows_keep_pysbd_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    from babelwire.translate import segment as module

    text = " ".join(f"M. Dupont a parlé le 12 janv. 2022 devant la séance {i} du conseil. Pourquoi ? Parce que."
                    for i in range(60))
    whole = sentences(text, "fr")
    monkeypatch.setattr(module, "MAX_WINDOW", 300)
    assert sentences(text, "fr") == whole


def test_a_sentence_longer_than_the_window_is_cut_at_a_space(monkeypatch: pytest.MonkeyPatch,
                                                              pysbd_inputs: list[int]) -> None:
    from babelwire.translate import segment as module

    monkeypatch.setattr(module, "MAX_WINDOW", 100)
    text = " ".join(["mot"] * 200) + ". Fin.\n" + "x" * 450  # no sentence end, then one giant word
    segments = split_sentences(text, "fr")
    _check_exact(text, segments)
    assert max(pysbd_inputs) <= 100
    assert all(len(s.text) <= 100 for s in segments)
    assert all(s.text.endswith("mot") for s in segments[:-7])  # cut between words, not inside


@settings(max_examples=150, deadline=None)
@given(_pieces, st.integers(min_value=2, max_value=40))
def test_reassembly_is_exact_with_any_window(parts: list[str], window: int) -> None:
    from babelwire.translate import segment as module

    text = " ".join(parts)
    original = module.MAX_WINDOW
    module.MAX_WINDOW = window  # not monkeypatch: hypothesis runs many examples in one test
    try:
        segments = split_sentences(text, "fr")
    finally:
        module.MAX_WINDOW = original
    _check_exact(text, segments)
