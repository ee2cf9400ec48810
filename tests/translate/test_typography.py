"""Quotation marks and punctuation spacing of the target language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from babelwire.translate.typography import (
    NBSP,
    NNBSP,
    apply_typography,
    normalise_quotes,
    scan_quotes,
)


@pytest.mark.parametrize("inner", [" ", NBSP, NNBSP, ""])
def test_french_guillemets_become_english_quotes(inner: str) -> None:
    text = f"«{inner}We will not let this happen{inner}», he said."
    assert apply_typography(text, "en") == "“We will not let this happen”, he said."


def test_machine_translation_output_from_the_seeds_is_repaired() -> None:
    # Apertium's output for the RT article: French marks and spacing left in English text.
    text = (
        "Alexandre Grouchko denounced NATO's policy of « containment » and warned that « attempts "
        "to build security [of some] at the expense of Russia [were] counterproductive »."
    )
    assert apply_typography(text, "en") == (
        "Alexandre Grouchko denounced NATO's policy of “containment” and warned that “attempts "
        "to build security [of some] at the expense of Russia [were] counterproductive”."
    )


def test_nested_quotations_alternate() -> None:
    text = "Il a dit : « Ils parlent de « garanties » sans rien donner »."
    assert apply_typography(text, "en") == "Il a dit: “Ils parlent de ‘garanties’ sans rien donner”."
    assert apply_typography(text, "de") == "Il a dit: „Ils parlent de ‚garanties‘ sans rien donner“."


def test_german_marks_are_read_as_german() -> None:
    assert apply_typography("„Das ist gut“, sagte er.", "en") == "“Das ist gut”, sagte er."
    assert scan_quotes("„Das ist gut“, sagte er.").balanced


def test_french_target_spacing() -> None:
    text = "He said : “It is ‘really’ bad”! Today ? Yes ; at 12:30 on https://example.org, 3,5 %."
    assert apply_typography(text, "fr") == (
        f"He said{NBSP}: «{NNBSP}It is “really” bad{NNBSP}»{NNBSP}! Today{NNBSP}? Yes{NNBSP}; "
        f"at 12:30 on https://example.org, 3,5{NNBSP}%."
    )


def test_english_spacing() -> None:
    assert apply_typography("He said : it is over ! Really ? Yes ; 3,5 % , done .", "en") == (
        "He said: it is over! Really? Yes; 3,5%, done."
    )
    assert apply_typography("The meeting ( in Brussels ) ended.  Then  nothing.", "en") == (
        "The meeting (in Brussels) ended. Then nothing."
    )


@pytest.mark.parametrize(
    "text",
    ["Aujourd'hui, it's over.", "l’OTAN et l'Alliance", "the allies’ troops", "NATO’s 30 members"],
)
def test_apostrophes_are_kept(text: str) -> None:
    assert apply_typography(text, "en") == text
    assert scan_quotes(text).marks == []


def test_ascii_and_single_quotes() -> None:
    assert apply_typography('He said "hello" and "bye " .', "en") == "He said “hello” and “bye”."
    assert apply_typography("Il a dit 'non' hier.", "en") == "Il a dit “non” hier."


def test_scan_counts_and_balance() -> None:
    scan = scan_quotes("« Un », puis « deux « trois » ».")
    assert scan.balanced and scan.quotations == 3
    assert [m.depth for m in scan.marks] == [1, 1, 1, 2, 2, 1]
    first, second = scan.marks[0], scan.marks[1]
    assert first.partner == second.index and second.partner == first.index
    broken = scan_quotes("“In the positions expressed. ” Some requests are not questionable », she insisted.")
    assert not broken.balanced


def test_french_continuation_mark_opens_a_paragraph() -> None:
    # A quotation running over paragraphs may start the next one with ».
    scan = scan_quotes("» La porte reste ouverte », a-t-il ajouté.")
    assert scan.balanced and scan.quotations == 1
    assert apply_typography("» La porte reste ouverte », a-t-il ajouté.", "en") == (
        "“La porte reste ouverte”, a-t-il ajouté."
    )


def test_normalise_quotes_leaves_unquoted_text_alone() -> None:
    text = "Rien à signaler  ici ."
    assert normalise_quotes(text, "en") == text


_words = st.sampled_from(["mot", "l'OTAN", "aujourd'hui", "it's", "3,5", "2022", "(AFP)", "[des uns]"])
_punct = st.sampled_from(["", ",", ".", " !", " ?", " :", ";", "…"])
_space = st.sampled_from(["", " ", NBSP, NNBSP])
# Each language's outer marks with the nested marks that go with them.
_STYLES = {
    ("«", "»"): [("«", "»"), ("“", "”"), ("‹", "›")],
    ("“", "”"): [("‘", "’")],
    ("„", "“"): [("‚", "‘")],
    ('"', '"'): [("‘", "’"), ("«", "»")],
}


@st.composite
def _quoted_text(draw: st.DrawFn, style: tuple[str, str] | None = None) -> str:
    """Well-formed text: words, punctuation and (nested) quotations in any source style."""
    items = []
    for _ in range(draw(st.integers(1, 4))):
        if (style is None or style in _STYLES) and draw(st.booleans()):
            opening, closing = draw(st.sampled_from(list(_STYLES) if style is None else _STYLES[style]))
            space = draw(_space)
            inner = draw(_quoted_text((opening, closing)))
            items.append(f"{opening}{space}{inner}{space}{closing}{draw(_punct)}")
        else:
            items.append(draw(_words) + draw(_punct))
    return " ".join(items)


@settings(max_examples=80, deadline=None)
@given(_quoted_text())
@pytest.mark.parametrize("target", ["en", "fr", "de"])
def test_typography_is_idempotent_and_keeps_quotations(target: str, text: str) -> None:
    once = apply_typography(text, target)
    assert apply_typography(once, target) == once
    before, after = scan_quotes(text), scan_quotes(once)
    assert before.balanced and after.balanced
    assert after.quotations == before.quotations
